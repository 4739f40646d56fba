use std::rc::Rc;

use traced_async::traced;

fn spawn<F: std::future::Future + Send + 'static>(_: F) {}

async fn tick() {}

fn main() {
    let rc = Rc::new(1);
    spawn(traced!("holds an Rc", async move {
        tick().await;
        drop(rc);
    }));
}
