//! Transcript tests: each scenario runs in deterministic mode and its transcript (transitions,
//! runtime events, reports, summary) must match `tests/transcripts/<name>.txt` exactly, so a
//! change in behaviour shows as a diff. Future sizes (which depend on the compiler) are
//! normalised to `N B`; real durations are already hidden by deterministic mode.
//!
//! To accept new transcripts after an intended change: `BLESS=1 cargo test --test transcripts`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::FutureExt;
use futures::channel::oneshot;
use traced_async::{Format, Runtime, sleep, spawn_named, timeout, traced_async, yield_now};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn runtime() -> Runtime {
    Runtime::builder()
        .deterministic(true)
        .format(Format::Off)
        // High enough that a loaded test machine does not make an ordinary poll "blocking".
        .blocking_threshold(ms(100))
        .build()
}

/// Compares `rt`'s transcript with the expected file, or writes it when `BLESS` is set.
fn check(name: &str, rt: &Runtime) {
    let actual = normalise(&rt.transcript());
    let path = format!(
        "{}/tests/transcripts/{name}.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}; run with BLESS=1 to create it"));
    let expected = normalise(&expected);
    if actual != expected {
        let diff: Vec<String> = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .filter(|(_, (e, a))| e != a)
            .take(5)
            .map(|(i, (e, a))| format!("line {}:\n  expected: {e}\n  actual:   {a}", i + 1))
            .collect();
        panic!(
            "transcript `{name}` changed ({} expected lines, {} actual):\n{}\n--- actual ---\n{actual}",
            expected.lines().count(),
            actual.lines().count(),
            diff.join("\n")
        );
    }
}

/// Replaces every `<digits> B` (a future's size in bytes) with `N B`, and the padding of a
/// size's column (two spaces or more before it) with two spaces: a size's digits, and so its
/// column's width, depend on the compiler and the features (the `tracing` bridge adds bytes).
fn normalise(text: &str) -> String {
    let sized = sizes_hidden(text);
    let mut out = String::with_capacity(sized.len());
    for (i, piece) in sized.split("  N B").enumerate() {
        if i > 0 {
            out.truncate(out.trim_end_matches(' ').len());
            out.push_str("  N B");
        }
        out.push_str(piece);
    }
    out
}

/// Replaces every `<digits> B` with `N B`.
fn sizes_hidden(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut digits = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if !digits.is_empty() {
            let is_size = c == ' ' && chars.peek() == Some(&'B');
            out.push_str(if is_size { "N" } else { &digits });
            digits.clear();
        }
        out.push(c);
    }
    out.push_str(&digits);
    out
}

#[test]
fn normalise_replaces_sizes_only() {
    assert_eq!(
        normalise("a future of 160 B, 10.00ms, 3 polls, 42 B"),
        "a future of N B, 10.00ms, 3 polls, N B"
    );
    assert_eq!(
        normalise("10.00ms   160 B  x\n10.00ms    56 B  x"),
        "10.00ms  N B  x\n10.00ms  N B  x"
    );
}

#[traced_async]
async fn hello() -> &'static str {
    "hello"
}

#[test]
fn lazy_hello() {
    let rt = runtime();
    let future = hello();
    assert!(rt.transcript().is_empty(), "creating a future runs nothing");
    assert_eq!(rt.block_on(future), "hello");
    check("lazy_hello", &rt);
}

#[traced_async]
async fn fetch(name: &'static str, wait: u64) -> &'static str {
    sleep(ms(wait)).await;
    name
}

#[traced_async]
async fn one_after_another() -> (&'static str, &'static str) {
    let a = fetch("a", 10).await;
    let b = fetch("b", 20).await;
    (a, b)
}

#[traced_async]
async fn joined() -> (&'static str, &'static str) {
    futures::join!(fetch("a", 10), fetch("b", 20))
}

#[test]
fn sequential_awaits() {
    let rt = runtime();
    assert_eq!(rt.block_on(one_after_another()), ("a", "b"));
    assert_eq!(rt.elapsed(), ms(30));
    check("sequential_awaits", &rt);
}

#[test]
fn joined_futures_overlap() {
    let rt = runtime();
    assert_eq!(rt.block_on(joined()), ("a", "b"));
    assert_eq!(
        rt.elapsed(),
        ms(20),
        "joined waits overlap: the longest, not the sum"
    );
    check("joined_futures_overlap", &rt);
}

#[traced_async]
async fn worker(steps: u64, wait: u64) -> u64 {
    for _ in 0..steps {
        sleep(ms(wait)).await;
    }
    yield_now().await;
    steps * wait
}

#[test]
fn spawned_tasks_share_one_thread() {
    let rt = runtime();
    let total = rt.block_on(async {
        let a = spawn_named("fast", worker(3, 5));
        let b = spawn_named("slow", worker(1, 20));
        sleep(ms(12)).await;
        let dump = traced_async::dump().unwrap();
        assert!(
            dump.contains("task fast (2): waiting; 1 waker held"),
            "{dump}"
        );
        a.await + b.await
    });
    assert_eq!(total, 35);
    check("spawned_tasks_share_one_thread", &rt);
}

#[traced_async]
async fn race() -> &'static str {
    futures::select_biased! {
        fast = fetch("fast", 10).fuse() => fast,
        slow = fetch("slow", 30).fuse() => slow,
    }
}

#[traced_async]
async fn impatient() -> Option<&'static str> {
    timeout(ms(15), fetch("too slow", 40)).await.ok()
}

#[test]
fn select_and_timeout_cancel() {
    let rt = runtime();
    let out = rt.block_on(async { (race().await, impatient().await) });
    assert_eq!(out, ("fast", None));
    check("select_and_timeout_cancel", &rt);
}

#[traced_async]
async fn parse_config() -> usize {
    sleep(ms(5)).await;
    std::thread::sleep(ms(300)); // blocks the thread
    sleep(ms(5)).await;
    42
}

#[test]
fn blocking_call_is_flagged() {
    let rt = runtime();
    assert_eq!(rt.block_on(parse_config()), 42);
    check("blocking_call_is_flagged", &rt);
}

struct Forgetful {
    asked: bool,
}

impl Future for Forgetful {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.asked, true) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

#[traced_async]
async fn wait_for_data() {
    Forgetful { asked: false }.await;
}

#[test]
fn forgotten_wake_is_flagged() {
    let rt = runtime();
    rt.block_on(async {
        let stuck = spawn_named("reader", wait_for_data());
        sleep(ms(100)).await;
        stuck.abort();
    });
    check("forgotten_wake_is_flagged", &rt);
}

#[traced_async(skip_all)] // The channels' `Debug` would only be noise on the start lines.
async fn ping(inbox: oneshot::Receiver<u32>, outbox: oneshot::Sender<u32>) {
    let n = inbox.await.unwrap_or(0);
    let _ = outbox.send(n + 1);
}

#[test]
fn deadlock_prints_the_tree() {
    let rt = runtime();
    let result = rt.try_block_on(async {
        let (to_a, a_inbox) = oneshot::channel();
        let (to_b, b_inbox) = oneshot::channel();
        let a = spawn_named("alice", ping(a_inbox, to_b));
        let b = spawn_named("bob", ping(b_inbox, to_a));
        a.await;
        b.await;
    });
    assert!(result.is_err());
    check("deadlock_prints_the_tree", &rt);
}

#[test]
fn same_program_same_transcript() {
    let run = || {
        let rt = runtime();
        rt.block_on(async {
            let a = spawn_named("a", worker(2, 7));
            let b = spawn_named("b", worker(3, 3));
            (race().await, a.await, b.await)
        });
        normalise(&rt.transcript())
    };
    assert_eq!(run(), run());
}
