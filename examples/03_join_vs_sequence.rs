//! Two IO-bound futures on one thread: awaited one after another they take the sum of their
//! waits; joined, their waits overlap and they take the longest one. The virtual clock shows it.
//!
//! Run with `cargo run --example 03_join_vs_sequence`.

use std::time::Duration;

use traced_async::{Runtime, sleep, traced_async};

#[traced_async]
async fn fetch(name: &str, ms: u64) -> String {
    sleep(Duration::from_millis(ms)).await; // simulated IO
    name.to_uppercase()
}

#[traced_async]
async fn one_after_another() -> (String, String) {
    let a = fetch("a", 10).await;
    let b = fetch("b", 20).await;
    (a, b)
}

#[traced_async]
async fn joined() -> (String, String) {
    futures::join!(fetch("a", 10), fetch("b", 20))
}

fn main() {
    for (title, joined_up) in [("one after another", false), ("joined", true)] {
        println!("## {title}");
        let rt = Runtime::builder()
            .deterministic(true)
            .summary(false)
            .build();
        let (a, b) = if joined_up {
            rt.block_on(joined())
        } else {
            rt.block_on(one_after_another())
        };
        println!("{a}{b} after {:?} of virtual time\n", rt.elapsed());
    }
}
