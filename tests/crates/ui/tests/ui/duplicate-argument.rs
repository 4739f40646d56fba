use traced_async::traced_async;

#[traced_async(name = "fetch page", name = "fetch")]
async fn fetch() -> u32 {
    1
}

fn main() {
    let _ = fetch();
}
