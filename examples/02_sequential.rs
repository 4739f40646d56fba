//! Sequential awaits: each `.await` is a numbered await point; while the awaited future is not
//! ready the whole chain returns `Pending`, and the task is polled again when a timer wakes it.
//!
//! Run with `cargo run --example 02_sequential`.

use std::time::Duration;

use traced_async::{Runtime, sleep, traced_async};

#[traced_async]
async fn fetch(name: &str, ms: u64) -> String {
    sleep(Duration::from_millis(ms)).await; // simulated IO
    format!("<{name}>")
}

#[traced_async]
async fn page() -> String {
    let header = fetch("header", 10).await;
    let body = fetch("body", 20).await;
    format!("{header}{body}")
}

fn main() {
    let rt = Runtime::builder().deterministic(true).build();
    let page = rt.block_on(page());
    println!("{page}");
}
