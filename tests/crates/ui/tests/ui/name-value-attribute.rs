use traced_async::traced_async;

#[traced_async = "fetch"]
async fn fetch() -> u32 {
    1
}

fn main() {
    let _ = fetch();
}
