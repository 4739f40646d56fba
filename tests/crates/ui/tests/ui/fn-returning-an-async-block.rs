use std::future::Future;

use traced_async::traced_async;

#[traced_async]
fn fetch() -> impl Future<Output = u32> {
    async move { 1 }
}

fn main() {
    let _ = fetch();
}
