//! A hand-written future that returns `Pending` without keeping the waker: nobody can ever wake
//! its task again. The runtime sees that no clone of the waker is alive and says where.
//!
//! Run with `cargo run --example 07_lost_wakeup`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use traced_async::{Runtime, sleep, spawn_named, traced_async};

/// Says "not yet" once, and forgets to arrange a wake-up (the bug).
struct Forgetful {
    asked: bool,
}

impl Future for Forgetful {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.asked {
            return Poll::Ready(());
        }
        self.asked = true;
        Poll::Pending // Bug: should store `_cx.waker().clone()` or wake it.
    }
}

#[traced_async]
async fn wait_for_data() {
    Forgetful { asked: false }.await;
    println!("never printed");
}

fn main() {
    let rt = Runtime::builder().deterministic(true).build();
    rt.block_on(async {
        let stuck = spawn_named("reader", wait_for_data());
        sleep(Duration::from_millis(100)).await;
        stuck.abort(); // give up on it
    });
}
