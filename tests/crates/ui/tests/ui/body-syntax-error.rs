use traced_async::traced_async;

#[traced_async]
async fn fetch() -> u32 {
    let page = std::future::ready(1).await;
    page +
}

fn main() {
    let _ = fetch();
}
