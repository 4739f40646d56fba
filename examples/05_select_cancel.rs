//! `select!` runs branches concurrently and drops the losers: a dropped traced future is
//! recorded as cancelled at the await point it was suspended at. `timeout` does the same.
//! The Mermaid state diagram of each fn shows every transition observed. (`select_biased!`
//! polls its branches in order; `select!` picks a random order, which would make the output
//! differ between runs.)
//!
//! Run with `cargo run --example 05_select_cancel`.

use std::time::Duration;

use futures::FutureExt;
use traced_async::{Runtime, sleep, timeout, traced_async};

#[traced_async]
async fn fetch(name: &str, ms: u64) -> String {
    sleep(Duration::from_millis(ms)).await;
    name.to_owned()
}

#[traced_async]
async fn race() -> String {
    futures::select_biased! {
        fast = fetch("fast", 10).fuse() => fast,
        slow = fetch("slow", 30).fuse() => slow,
    }
}

#[traced_async]
async fn impatient() -> Option<String> {
    timeout(Duration::from_millis(15), fetch("too slow", 40))
        .await
        .ok()
}

fn main() {
    let rt = Runtime::builder().deterministic(true).build();
    let (winner, late) = rt.block_on(async { (race().await, impatient().await) });
    println!("winner: {winner}, late: {late:?}\n");
    print!("{}", rt.state_diagrams());
}
