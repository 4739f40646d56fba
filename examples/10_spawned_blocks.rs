//! Most tasks of a tokio service are `tokio::spawn(async move { .. })`: `traced!` traces such
//! a block as `#[traced_async]` traces a fn. Spawned tasks run outside any capture scope, so
//! the process-wide recorder prints their transitions live.
//!
//! Run with `cargo run --example 10_spawned_blocks`.

use std::time::Duration;

use traced_async::{Format, RecorderBuilder, traced};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // Untimed, so the output is the same on every run; the summary prints when `_guard` drops.
    let _guard = RecorderBuilder::new()
        .live(Format::Pretty)
        .timing(false)
        .init();
    let mut workers = Vec::new();
    for (id, ms) in [(1_u64, 20), (2, 10)] {
        workers.push(tokio::spawn(traced!("worker", async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            id * 10
        })));
    }
    let collect = traced!("collect", async move {
        let mut total = 0;
        for worker in workers {
            total += worker.await.unwrap();
        }
        total
    });
    println!("total {}", tokio::spawn(collect).await.unwrap());
}
