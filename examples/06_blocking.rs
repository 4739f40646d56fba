//! A blocking call inside async code holds the whole thread: no other task can run. The
//! runtime times every poll and names the code segment that ran too long.
//!
//! In deterministic mode the virtual clock is charged for a poll over the blocking threshold:
//! its measured duration rounded down to whole thresholds (here 100 ms and a little, so
//! 100 ms), so the heartbeat, due at 5 ms, is shown polled at 105 ms, and the output stays the
//! same from run to run. Outside deterministic mode the warning prints the measured time as is.
//!
//! Run with `cargo run --example 06_blocking`.

use std::time::Duration;

use traced_async::{Runtime, sleep, spawn_named, traced_async};

#[traced_async]
async fn parse_config() -> usize {
    sleep(Duration::from_millis(5)).await;
    // Blocking: `std::thread::sleep` (or heavy CPU work, or std file IO) never yields.
    std::thread::sleep(Duration::from_millis(100));
    sleep(Duration::from_millis(5)).await;
    42
}

#[traced_async]
async fn heartbeat() {
    for _ in 0..3 {
        sleep(Duration::from_millis(5)).await;
    }
}

fn main() {
    let rt = Runtime::builder()
        .deterministic(true)
        .blocking_threshold(Duration::from_millis(50))
        .build();
    let n = rt.block_on(async {
        let beat = spawn_named("heartbeat", heartbeat());
        let n = parse_config().await;
        beat.await;
        n
    });
    println!("config: {n}");
}
