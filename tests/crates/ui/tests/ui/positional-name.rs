use traced_async::traced_async;

#[traced_async("fetch page")]
async fn fetch() -> u32 {
    1
}

fn main() {
    let _ = fetch();
}
