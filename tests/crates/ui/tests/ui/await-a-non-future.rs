use traced_async::traced_async;

#[traced_async]
async fn fetch() -> u32 {
    let n = 1;
    n.await
}

fn main() {
    let _ = fetch();
}
