#![deny(dead_code)]

use traced_async::traced_async;

#[traced_async]
async fn never_called() -> u32 {
    std::future::ready(1).await
}

fn main() {}
