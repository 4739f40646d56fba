use traced_async::traced_async;

#[traced_async(name = "")]
async fn fetch() -> u32 {
    1
}

fn main() {
    let _ = fetch();
}
