//! Async code can do many waits at once with far fewer resources than threads: 10 000 tasks
//! on one thread beside 10 000 OS threads, each doing the same one-second wait. It prints the
//! memory each side took and how long each took, all measured in this run.
//!
//! What is measured: a task's memory is its future (`size_of_val`, the state machine the
//! compiler built) plus what the runtime keeps per task; a thread's is its stack, reserved in
//! the address space (`VmSize`) and partly touched (`VmRSS`). Both are read from
//! `/proc/self/status` (Linux) while every task or thread waits; elsewhere they are left out.
//! Real time: the numbers vary from run to run and machine to machine.
//!
//! Run with `cargo run --release --example 11_threads_vs_tasks` (the tour shows a debug run).

use std::time::{Duration, Instant};

use traced_async::{Format, Runtime, sleep, traced_async};

const COUNT: usize = 10_000;
const WAIT: Duration = Duration::from_secs(1);
/// Sampled this long after the last task or thread started, well before the first one ends.
const SAMPLE_AFTER: Duration = Duration::from_millis(200);

#[traced_async]
async fn wait(n: usize) -> usize {
    sleep(WAIT).await; // the runtime's timer: the task is suspended, the thread is free
    n
}

fn main() {
    let tasks = tasks();
    println!();
    let threads = threads();
    println!();
    let ratio = |a: Option<u64>, b: Option<u64>| match (a, b) {
        (Some(a), Some(b)) if a > 0 => format!("{:.0}x", b as f64 / a as f64),
        _ => "(not measured)".to_owned(),
    };
    println!(
        "threads over tasks: resident memory {}, address space {}, wall time {:.2}x",
        ratio(tasks.rss, threads.rss),
        ratio(tasks.size, threads.size),
        threads.took.as_secs_f64() / tasks.took.as_secs_f64(),
    );
}

/// What one side cost: memory growth while all waited (bytes), and wall time.
struct Cost {
    rss: Option<u64>,
    size: Option<u64>,
    took: Duration,
}

fn tasks() -> Cost {
    // Recording stays on (the traced fn's transitions are kept for `trace()`); printing and the
    // transcript are off: they would be 20 000 lines.
    let rt = Runtime::builder()
        .format(Format::Off)
        .transcript(false)
        .summary(false)
        .build();
    let one = size_of_val(&wait(0));
    let before = Status::read();
    let started = Instant::now();
    let (spawning, during, sum) = rt.block_on(async {
        let handles: Vec<_> = (0..COUNT).map(|n| traced_async::spawn(wait(n))).collect();
        let spawning = started.elapsed();
        sleep(SAMPLE_AFTER).await; // every task has been polled once and waits on its timer
        let during = Status::read();
        let mut sum = 0;
        for handle in handles {
            sum += handle.await;
        }
        (spawning, during, sum)
    });
    let took = started.elapsed();
    assert_eq!(sum, (0..COUNT).sum::<usize>());
    println!("{COUNT} tasks on one thread, each waiting {WAIT:?} on the runtime's timer:");
    println!(
        "  each task's future: {one} B (size_of_val), {} for all {COUNT}",
        bytes(one * COUNT)
    );
    println!("  spawned all {COUNT} in {}", seconds(spawning));
    let (rss, size) = print_growth(
        before,
        during,
        COUNT,
        "the tasks, the runtime's task table and its trace",
    );
    let transitions = rt.trace().function("wait").transitions().count();
    println!("  the runtime recorded {transitions} transitions of `wait`");
    println!("  wall time: {} (the wait itself: {WAIT:?})", seconds(took));
    Cost { rss, size, took }
}

fn threads() -> Cost {
    let before = Status::read();
    let started = Instant::now();
    let mut handles = Vec::with_capacity(COUNT);
    let mut failure = None;
    for n in 0..COUNT {
        let spawned = std::thread::Builder::new().spawn(move || {
            std::thread::sleep(WAIT); // the OS sleeps the whole thread
            n
        });
        match spawned {
            Ok(handle) => handles.push(handle),
            Err(error) => {
                failure = Some(error);
                break;
            }
        }
    }
    let spawning = started.elapsed();
    std::thread::sleep(SAMPLE_AFTER.min(WAIT.saturating_sub(spawning)));
    let during = Status::read();
    let reached = handles.len();
    let sum: usize = handles.into_iter().map(|h| h.join().unwrap_or(0)).sum();
    let took = started.elapsed();
    assert_eq!(sum, (0..reached).sum::<usize>());
    println!("{COUNT} OS threads, each waiting {WAIT:?} in std::thread::sleep:");
    match failure {
        None => println!("  spawned all {reached} in {}", seconds(spawning)),
        Some(error) => println!(
            "  this machine refused thread {} ({error}): measured with the {reached} reached",
            reached + 1
        ),
    }
    if let Some(alive) = during.as_ref().and_then(|s| s.threads) {
        println!("  threads alive in the process when sampled: {alive}");
    }
    let (rss, size) = print_growth(
        before,
        during,
        reached,
        "the stacks the threads touched and their other memory",
    );
    println!("  wall time: {} (the wait itself: {WAIT:?})", seconds(took));
    Cost { rss, size, took }
}

/// Prints how much memory grew between `before` and `during`, in all and for each of `count`;
/// returns the growth of resident memory and address space, in bytes.
fn print_growth(
    before: Option<Status>,
    during: Option<Status>,
    count: usize,
    what: &str,
) -> (Option<u64>, Option<u64>) {
    let (Some(before), Some(during)) = (before, during) else {
        println!("  memory: not measured (no /proc/self/status on this system)");
        return (None, None);
    };
    let growth = |a: Option<u64>, b: Option<u64>| Some(b?.saturating_sub(a?));
    let (rss, size) = (
        growth(before.rss, during.rss),
        growth(before.size, during.size),
    );
    let show = |n: Option<u64>| match n.and_then(|n| usize::try_from(n).ok()) {
        Some(n) => format!("{} ({} each)", bytes(n), bytes(n / count.max(1))),
        None => "(not measured)".to_owned(),
    };
    println!(
        "  resident memory (VmRSS) grew by {} while all waited",
        show(rss)
    );
    println!("    (that is {what})");
    println!("  address space (VmSize) grew by {}", show(size));
    (rss, size)
}

/// The process's memory and thread count from `/proc/self/status`, in bytes.
struct Status {
    rss: Option<u64>,
    size: Option<u64>,
    threads: Option<u64>,
}

impl Status {
    fn read() -> Option<Status> {
        let text = std::fs::read_to_string("/proc/self/status").ok()?;
        let field = |name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse::<u64>().ok())
        };
        Some(Status {
            rss: field("VmRSS:").map(|kib| kib * 1024),
            size: field("VmSize:").map(|kib| kib * 1024),
            threads: field("Threads:"),
        })
    }
}

/// `1.4 MiB`, `8.2 KiB`, `12.3 GiB`, `104 B`.
fn bytes(n: usize) -> String {
    let n = n as f64;
    let units = [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    match units.iter().find(|(_, size)| n >= *size as f64) {
        Some((unit, size)) => format!("{:.1} {unit}", n / *size as f64),
        None => format!("{n} B"),
    }
}

fn seconds(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}
