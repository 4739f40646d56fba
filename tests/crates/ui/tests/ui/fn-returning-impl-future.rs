use std::future::{Future, ready};

use traced_async::traced_async;

#[traced_async]
fn fetch(id: u32) -> impl Future<Output = u32> {
    ready(id + 1)
}

fn main() {
    let _ = fetch(1);
}
