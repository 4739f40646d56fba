use traced_async::traced_async;

#[traced_async]
async fn fetch(fail: bool) -> u32 {
    if fail {
        return "none";
    }
    std::future::ready(1).await
}

fn main() {
    let _ = fetch(false);
}
