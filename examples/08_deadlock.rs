//! Two tasks each wait for a message the other sends only after its own arrives. Nothing can
//! run, no timer is set: instead of hanging, the run fails with the tree of who waits where.
//!
//! Run with `cargo run --example 08_deadlock`.

use futures::channel::oneshot;
use traced_async::{Runtime, spawn_named, traced_async};

#[traced_async(skip_all)] // A channel's `Debug` says nothing here.
async fn ping(inbox: oneshot::Receiver<u32>, outbox: oneshot::Sender<u32>) {
    let n = inbox.await.unwrap_or(0);
    let _ = outbox.send(n + 1);
}

fn main() {
    let rt = Runtime::builder().deterministic(true).build();
    let result = rt.try_block_on(async {
        let (to_a, a_inbox) = oneshot::channel();
        let (to_b, b_inbox) = oneshot::channel();
        let a = spawn_named("alice", ping(a_inbox, to_b));
        let b = spawn_named("bob", ping(b_inbox, to_a));
        a.await;
        b.await;
    });
    match result {
        Ok(()) => println!("finished"),
        Err(_) => println!("the run failed with a deadlock report instead of hanging"),
    }
}
