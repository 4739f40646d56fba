use traced_async::traced_async;

#[traced_async(timing = "off")]
async fn fetch() -> u32 {
    1
}

fn main() {
    let _ = fetch();
}
