use traced_async::traced_async;

#[traced_async]
const fn fetch() -> u32 {
    1
}

fn main() {
    let _ = fetch();
}
