use traced_async::traced_async;

#[traced_async(nmae = "fetch page")]
async fn fetch() -> u32 {
    1
}

fn main() {
    let _ = fetch();
}
