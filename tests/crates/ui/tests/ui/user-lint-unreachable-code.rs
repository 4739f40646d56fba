#![deny(unreachable_code)]

use traced_async::traced_async;

#[traced_async]
async fn fetch() -> u32 {
    return 1;
    std::future::ready(2).await
}

fn main() {
    let _ = fetch();
}
