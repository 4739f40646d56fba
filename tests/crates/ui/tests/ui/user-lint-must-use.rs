#![deny(unused_must_use)]

use traced_async::traced_async;

#[traced_async]
#[must_use]
async fn fetch() -> u32 {
    std::future::ready(1).await
}

#[traced_async]
async fn caller() {
    fetch().await;
}

fn main() {
    let _ = caller();
}
