//! Traced fns need no special executor: under tokio's multi-thread runtime, `Captured` records
//! them and prints with the same formatter.
//!
//! Run with `cargo run --example 09_tokio`.

use std::time::Duration;

use traced_async::{Captured, Format, Mode, traced_async};

#[traced_async]
async fn fetch(name: &str, ms: u64) -> String {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    name.to_owned()
}

#[traced_async]
async fn both() -> String {
    let (a, b) = tokio::join!(fetch("a", 10), fetch("b", 30));
    a + &b
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // `Mode::Count` leaves poll durations out, so the output is the same on every run.
    // It prints each transition live, then the summary, to stderr.
    let (out, trace) = Captured::with(both(), Mode::Count, Format::Pretty).await;
    println!("{out}: {} polls of fetch", trace.function("fetch").polls());
}
