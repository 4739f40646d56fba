//! Each diagnostic, once triggered and once shown not to fire when nothing is wrong.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures::channel::oneshot;
use traced_async::{
    AnomalyKind, Format, RunError, Runtime, sleep, spawn, spawn_named, traced_async, yield_now,
};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn builder(deterministic: bool) -> traced_async::RuntimeBuilder {
    Runtime::builder()
        .deterministic(deterministic)
        .format(Format::Off)
        .summary(false)
        .blocking_threshold(ms(200))
}

fn kinds(rt: &Runtime) -> Vec<AnomalyKind> {
    rt.anomalies()
        .iter()
        .map(traced_async::Anomaly::kind)
        .collect()
}

// ── deadlock ──

#[traced_async]
async fn ping(inbox: oneshot::Receiver<u32>, outbox: oneshot::Sender<u32>) {
    let n = inbox.await.unwrap_or(0);
    let _ = outbox.send(n + 1);
}

async fn two_waiting_on_each_other() {
    let (to_a, a_inbox) = oneshot::channel();
    let (to_b, b_inbox) = oneshot::channel();
    let a = spawn_named("alice", ping(a_inbox, to_b));
    let b = spawn_named("bob", ping(b_inbox, to_a));
    a.await;
    b.await;
}

#[test]
fn deadlock_fails_with_the_tree() {
    let rt = builder(true).build();
    let Err(RunError::Deadlock { report }) = rt.try_block_on(two_waiting_on_each_other()) else {
        panic!("expected a deadlock");
    };
    assert!(
        report.starts_with("✖ deadlock: no task can make progress"),
        "{report}"
    );
    assert!(
        report.contains("task alice (2): waiting; 1 waker held\n  ping#1 at await#0"),
        "{report}"
    );
    assert!(report.contains("task bob (3)"), "{report}");
    assert!(
        report.contains("awaits the JoinHandle of task alice (2)"),
        "{report}"
    );
    assert_eq!(kinds(&rt), [AnomalyKind::Deadlock]);
    // Everything left was cancelled, not leaked: both invocations end as cancelled.
    assert_eq!(rt.trace().function("ping").cancelled(), 2);
}

#[test]
#[should_panic(expected = "deadlock: no task can make progress")]
fn block_on_panics_on_deadlock() {
    builder(true).build().block_on(two_waiting_on_each_other());
}

#[test]
fn deadlock_in_real_time_waits_for_held_wakers_first() {
    let rt = builder(false).deadlock_timeout(ms(50)).build();
    let started = std::time::Instant::now();
    let result = rt.try_block_on(two_waiting_on_each_other());
    let report = result.expect_err("deadlock").to_string();
    assert!(
        report.contains("none of the 3 wakers still held fired within 50.00ms"),
        "{report}"
    );
    assert!(started.elapsed() >= ms(50));
}

#[test]
fn no_deadlock_while_timers_or_other_threads_can_wake() {
    // Deterministic: everyone waits on timers, which is progress, not a deadlock.
    let rt = builder(true).build();
    rt.block_on(async {
        let a = spawn(sleep(ms(50)));
        sleep(ms(10)).await;
        a.await;
    });
    // Real time: nothing runnable and no timer, but another thread holds the waker and fires.
    let rt = builder(false)
        .deadlock_timeout(Duration::from_secs(5))
        .build();
    let (tx, rx) = oneshot::channel();
    let t = std::thread::spawn(move || {
        std::thread::sleep(ms(30));
        tx.send(()).unwrap();
    });
    assert_eq!(rt.try_block_on(rx).unwrap(), Ok(()));
    t.join().unwrap();
    assert!(kinds(&rt).is_empty(), "{:?}", rt.anomalies());
}

// ── lost wake-up ──

/// Pending once; `keep` decides whether it does its job (keeps the waker and wakes it).
struct Once {
    asked: bool,
    keep: Option<std::sync::Arc<std::sync::Mutex<Option<Waker>>>>,
}

impl Future for Once {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.asked, true) {
            return Poll::Ready(());
        }
        if let Some(keep) = &self.keep {
            *keep.lock().unwrap() = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}

#[traced_async]
async fn reads(keep: Option<std::sync::Arc<std::sync::Mutex<Option<Waker>>>>) {
    yield_now().await;
    Once { asked: false, keep }.await;
}

#[test]
fn lost_wakeup_names_the_await_point() {
    let rt = builder(true).build();
    rt.block_on(async {
        let stuck = spawn_named("reader", reads(None));
        sleep(ms(10)).await;
        stuck.abort();
    });
    let anomalies = rt.anomalies();
    assert_eq!(kinds(&rt), [AnomalyKind::LostWakeup], "{anomalies:?}");
    let line = rt.trace().function("reads").await_point(1).line();
    let message = anomalies[0].message();
    assert_eq!(anomalies[0].task(), "reader");
    assert!(
        message.contains(&format!("suspended at: reads#1 await#1 (line {line}: Once")),
        "{message}"
    );
}

#[test]
fn no_lost_wakeup_when_the_waker_is_kept() {
    let rt = builder(true).build();
    let keep = std::sync::Arc::new(std::sync::Mutex::new(None::<Waker>));
    rt.block_on({
        let keep = keep.clone();
        async move {
            let reader = spawn_named("reader", reads(Some(keep.clone())));
            sleep(ms(10)).await;
            keep.lock()
                .unwrap()
                .take()
                .expect("the reader kept its waker")
                .wake();
            reader.await;
        }
    });
    assert!(kinds(&rt).is_empty(), "{:?}", rt.anomalies());
}

// ── blocking poll ──

#[traced_async]
async fn segment(block: bool) {
    sleep(ms(1)).await;
    if block {
        std::thread::sleep(ms(150));
    }
    sleep(ms(1)).await;
}

#[test]
fn blocking_poll_names_the_segment() {
    let rt = builder(true).blocking_threshold(ms(50)).build();
    rt.block_on(segment(true));
    let anomalies = rt.anomalies();
    assert_eq!(kinds(&rt), [AnomalyKind::BlockingPoll], "{anomalies:?}");
    let trace = rt.trace();
    let f = trace.function("segment");
    let (from, to) = (f.await_point(0).line(), f.await_point(1).line());
    let expected = format!("in segment#1, from await#0 (line {from}) to await#1 (line {to})");
    assert!(
        anomalies[0].message().contains(&expected),
        "{}",
        anomalies[0]
    );
    assert!(
        anomalies[0]
            .message()
            .contains("(measured, rounded down to whole 50.00ms thresholds)"),
        "{}",
        anomalies[0]
    );
}

#[test]
fn blocking_outside_traced_fns_says_so() {
    let rt = builder(false).blocking_threshold(ms(50)).build();
    rt.block_on(async { std::thread::sleep(ms(120)) });
    let anomalies = rt.anomalies();
    assert_eq!(kinds(&rt), [AnomalyKind::BlockingPoll], "{anomalies:?}");
    assert!(
        anomalies[0].message().contains("outside any traced fn"),
        "{}",
        anomalies[0]
    );
    assert!(
        anomalies[0].message().contains("(threshold 50.00ms)"),
        "{}",
        anomalies[0]
    );
}

#[test]
fn no_blocking_report_for_short_polls() {
    let rt = builder(true).blocking_threshold(ms(100)).build();
    rt.block_on(segment(false));
    assert!(kinds(&rt).is_empty(), "{:?}", rt.anomalies());
}

// ── dump ──

#[traced_async]
async fn inner() {
    sleep(ms(10)).await;
}

#[traced_async]
async fn outer() {
    inner().await;
}

#[test]
fn dump_shows_task_invocations_and_await_points() {
    let rt = builder(true).build();
    let dump = rt.block_on(async {
        let h = spawn_named("worker", outer());
        sleep(ms(4)).await;
        let dump = traced_async::dump().unwrap();
        h.await;
        dump
    });
    let trace = rt.trace();
    let line = trace.function("inner").await_point(0).line();
    let out_line = trace.function("outer").await_point(0).line();
    let expected = format!(
        "task worker (2): waiting; 1 waker held\n  outer#1 at await#0 (line {out_line}: inner())  for 4.00ms\n    inner#2 at await#0 (line {line}: sleep(ms(10)))  for 4.00ms\n"
    );
    assert!(dump.contains(&expected), "{dump}");
    assert!(dump.contains("task main (1): running"), "{dump}");
}

#[test]
fn dump_after_the_run_has_nobody_left() {
    let rt = builder(true).build();
    rt.block_on(outer());
    assert!(rt.dump().contains("no task is alive"), "{}", rt.dump());
}

// ── summary ──

#[test]
fn summary_counts_polls_suspensions_and_cancellations() {
    let rt = builder(true).build();
    rt.block_on(async {
        outer().await;
        let h = spawn(outer());
        yield_now().await;
        h.abort();
    });
    let summary = rt.summary();
    let mut lines = summary.lines();
    assert_eq!(lines.next(), Some("── summary ──"));
    let inner = summary
        .lines()
        .find(|l| l.starts_with("inner "))
        .expect("a line for inner");
    let columns: Vec<&str> = inner.split_whitespace().collect();
    assert_eq!(
        columns,
        [
            "inner",
            "2",
            "3",
            "1.5",
            "-",
            "10.00ms",
            columns[6],
            "B",
            "…/diagnostics.rs:244",
            "1",
            "cancelled"
        ],
        "{summary}"
    );
    assert!(
        columns[6].parse::<usize>().is_ok_and(|size| size > 0),
        "{summary}"
    );
    assert!(summary.contains("suspended 2, cancelled 1"), "{summary}");
    assert!(summary.ends_with("anomalies: none\n"), "{summary}");
}

// ── state diagram ──

#[test]
fn state_diagram_counts_each_transition() {
    let path = std::env::temp_dir().join(format!("traced-async-diagram-{}.md", std::process::id()));
    let rt = builder(true).state_diagrams_to(&path).build();
    rt.block_on(async {
        inner().await;
        inner().await;
    });
    let written = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(written, rt.state_diagrams());
    assert!(
        written.contains("## inner\n\n```mermaid\nstateDiagram-v2\n"),
        "{written}"
    );
    assert!(written.contains("    [*] --> start\n    start --> await0: 2\n    await0 --> returned: 2\n    returned --> [*]\n"), "{written}");
    assert!(
        !written.contains("cancelled"),
        "no cancellation happened: {written}"
    );
}

#[test]
fn dump_when_main_returns_shows_who_keeps_the_run_going() {
    let rt = builder(true).dump_at_end(true).build();
    rt.block_on(async {
        drop(spawn_named("straggler", outer()));
        yield_now().await;
    });
    let transcript = rt.transcript();
    let line = rt.trace().function("inner").await_point(0).line();
    let expected = "── where is everyone? (at 0s) ──\ntask straggler (2): waiting; 1 waker held\n  outer#1 at await#0";
    assert!(transcript.contains(expected), "{transcript}");
    assert!(
        transcript.contains(&format!(
            "inner#2 at await#0 (line {line}: sleep(ms(10)))  for 0s"
        )),
        "{transcript}"
    );
    assert_eq!(rt.elapsed(), ms(10), "the run waited for the straggler");
}

#[test]
fn no_dump_unless_asked() {
    let rt = builder(true).build();
    rt.block_on(async {
        drop(spawn_named("straggler", outer()));
    });
    assert!(!rt.transcript().contains("where is everyone"));
}

#[traced_async]
async fn blocks_inside() {
    sleep(ms(1)).await;
    std::thread::sleep(ms(150));
}

#[traced_async]
async fn calls_blocker() {
    blocks_inside().await;
}

#[test]
fn blocking_poll_blames_the_innermost_fn() {
    let rt = builder(true).blocking_threshold(ms(50)).build();
    rt.block_on(calls_blocker());
    let line = rt.trace().function("blocks_inside").await_point(0).line();
    let anomalies = rt.anomalies();
    assert_eq!(kinds(&rt), [AnomalyKind::BlockingPoll], "{anomalies:?}");
    let expected = format!("in blocks_inside#2, from await#0 (line {line}) to the return");
    assert!(
        anomalies[0].message().contains(&expected),
        "{}",
        anomalies[0]
    );
}

// ── true numbers (issue 14) ──

#[traced_async]
async fn held_up_config() {
    sleep(ms(5)).await;
    std::thread::sleep(ms(120)); // blocks the thread
    sleep(ms(5)).await;
}

#[traced_async]
async fn beat() {
    for _ in 0..3 {
        sleep(ms(5)).await;
    }
}

async fn config_beside_a_heartbeat() {
    let b = spawn_named("heartbeat", beat());
    held_up_config().await;
    b.await;
}

#[test]
fn a_blocking_poll_holds_up_the_virtual_clock() {
    let rt = builder(true).blocking_threshold(ms(50)).build();
    rt.block_on(config_beside_a_heartbeat());
    // 120 ms and a little, in whole 50 ms thresholds: 100 ms, from the poll at 5 ms.
    let transcript = rt.transcript();
    assert!(
        transcript.contains("── clock 5.00ms → 105.00ms: a poll of task main held the thread"),
        "{transcript}"
    );
    let anomalies = rt.anomalies();
    assert!(
        anomalies[0].message().contains("for at least 100.00ms"),
        "{anomalies:?}"
    );
    // The heartbeat, due at 5 ms, ran only once the blocking poll let go; the sleep after the
    // blocking call counts from after it.
    let trace = rt.trace();
    let starts = |name: &str| -> Vec<Duration> {
        trace
            .transitions()
            .iter()
            .filter(|t| t.function().name() == name)
            .filter_map(traced_async::Transition::start)
            .collect()
    };
    assert_eq!(starts("beat"), [ms(0), ms(105), ms(110), ms(115)]);
    assert_eq!(starts("held_up_config"), [ms(0), ms(5), ms(110)]);
}

#[test]
fn a_late_timer_counts_wake_to_poll_from_its_deadline() {
    let rt = builder(false).blocking_threshold(ms(50)).build();
    rt.block_on(config_beside_a_heartbeat());
    let beat = rt
        .wakes()
        .into_iter()
        .find(|w| w.name == "heartbeat")
        .unwrap();
    let (_, max) = beat.wake_to_poll.expect("woken in real time");
    // Its timer was due at 5 ms while the blocking poll held the thread until about 125 ms.
    assert!(max >= ms(100), "{max:?}");
}

#[test]
fn idle_time_leaves_out_the_busy_polls() {
    let rt = builder(false).blocking_threshold(ms(50)).build();
    rt.block_on(held_up_config());
    let summary = rt.summary();
    let row: Vec<&str> = summary
        .lines()
        .find(|l| l.starts_with("held_up_config"))
        .unwrap()
        .split_whitespace()
        .collect();
    let millis = |text: &str| -> f64 {
        let value = text
            .strip_suffix("ms")
            .unwrap_or_else(|| panic!("{summary}"));
        value.parse().unwrap()
    };
    let (busy, idle) = (millis(row[4]), millis(row[5]));
    // Two 5 ms sleeps suspended it; the 120 ms blocking call was one busy poll.
    assert!(busy >= 120.0, "{summary}");
    assert!((10.0..busy).contains(&idle), "{summary}");
    assert!(idle < 60.0, "{summary}");
}

#[test]
fn a_teardown_wake_is_not_counted() {
    let rt = builder(true).build();
    assert!(rt.try_block_on(two_waiting_on_each_other()).is_err());
    // Dropping alice drops the sender bob waits on, which wakes him: no poll follows.
    for w in rt.wakes() {
        assert_eq!((w.by_itself, w.from_elsewhere), (0, 0), "{w:?}");
    }
}
