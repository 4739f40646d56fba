use std::rc::Rc;

use traced_async::traced_async;

fn require_send<T: Send>(_: T) {}

#[traced_async]
async fn holds_rc() {
    let shared = Rc::new(1);
    std::future::ready(()).await;
    drop(shared);
}

fn main() {
    require_send(holds_rc());
}
