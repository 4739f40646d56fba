#![deny(unused_variables)]

use traced_async::traced_async;

#[traced_async]
async fn fetch(url: &str) -> u32 {
    let page = std::future::ready(1).await;
    2
}

fn main() {
    let _ = fetch("x");
}
