use traced_async::traced_async;

#[traced_async(crate = 7)]
async fn fetch() -> u32 {
    1
}

fn main() {
    let _ = fetch();
}
