//! Issue 11's timeline costs. Run with `cargo bench -p traced-async-benches --bench timeline`; results in
//! BENCHMARKS.md ("Timelines").
//!
//! - `record_1m`: recording 1 000 003 transitions under `capture` (333 334 calls of a traced fn
//!   that suspends once, awaited in a loop by a traced caller: 3 transitions per call, plus the
//!   caller's last).
//! - `layout_1m`: laying that trace out (`Trace::timeline`) alone.
//! - `chrome_1m`, `svg_1m`: laying that trace out (`Trace::timeline`) and writing it as Chrome
//!   Trace Event JSON (a `String`), or as an SVG picture; `chrome_file_1m`: the JSON written
//!   into a file (`Timeline::write_chrome`), as the runtime's builder writes it.
//! - `per_poll_live_json`, `per_poll_timeline_stream`: one poll under the process-wide
//!   recorder with live JSON output (to a discarded stderr) against the timeline stream (to a
//!   file), each in a child process of its own (a recorder is installed once per process).

use std::future::Future;
use std::pin::Pin;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::task::{Context, Poll};

use divan::Bencher;
use divan::counter::ItemsCount;
use traced_async::{Trace, traced_async};

/// Calls of `tick` in the recorded workload: 3 transitions each.
const CALLS: u64 = 333_334;
/// Polls per sample in the per-poll benches.
const POLLS: u64 = 10_000;
/// Which recorder a child process installs.
const CHILD: &str = "TRACED_ASYNC_BENCH_CHILD";

/// Pending once (waking itself), then ready.
struct Once(bool);

impl Future for Once {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

#[traced_async]
async fn tick() {
    Once(false).await;
}

#[traced_async]
async fn ticks(n: u64) {
    for _ in 0..n {
        tick().await;
    }
}

fn recorded() -> &'static Trace {
    static TRACE: OnceLock<Trace> = OnceLock::new();
    TRACE.get_or_init(|| {
        let ((), trace) = traced_async::capture(ticks(CALLS));
        assert_eq!(trace.transitions().len() as u64, 3 * CALLS + 1);
        trace
    })
}

#[divan::bench(sample_count = 1, sample_size = 1)]
fn record_1m(bencher: Bencher) {
    bencher
        .counter(ItemsCount::new(3 * CALLS + 1))
        .bench_local(|| traced_async::capture(ticks(CALLS)).1.transitions().len());
}

#[divan::bench(sample_count = 1, sample_size = 1)]
fn layout_1m(bencher: Bencher) {
    let trace = recorded();
    bencher
        .counter(ItemsCount::new(trace.transitions().len()))
        .bench_local(|| trace.timeline().polls());
}

#[divan::bench(sample_count = 1, sample_size = 1)]
fn chrome_1m(bencher: Bencher) {
    let trace = recorded();
    bencher
        .counter(ItemsCount::new(trace.transitions().len()))
        .bench_local(|| trace.timeline().chrome_json().len());
}

/// The export as the runtime's builder does it: into a file, 256 KiB at a time.
#[divan::bench(sample_count = 1, sample_size = 1)]
fn chrome_file_1m(bencher: Bencher) {
    let trace = recorded();
    let path = std::env::temp_dir().join("traced-async-bench-chrome.json");
    bencher
        .counter(ItemsCount::new(trace.transitions().len()))
        .bench_local(|| {
            let mut file = std::fs::File::create(&path).expect("a temporary file");
            trace.timeline().write_chrome(&mut file).expect("written");
        });
    let _ = std::fs::remove_file(path);
}

#[divan::bench(sample_count = 1, sample_size = 1)]
fn svg_1m(bencher: Bencher) {
    let trace = recorded();
    bencher
        .counter(ItemsCount::new(trace.transitions().len()))
        .bench_local(|| trace.timeline().svg().len());
}

/// One sample of the per-poll benches: `POLLS / 3` calls under the installed recorder.
fn per_poll(bencher: Bencher) {
    bencher
        .counter(ItemsCount::new(POLLS))
        .bench_local(|| futures::executor::block_on(ticks(POLLS / 3)));
}

#[divan::bench(sample_count = 50)]
fn per_poll_live_json(bencher: Bencher) {
    if std::env::var(CHILD).as_deref() == Ok("json") {
        per_poll(bencher);
    }
}

#[divan::bench(sample_count = 50)]
fn per_poll_timeline_stream(bencher: Bencher) {
    if std::env::var(CHILD).as_deref() == Ok("timeline") {
        per_poll(bencher);
    }
}

/// CPU time this process has used, from /proc (Linux), in seconds: on a loaded machine the
/// wall-clock samples above include waiting for a core.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// With `TIMELINE_CPU=1`: the CPU time of each 1 000 000-transition step, once.
fn cpu_times() {
    let measure = |name: &str, f: &dyn Fn() -> usize| {
        let (before, wall) = (cpu_seconds(), std::time::Instant::now());
        let n = f();
        let (after, wall) = (cpu_seconds(), wall.elapsed());
        if let (Some(a), Some(b)) = (before, after) {
            println!(
                "{name:<10} cpu {:.2} s, wall {:.2} s ({n})",
                b - a,
                wall.as_secs_f64()
            );
        }
    };
    measure("record", &|| {
        traced_async::capture(ticks(CALLS)).1.transitions().len()
    });
    let trace = recorded();
    measure("layout", &|| trace.timeline().polls());
    measure("chrome", &|| trace.timeline().chrome_json().len());
    let path = std::env::temp_dir().join("traced-async-bench-chrome.json");
    measure("chrome file", &|| {
        let mut file = std::fs::File::create(&path).expect("a temporary file");
        trace.timeline().write_chrome(&mut file).expect("written");
        0
    });
    let _ = std::fs::remove_file(path);
    measure("svg", &|| trace.timeline().svg().len());
}

fn main() {
    if std::env::var_os("TIMELINE_CPU").is_some() {
        cpu_times();
        return;
    }
    match std::env::var(CHILD).as_deref() {
        Ok("json") => {
            let _guard = traced_async::RecorderBuilder::new()
                .live(traced_async::Format::Json)
                .summary(false)
                .init();
            divan::main();
        }
        Ok("timeline") => {
            let path = std::env::temp_dir().join("traced-async-bench-timeline.json");
            let guard = traced_async::RecorderBuilder::new()
                .timeline_to(&path)
                .summary(false)
                .init();
            divan::main();
            let lost = traced_async::report().timeline_lost();
            drop(guard);
            let written = std::fs::read_to_string(&path).map_or(0, |f| f.lines().count());
            eprintln!("timeline stream: {written} lines written, {lost} events lost");
            let _ = std::fs::remove_file(path);
        }
        _ => {
            divan::main();
            // The per-poll benches, each in a child with its recorder installed.
            for (child, bench) in [
                ("json", "per_poll_live_json"),
                ("timeline", "per_poll_timeline_stream"),
            ] {
                let args: Vec<String> = std::env::args().skip(1).collect();
                if args
                    .iter()
                    .any(|a| !a.starts_with('-') && !bench.contains(a.as_str()))
                {
                    continue;
                }
                let status = Command::new(std::env::current_exe().expect("the bench binary"))
                    .args(args.iter().filter(|a| a.starts_with('-')))
                    .arg(bench)
                    .env(CHILD, child)
                    .stderr(if child == "json" {
                        Stdio::null()
                    } else {
                        Stdio::inherit()
                    })
                    .status();
                assert!(
                    status.is_ok_and(|s| s.success()),
                    "the {child} child failed"
                );
            }
        }
    }
}
