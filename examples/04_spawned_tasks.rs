//! Spawned tasks share one thread: each runs until it awaits something not ready, then the
//! next woken task runs. A dump taken midway shows where every task waits.
//!
//! Run with `cargo run --example 04_spawned_tasks`.

use std::time::Duration;

use traced_async::{Runtime, sleep, spawn_named, traced_async, yield_now};

#[traced_async]
async fn worker(steps: u64, ms: u64) -> u64 {
    for _ in 0..steps {
        sleep(Duration::from_millis(ms)).await;
    }
    yield_now().await; // let the others run once more
    steps * ms
}

fn main() {
    let rt = Runtime::builder().deterministic(true).build();
    let total = rt.block_on(async {
        let a = spawn_named("fast", worker(3, 5));
        let b = spawn_named("slow", worker(1, 20));
        sleep(Duration::from_millis(12)).await;
        eprint!("{}", traced_async::dump().unwrap_or_default());
        a.await + b.await
    });
    println!("total work: {total}ms");
}
