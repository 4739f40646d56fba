//! Threads are for CPU-bound work: the same CPU-heavy job, first run inline on the runtime's
//! thread (no other task runs until it ends: the ticker's ticks come late), then moved to an
//! OS thread that the async code awaits (the ticker keeps its rhythm while the job runs on
//! another core).
//!
//! Real time: the clock column, the durations and the lateness vary from run to run.
//!
//! Run with `cargo run --example 12_cpu_bound`.

use std::time::{Duration, Instant};

use futures::channel::oneshot;
use traced_async::{Runtime, sleep, spawn_named, traced_async};

const TICK: Duration = Duration::from_millis(10);
const TICKS: u32 = 6;
/// The job starts this long after the ticker, in the middle of its second tick.
const START_JOB: Duration = Duration::from_millis(15);
/// Primes are counted below this: about a tenth of a second of CPU in a debug build.
const LIMIT: u64 = 150_000;

/// The CPU-heavy job: counts primes below `limit` by trial division. It never awaits.
fn count_primes(limit: u64) -> u64 {
    (2..limit)
        .filter(|&n| (2..).take_while(|d| d * d <= n).all(|d| n % d != 0))
        .count() as u64
}

/// Ticks every `TICK`; returns how late the latest tick came after the one before.
#[traced_async]
async fn ticker() -> Duration {
    let mut last = Instant::now();
    let mut worst = Duration::ZERO;
    for _ in 0..TICKS {
        sleep(TICK).await;
        let now = Instant::now();
        worst = worst.max((now - last).saturating_sub(TICK));
        last = now;
    }
    worst
}

/// Runs the job on the runtime's thread, inside the task's poll.
#[traced_async]
async fn crunch_inline() -> (u64, Duration) {
    sleep(START_JOB).await;
    let started = Instant::now();
    let primes = count_primes(LIMIT); // holds the thread: no other task runs meanwhile
    (primes, started.elapsed())
}

/// Runs the job on an OS thread of its own and waits for its answer without holding the
/// runtime's thread.
#[traced_async]
async fn crunch_on_thread() -> (u64, Duration) {
    sleep(START_JOB).await;
    let (answer, result) = oneshot::channel();
    std::thread::spawn(move || {
        let started = Instant::now();
        let primes = count_primes(LIMIT);
        let _ = answer.send((primes, started.elapsed()));
    });
    result.await.expect("the job's thread sends its answer")
}

fn main() {
    for inline in [true, false] {
        let rt = Runtime::builder().summary(false).build();
        let (ticks, (primes, took)) = rt.block_on(async move {
            let ticks = spawn_named("ticker", ticker());
            let job = if inline {
                crunch_inline().await
            } else {
                crunch_on_thread().await
            };
            (ticks.await, job)
        });
        let wakes = rt.wakes();
        let ticker = wakes.iter().find(|w| w.name == "ticker");
        let wake_to_poll = ticker
            .and_then(|w| w.wake_to_poll)
            .map_or_else(|| "-".to_owned(), |(_, max)| format!("{max:.1?}"));
        let place = if inline {
            "inline on the runtime's thread"
        } else {
            "on an OS thread of its own"
        };
        println!("the job, {place}: {primes} primes below {LIMIT} in {took:.1?}");
        println!(
            "  the ticker's latest tick came {ticks:.1?} late; the runtime's longest \
             wake-to-poll for it: {wake_to_poll}\n"
        );
    }
}
