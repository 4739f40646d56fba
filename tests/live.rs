//! The process-wide recorder with live output, in a child process of this test (the recorder
//! is installed once per process, and its lines go to stderr): every transition is written as
//! it happens, and a report taken while invocations wait draws them as a tree, each under the
//! invocation that awaits it.

use std::process::Command;
use std::time::Duration;

use traced_async::{Format, traced_async};

const CHILD: &str = "TRACED_ASYNC_TEST_LIVE_CHILD";

#[traced_async]
async fn inner(rx: tokio::sync::oneshot::Receiver<u32>) -> u32 {
    rx.await.unwrap_or(0)
}

#[traced_async]
async fn outer(rx: tokio::sync::oneshot::Receiver<u32>) -> u32 {
    tokio::task::yield_now().await;
    inner(rx).await + 1
}

/// The process-wide recorder with live output (no summary), and tokio's multi-thread runtime.
fn live_on_tokio() -> (traced_async::Guard, tokio::runtime::Runtime) {
    let guard = traced_async::RecorderBuilder::new()
        .live(Format::Pretty)
        .summary(false)
        .init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    (guard, rt)
}

/// Runs in the child: two `outer` tasks wait in `inner` on tokio's workers; the report is
/// taken then, printed to stderr, and the tasks released.
fn child() {
    let (_guard, rt) = live_on_tokio();
    let (senders, tasks): (Vec<_>, Vec<_>) = (0..2)
        .map(|_| {
            let (tx, rx) = tokio::sync::oneshot::channel();
            (tx, rt.spawn(outer(rx)))
        })
        .unzip();
    let start = std::time::Instant::now();
    while traced_async::report()
        .function("inner")
        .is_none_or(|f| f.awaits()[0].waiting() < 2)
    {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the tasks never waited"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    eprint!("REPORT\n{}END\n", traced_async::report());
    for (n, tx) in (1..).zip(senders) {
        tx.send(n).unwrap();
    }
    let sum: u32 = rt.block_on(async {
        let mut sum = 0;
        for task in tasks {
            sum += task.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, 5);
}

/// In the test `test`'s own process: runs it again as a child that runs `child` (selected by
/// `mode`), and returns the child's stderr once it succeeded; `None` in the child.
fn in_child(test: &str, mode: &str, child: fn()) -> Option<String> {
    if std::env::var_os(CHILD).is_some_and(|c| c == mode) {
        child();
        return None;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture"])
        .env(CHILD, mode)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "child failed:\n{stderr}");
    Some(stderr)
}

/// The text the child wrote between `NAME` and `END` lines.
fn section<'a>(stderr: &'a str, name: &str) -> &'a str {
    stderr
        .split(&format!("{name}\n"))
        .nth(1)
        .and_then(|r| r.split("END\n").next())
        .unwrap_or_else(|| panic!("no {name} in:\n{stderr}"))
}

#[test]
fn live_lines_and_a_report_that_draws_who_waits_where() {
    let test = "live_lines_and_a_report_that_draws_who_waits_where";
    let Some(stderr) = in_child(test, "1", child) else {
        return;
    };
    let report = section(&stderr, "REPORT");
    // The aggregate, then the tree: each `inner` below its `outer`.
    assert!(report.contains("inner  2 in flight"), "{report}");
    assert!(
        report.contains(
            "in flight, numbered as the live output numbers them, where each last suspended:"
        ),
        "{report}"
    );
    let tree: Vec<&str> = report
        .lines()
        .skip_while(|l| !l.starts_with("in flight, numbered"))
        .skip(1)
        .collect();
    assert_eq!(tree.len(), 4, "{report}");
    for pair in tree.chunks(2) {
        assert!(pair[0].starts_with("outer#"), "{report}");
        assert!(
            pair[0].contains("at await#1 (line 21: inner(rx))"),
            "{report}"
        );
        assert!(pair[1].starts_with("  inner#"), "{report}");
        assert!(pair[1].contains("at await#0 (line 15: rx)"), "{report}");
    }
    // An invocation's start line shows its `Debug` argument, formatted for the live line.
    assert!(
        stderr
            .lines()
            .any(|l| l.contains("outer#") && l.contains("{rx=Receiver") && l.contains("start ->")),
        "no start line with its fields in:\n{stderr}"
    );
    // Live lines: every transition, as it happened, before and after the report.
    for transition in [
        "start -> await#0",
        "await#1 -> returned",
        "await#0 -> returned",
    ] {
        assert!(
            stderr.contains(transition),
            "no `{transition}` in:\n{stderr}"
        );
    }
}

/// Blocks its thread inside a poll, after its await, until the test lets it go.
const STUCK: u32 = line!() + 2;
#[traced_async]
async fn stuck(release: std::sync::mpsc::Receiver<()>) {
    tokio::task::yield_now().await;
    let _ = release.recv();
}

#[traced_async]
async fn calls_stuck(release: std::sync::mpsc::Receiver<()>) {
    stuck(release).await;
}

/// Runs in the child: `stuck` blocks a worker inside a poll; the report is taken then.
fn stuck_child() {
    let (_guard, rt) = live_on_tokio();
    let (release, rx) = std::sync::mpsc::channel();
    let task = rt.spawn(calls_stuck(rx));
    let start = std::time::Instant::now();
    while !traced_async::report().to_string().contains("in a poll now") {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the poll was never seen"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    std::thread::sleep(Duration::from_millis(20));
    eprint!("REPORT\n{}END\n", traced_async::report());
    release.send(()).unwrap();
    rt.block_on(task).unwrap();
    let report = traced_async::report();
    eprint!("AFTER\n{report}END\n");
}

#[test]
fn with_live_output_a_poll_in_progress_is_not_waiting() {
    let test = "with_live_output_a_poll_in_progress_is_not_waiting";
    let Some(stderr) = in_child(test, "stuck", stuck_child) else {
        return;
    };
    let report = section(&stderr, "REPORT");
    // In a poll, after its await (live output takes the full path, which numbers invocations):
    // listed as such, with how long, and not counted as waiting at the await it left.
    assert!(
        report.contains("stuck  1 in flight\n  1 in a poll now"),
        "{report}"
    );
    let line = report
        .lines()
        .find(|l| l.contains(": stuck, in a poll for"))
        .unwrap_or_else(|| panic!("no poll in progress in:\n{report}"));
    let after_await = format!("after await#0 (line {})", STUCK + 1);
    assert!(line.ends_with(&after_await), "{report}");
    assert!(!report.contains("yield_now()  1 waiting"), "{report}");
    // No ages table on the full path; the report says so once, and what stands in for it.
    assert!(
        report.contains("(no wait ages with live output: the tree below shows where each"),
        "{report}"
    );
    // Afterwards: a slow poll blamed on its segment, as on the lean path.
    let after = section(&stderr, "AFTER");
    let slow = format!(
        "⚠ stuck, from await#0 (line {}) to the return: 1 poll held the thread",
        STUCK + 1
    );
    assert!(after.contains(&slow), "{after}");
}
