//! What the process-wide recorder knows while a service runs, on its counting path, with a test
//! clock the tests move by hand (no real sleeps): polls in progress per thread, apart from the
//! waiting invocations; self time beside busy time; poll-time percentiles against the exact
//! ones; slow polls blamed on the innermost segment; and the watchdog, in a child process.
//! Every test here shares one recorder and one clock: they take turns (`turn`).

use std::future::Future;
use std::process::Command;
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use traced_async::__private::TestClock;
use traced_async::{Report, traced_async};

#[path = "common/test_clock.rs"]
mod test_clock;
use test_clock::{advance, turn};

const MS: u64 = 1_000_000;

/// The handler: sleeps 1 ms, then blocks on a `std` mutex the test holds.
#[traced_async]
async fn wants_lock(lock: Arc<Mutex<()>>, entered: Arc<Barrier>) {
    tokio::time::sleep(Duration::from_millis(1)).await;
    entered.wait();
    drop(lock.lock());
}

/// Waits (real time, bounded) until `ready` holds for a fresh report.
fn report_when(ready: impl Fn(&Report) -> bool) -> Report {
    let start = Instant::now();
    loop {
        let report = traced_async::report();
        if ready(&report) {
            return report;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{report}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn a_handler_blocked_inside_a_poll_is_in_a_poll_not_waiting() {
    let (clock, _turn) = turn();
    // Built first, dropped last: a failed assertion releases the lock before the runtime's
    // drop waits for its workers.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    let lock = Arc::new(Mutex::new(()));
    let held = lock.lock().unwrap();
    let entered = Arc::new(Barrier::new(2));
    let task = rt.spawn(wants_lock(lock.clone(), entered.clone()));
    entered.wait();
    advance(clock, 500);
    let report = traced_async::report();
    let f = report.function("wants_lock").expect("wants_lock ran");
    let sleep = &f.meta().awaits()[0];
    let line = sleep.line();
    assert_eq!(f.in_flight(), 1, "{report}");
    assert_eq!(
        f.awaits()[0].waiting(),
        0,
        "being polled is not waiting: {report}"
    );
    let polls: Vec<_> = report
        .in_poll()
        .iter()
        .filter(|p| p.function == "wants_lock")
        .collect();
    assert_eq!(polls.len(), 1, "{report}");
    assert_eq!(polls[0].resumed_from, format!("await#0 (line {line})"));
    assert_eq!(polls[0].for_nanos, Some(500 * MS));
    assert_eq!(polls[0].depth, 0);
    // tokio names its workers (`tokio-rt-worker` in 1.5x).
    let name = polls[0].thread_name.clone().expect("a worker's name");
    let text = report.to_string();
    let expected = format!(
        "thread {} ({name}): wants_lock, in a poll for 500.00ms, after await#0 (line {line})",
        polls[0].thread
    );
    assert!(text.contains(&expected), "{text}");
    assert!(!text.contains("1 waiting"), "{text}");
    assert!(
        text.contains("wants_lock  1 in flight\n  1 in a poll now (see below)\n"),
        "{text}"
    );

    drop(held);
    rt.block_on(task).unwrap();
    let report = traced_async::report();
    assert!(
        report.in_poll().iter().all(|p| p.function != "wants_lock"),
        "{report}"
    );
    // The 500 ms poll was slow, blamed on the segment it ran.
    let slow = report
        .slow_polls()
        .iter()
        .find(|s| s.function == "wants_lock")
        .expect("a slow poll");
    assert_eq!(
        (
            slow.from.as_str(),
            slow.to.as_str(),
            slow.count,
            slow.worst_nanos
        ),
        (
            format!("await#0 (line {line})").as_str(),
            "the return",
            1,
            500 * MS
        )
    );
    // One sentence, wrapped to 100 columns.
    assert!(
        report.to_string().replace("\n  ", " ").contains(&format!(
            "⚠ wants_lock, from await#0 (line {line}) to the return: 1 poll held the thread \
             5.00ms or more (worst 500.00ms)"
        )),
        "{report}"
    );
    let f = report.function("wants_lock").unwrap();
    assert_eq!(
        f.poll_latency().map(|l| (l.count, l.max)),
        Some((2, 500 * MS))
    );
}

#[traced_async]
async fn nested_inner(clock: &TestClock) {
    advance(clock, 30);
    traced_async::yield_now().await;
    advance(clock, 30);
}

#[traced_async]
async fn nested_outer(clock: &TestClock) {
    advance(clock, 10);
    nested_inner(clock).await;
    advance(clock, 5);
}

#[test]
fn self_time_leaves_out_nested_traced_polls_and_slow_polls_blame_the_innermost() {
    let (clock, _turn) = turn();
    futures::executor::block_on(nested_outer(clock));
    let report = traced_async::report();
    let outer = report.function("nested_outer").unwrap();
    let inner = report.function("nested_inner").unwrap();
    // outer: polls of 10 + 30 and 30 + 5 ms; inner: two polls of 30 ms.
    assert_eq!(outer.busy(), Some(Duration::from_millis(75)));
    assert_eq!(outer.self_busy(), Some(Duration::from_millis(15)));
    assert_eq!(inner.busy(), Some(Duration::from_millis(60)));
    assert_eq!(inner.self_busy(), Some(Duration::from_millis(60)));
    // Each of outer's polls took over 5 ms only because inner's did: inner is blamed.
    assert!(
        report
            .slow_polls()
            .iter()
            .all(|s| s.function != "nested_outer")
    );
    let inner_slow: Vec<(&str, &str, u64, u64)> = report
        .slow_polls()
        .iter()
        .filter(|s| s.function == "nested_inner")
        .map(|s| (s.from.as_str(), s.to.as_str(), s.count, s.worst_nanos))
        .collect();
    let start = format!("the start (line {})", inner.meta().line());
    let yielded = format!("await#0 (line {})", inner.meta().awaits()[0].line());
    assert_eq!(inner_slow.len(), 2, "{report}");
    assert!(inner_slow.contains(&(start.as_str(), yielded.as_str(), 1, 30 * MS)));
    assert!(inner_slow.contains(&(yielded.as_str(), "the return", 1, 30 * MS)));
    let text = report.to_string();
    assert!(text.contains("busy 75.00ms (self 15.00ms)"), "{text}");
}

#[traced_async]
async fn quick_child(clock: &TestClock) {
    advance(clock, 10);
}

#[traced_async]
async fn panicking_child(clock: &TestClock) {
    advance(clock, 20);
    panic!("panicking_child panics, on purpose");
}

#[traced_async]
async fn survives_a_panic(clock: &TestClock) {
    quick_child(clock).await;
    let caught = std::panic::AssertUnwindSafe(panicking_child(clock));
    assert!(futures::FutureExt::catch_unwind(caught).await.is_err());
    advance(clock, 5);
}

#[test]
fn a_nested_poll_that_panics_leaves_the_enclosing_self_time_right() {
    let (clock, _turn) = turn();
    futures::executor::block_on(survives_a_panic(clock));
    let report = traced_async::report();
    let f = report.function("survives_a_panic").unwrap();
    // One poll of 10 + 20 + 5 ms. quick_child's 10 ms are nested time; the panicked poll's
    // duration is never measured (it unwound), so its 20 ms stay in the enclosing self time.
    // Before the fix the unwind reset the nested time: self time 35 ms.
    assert_eq!(f.busy(), Some(Duration::from_millis(35)));
    assert_eq!(f.self_busy(), Some(Duration::from_millis(25)), "{report}");
}

#[traced_async]
async fn suspends(times: usize) {
    for _ in 0..times {
        traced_async::yield_now().await;
    }
}

#[test]
fn suspended_time_per_await_point_against_the_exact_waits() {
    let (clock, _turn) = turn();
    // 100 waits of 1 to 100 ms between polls, in a scrambled order, each poll taking 0 ms.
    let waits: Vec<u64> = (1..=100u64).map(|i| (i * 37) % 100 + 1).collect();
    let mut future = std::pin::pin!(suspends(waits.len()));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    for &wait in &waits {
        assert!(future.as_mut().poll(&mut cx).is_pending());
        advance(clock, wait);
    }
    assert!(future.as_mut().poll(&mut cx).is_ready());
    let report = traced_async::report();
    let f = report.function("suspends").unwrap();
    let l = f.awaits()[0].suspended_latency().expect("timed waits");
    assert_eq!(l.count, 100, "{report}");
    // Exact: the k-th smallest wait is k ms. Within 5% (the buckets' 3.2% and the 1 024 ns
    // resolution of a kept end reading).
    for (got, exact) in [(l.p50, 50), (l.p90, 90), (l.p99, 99), (l.max, 100)] {
        let exact = exact * MS;
        assert!(
            got.abs_diff(exact) <= exact / 20,
            "{got} vs {exact}: {report}"
        );
    }
    assert!(
        report.to_string().contains("    suspended for  p50 "),
        "{report}"
    );
    let json = serde_json::to_value(&report).unwrap();
    let functions = json["functions"].as_array().unwrap();
    let f = functions.iter().find(|f| f["fn"] == "suspends").unwrap();
    let wait = &f["awaits"][0]["suspended_ns"];
    assert_eq!(
        (&wait["count"], wait["max"].as_u64()),
        (&100.into(), Some(l.max))
    );
    assert!(
        f["polls_ns"]["count"] == 101 && f["self_ns"].is_u64(),
        "{f}"
    );
}

#[traced_async]
async fn takes(clock: &TestClock, micros: u64) {
    clock.advance(Duration::from_micros(micros));
}

#[test]
fn poll_time_percentiles_are_within_five_percent_of_the_exact_ones() {
    let (clock, _turn) = turn();
    // A long tail: most polls are short, a few are three orders of magnitude longer.
    let mut micros: Vec<u64> = (1..=2_000u64)
        .map(|i| {
            if i % 100 == 0 {
                40_000 + i
            } else {
                20 + i % 300
            }
        })
        .collect();
    for &m in &micros {
        futures::executor::block_on(takes(clock, m));
    }
    let report = traced_async::report();
    let latency = report.function("takes").unwrap().poll_latency().unwrap();
    micros.sort_unstable();
    let exact = |q: usize| micros[(micros.len() * q).div_ceil(100) - 1] * 1_000;
    assert_eq!((latency.count, latency.max), (2_000, 42_000_000));
    for (q, ours) in [(50, latency.p50), (90, latency.p90), (99, latency.p99)] {
        let truth = exact(q);
        assert!(
            ours.abs_diff(truth) * 20 <= truth,
            "p{q}: {ours} against {truth}"
        );
    }
}

#[traced_async(timing = false)]
async fn counted_only(entered: Arc<Barrier>, release: Arc<Barrier>) {
    entered.wait();
    release.wait();
}

#[test]
fn without_timing_a_poll_in_progress_is_dated_from_when_it_was_first_seen() {
    let (clock, _turn) = turn();
    let (entered, release) = (Arc::new(Barrier::new(2)), Arc::new(Barrier::new(2)));
    let poller = {
        let (entered, release) = (entered.clone(), release.clone());
        std::thread::spawn(move || futures::executor::block_on(counted_only(entered, release)))
    };
    entered.wait();
    let first = report_when(|r| r.in_poll().iter().any(|p| p.function == "counted_only"));
    let poll = first
        .in_poll()
        .iter()
        .find(|p| p.function == "counted_only")
        .unwrap();
    assert_eq!((poll.for_nanos, poll.seen_for_nanos), (None, Some(0)));
    assert!(
        first.to_string().contains(
            "counted_only, in a poll (not timed: first seen now), in its first poll, from the \
             start"
        ),
        "{first}"
    );
    advance(clock, 250);
    let later = traced_async::report();
    let poll = later
        .in_poll()
        .iter()
        .find(|p| p.function == "counted_only")
        .unwrap();
    assert_eq!(poll.seen_for_nanos, Some(250 * MS));
    release.wait();
    poller.join().unwrap();
}

const CHILD: &str = "TRACED_ASYNC_TEST_WATCHDOG_CHILD";

#[traced_async]
async fn stuck(entered: Arc<Barrier>, release: Arc<Barrier>) {
    traced_async::yield_now().await;
    entered.wait();
    release.wait();
}

/// Waits (real time, bounded) until the output file holds `text`.
fn wait_for(path: &str, text: &str) {
    let start = Instant::now();
    while !std::fs::read_to_string(path)
        .unwrap_or_default()
        .contains(text)
    {
        assert!(start.elapsed() < Duration::from_secs(20), "no {text:?}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// The child: `TRACED_ASYNC=all,watchdog=100ms,out=PATH`; a poll blocks on a barrier for 2 s
/// of the test clock, and is released once the watchdog has said so.
fn child(path: &str) {
    let clock = TestClock::install().expect("the clock was not read yet");
    let _guard = traced_async::init();
    let (entered, release) = (Arc::new(Barrier::new(2)), Arc::new(Barrier::new(2)));
    let poller = {
        let (entered, release) = (entered.clone(), release.clone());
        std::thread::Builder::new()
            .name("handler".to_owned())
            .spawn(move || futures::executor::block_on(stuck(entered, release)))
            .unwrap()
    };
    entered.wait();
    advance(&clock, 2_000);
    wait_for(path, "⚠ watchdog");
    release.wait();
    poller.join().unwrap();
    wait_for(path, "✓ watchdog");
}

#[test]
fn the_watchdog_prints_a_stuck_poll_once_and_again_when_it_returns() {
    if let Ok(path) = std::env::var(CHILD) {
        child(&path);
        return;
    }
    let dir = std::env::temp_dir().join(format!("traced-async-watchdog-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("out.txt");
    let path = path.to_str().unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "the_watchdog_prints_a_stuck_poll_once_and_again_when_it_returns",
            "--nocapture",
        ])
        .env(CHILD, path)
        .env(
            "TRACED_ASYNC",
            format!("all,watchdog=100ms,no-summary,out={path}"),
        )
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    // Lines are wrapped at 100 columns: one line per message here.
    let text = std::fs::read_to_string(path)
        .unwrap_or_default()
        .replace("\n  ", " ");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "{}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = |prefix: &str| {
        let found: Vec<&str> = text.lines().filter(|l| l.starts_with(prefix)).collect();
        assert_eq!(found.len(), 1, "{prefix}: once\n{text}");
        found[0].to_owned()
    };
    // The yield is the 1st await point: `stuck` is blocked after it.
    let source = include_str!("in_progress.rs");
    let yield_line = source
        .lines()
        .position(|l| l.contains("async fn stuck"))
        .unwrap()
        + 2;
    let stuck_line = line("⚠ watchdog");
    assert!(
        stuck_line.ends_with(&format!(
            "(handler) has been in one poll of stuck for 2.00s, after await#0 (line {yield_line})"
        )),
        "{stuck_line}"
    );
    let returned = line("✓ watchdog");
    assert!(
        returned.ends_with(&format!(
            "(handler): the poll of stuck after await#0 (line {yield_line}) returned, after at \
             least 2.00s"
        )),
        "{returned}"
    );
}

const SAMPLE_CHILD: &str = "TRACED_ASYNC_TEST_SAMPLE_CHILD";

/// Polls that take 3 ms one time in four, 1 ms otherwise (then a last one of 0).
#[traced_async]
async fn mostly_short(clock: &TestClock, n: u32) {
    for i in 0..n {
        advance(clock, if i % 4 == 0 { 3 } else { 1 });
        traced_async::yield_now().await;
    }
}

/// The child: `sample(16)`; 16 000 polls, counted exactly, about 1 000 timed.
fn sample_child() {
    let clock = TestClock::install().expect("the clock was not read yet");
    let _guard = traced_async::RecorderBuilder::new()
        .summary(false)
        .sample(16)
        .init();
    futures::executor::block_on(mostly_short(&clock, 16_000));
    let report = traced_async::report();
    let f = report.function("mostly_short").unwrap();
    assert_eq!((f.calls(), f.polls(), f.returned()), (1, 16_001, 1));
    assert_eq!(f.awaits()[0].suspensions(), 16_000);
    let latency = f.poll_latency().unwrap();
    assert!(latency.count.abs_diff(1_000) <= 50, "{latency:?}");
    assert!(latency.p50.abs_diff(MS) * 20 <= MS, "{latency:?}");
    assert!(latency.p90.abs_diff(3 * MS) * 20 <= 3 * MS, "{latency:?}");
    // 4 000 polls of 3 ms and 12 000 of 1 ms: 24 s, estimated from the timed polls.
    let busy = f.busy().unwrap().as_secs_f64();
    assert!((busy - 24.0).abs() <= 24.0 * 0.05, "{busy}");
    assert!(
        report.to_string().contains("(one poll in 16 timed"),
        "{report}"
    );
}

#[test]
fn sampled_timing_keeps_counts_exact_and_percentiles_unbiased() {
    if std::env::var_os(SAMPLE_CHILD).is_some() {
        sample_child();
        return;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "sampled_timing_keeps_counts_exact_and_percentiles_unbiased",
            "--nocapture",
        ])
        .env(SAMPLE_CHILD, "1")
        .env_remove("TRACED_ASYNC")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
