use traced_async::traced_async;

#[traced_async]
async fn fetch() -> u32 {
    std::future::ready(()).await;
    "one"
}

fn main() {
    let _ = fetch();
}
