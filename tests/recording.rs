//! What a capture records: the state sequence of each invocation, nesting, panics,
//! cancellations, and suspensions inside macro calls attributed to the right await point.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::FutureExt;
use traced_async::{State, Trace, capture, traced_async};

/// Pending `n` times, waking itself each time.
struct Yield(u32);

impl Future for Yield {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 == 0 {
            return Poll::Ready(());
        }
        self.0 -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

fn states(trace: &Trace, name: &str) -> Vec<String> {
    let f = trace.function(name);
    let mut path = vec!["start".to_owned()];
    path.extend(f.transitions().map(|t| t.to().name(f.meta())));
    path
}

#[traced_async]
async fn three_steps() -> u32 {
    Yield(1).await;
    Yield(2).await;
    Yield(0).await;
    7
}

#[test]
fn each_poll_is_one_transition_between_await_points() {
    let (out, trace) = capture(three_steps());
    assert_eq!(out, 7);
    assert_eq!(
        states(&trace, "three_steps"),
        ["start", "await#0", "await#1", "await#1", "returned"]
    );
    let f = trace.function("three_steps");
    let points = f.await_points();
    assert_eq!(points.len(), 3);
    assert_eq!(
        points
            .iter()
            .map(|p| (p.index(), p.expr(), p.suspensions()))
            .collect::<Vec<_>>(),
        [(0, "Yield(1)", 1), (1, "Yield(2)", 2), (2, "Yield(0)", 0)]
    );
    // Lines are those of the `.await`s themselves, in order.
    assert_eq!(points[1].line(), points[0].line() + 1);
    assert!(f.transitions().all(|t| t.duration().is_some()));
    let polls: Vec<u32> = f.transitions().map(|t| t.poll()).collect();
    assert_eq!(polls, [1, 2, 3, 4]);
}

#[traced_async]
async fn outer() {
    inner().await;
    inner().await;
}

#[traced_async]
async fn inner() {
    Yield(1).await;
}

#[test]
fn nested_calls_know_their_parent() {
    let (_, trace) = capture(outer());
    let starts: Vec<(u64, Option<u64>, &str)> = trace
        .transitions()
        .iter()
        .filter(|t| t.from() == State::Start)
        .map(|t| (t.call(), t.parent(), t.function().name()))
        .collect();
    // Numbered in the order they started; the first poll of `outer` ends after its child's.
    assert_eq!(
        starts,
        [
            (2, Some(1), "inner"),
            (1, None, "outer"),
            (3, Some(1), "inner")
        ]
    );
    assert_eq!(trace.function("inner").calls(), 2);
    assert_eq!(trace.function("outer").polls(), 3);
}

#[traced_async]
async fn fails(n: u32) -> u32 {
    Yield(1).await;
    assert!(n < 10, "too big: {n}");
    n
}

#[test]
fn a_panic_is_recorded_and_goes_on_to_the_caller() {
    let (result, trace) = capture(AssertUnwindSafe(fails(12)).catch_unwind());
    let payload = result.unwrap_err();
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("too big: 12")
    );
    assert_eq!(states(&trace, "fails"), ["start", "await#0", "panicked"]);
    assert_eq!(trace.function("fails").panicked(), 1);
}

#[traced_async]
async fn slow() -> &'static str {
    Yield(100).await;
    "slow"
}

#[traced_async]
async fn race() -> &'static str {
    let fast = async {
        Yield(1).await;
        "fast"
    };
    futures::select! {
        s = slow().fuse() => s,
        f = Box::pin(fast).fuse() => f,
    }
}

#[test]
fn a_dropped_future_is_cancelled_at_its_await_point() {
    let (winner, trace) = capture(race());
    assert_eq!(winner, "fast");
    assert_eq!(
        states(&trace, "slow"),
        ["start", "await#0", "await#0", "cancelled"]
    );
    let slow = trace.function("slow");
    assert_eq!(slow.cancelled(), 1);
    assert_eq!(slow.await_points()[0].cancellations(), 1);
    // `race` suspended inside `select!`: the call is await point 0, each branch one of its own
    // (0.0, 0.1); both branches were pending, so the transition names the whole call, and each
    // branch counts as suspended too.
    let race = trace.function("race");
    let points = race.await_points();
    let labels: Vec<(&str, &str)> = points
        .iter()
        .map(|p| (p.meta().label(), p.expr()))
        .collect();
    assert_eq!(
        labels[1..],
        [("0.0", "slow().fuse()"), ("0.1", "Box::pin(fast).fuse()")]
    );
    assert!(labels[0].1.starts_with("futures::select!"));
    let suspensions: Vec<u64> = points.iter().map(|p| p.suspensions()).collect();
    assert_eq!(suspensions, [1, 1, 1]);
    assert_eq!(race.hidden_suspensions(), 0);
}

#[traced_async]
async fn joins_then_awaits() -> u32 {
    let (a, b) = futures::join!(Yield(2), Yield(1));
    let ((), ()) = (a, b);
    Yield(1).await;
    1
}

#[test]
fn suspensions_inside_join_are_blamed_on_the_join_not_on_another_await() {
    let (_, trace) = capture(joins_then_awaits());
    let f = trace.function("joins_then_awaits");
    let points = f.await_points();
    let labels: Vec<&str> = points.iter().map(|p| p.meta().label()).collect();
    assert_eq!(labels, ["0", "0.0", "0.1", "1"]);
    assert!(points[0].expr().starts_with("futures::join!"));
    // Both suspensions of the join happened inside it: the first with both branches pending,
    // the second with the first alone; none is blamed on the later `.await`, which suspended
    // once itself.
    let suspensions: Vec<u64> = points.iter().map(|p| p.suspensions()).collect();
    assert_eq!(suspensions, [2, 2, 1, 1]);
    assert_eq!(f.hidden_suspensions(), 0);
}

/// A helper macro that hides an `.await` from the attribute.
macro_rules! yield_once {
    () => {
        Yield(1).await
    };
}

#[traced_async]
async fn hidden_await() {
    futures::join!(Yield(0));
    yield_once!();
}

#[test]
fn a_suspension_the_attribute_cannot_see_is_await_unknown() {
    let (_, trace) = capture(hidden_await());
    assert_eq!(
        states(&trace, "hidden_await"),
        ["start", "await#?", "returned"]
    );
    assert_eq!(
        trace.function("hidden_await").await_points()[0].suspensions(),
        0
    );
}

#[traced_async]
async fn not_mine() -> u32 {
    let closure = || async {
        Yield(1).await;
    };
    let block = async {
        Yield(1).await;
    };
    block.await;
    closure().await;
    fn item() {}
    item();
    0
}

#[test]
fn awaits_in_nested_blocks_and_closures_are_not_this_fns() {
    let (_, trace) = capture(not_mine());
    let f = trace.function("not_mine");
    let exprs: Vec<&str> = f.await_points().iter().map(|p| p.expr()).collect();
    assert_eq!(exprs, ["block", "closure()"]);
}

#[traced_async(timing = false)]
async fn untimed() {
    Yield(1).await;
}

#[traced_async(name = "renamed")]
async fn has_a_display_name() {}

#[test]
fn arguments_name_and_timing() {
    let (_, trace) = capture(async {
        untimed().await;
        has_a_display_name().await;
    });
    assert!(
        trace
            .function("untimed")
            .transitions()
            .all(|t| t.duration().is_none())
    );
    assert_eq!(trace.function("renamed").calls(), 1);
}

#[test]
fn nothing_is_recorded_outside_a_scope() {
    assert_eq!(futures::executor::block_on(three_steps()), 7);
    let (_, trace) = capture(async {});
    assert!(trace.transitions().is_empty());
}

struct Left;
struct Right<T>(T);

impl Left {
    #[traced_async]
    async fn get(&self) -> u32 {
        Yield(1).await;
        1
    }
}

impl<T: Copy> Right<T> {
    #[traced_async]
    async fn get(&self) -> T {
        self.0
    }
}

#[test]
fn methods_are_named_after_their_type() {
    let (sum, trace) = capture(async { Left.get().await + Right(2).get().await });
    assert_eq!(sum, 3);
    assert_eq!(trace.function("Left::get").calls(), 1);
    assert_eq!(trace.function("Right::get").polls(), 1);
    assert_eq!(trace.function("recording::Left::get").polls(), 2);
    assert_eq!(trace.function("Right::get").meta().owner(), Some("Right"));
    assert_eq!(
        trace.function("Left::get").meta().display_name(),
        "Left::get"
    );
    let ambiguous = std::panic::catch_unwind(|| trace.function("get").calls());
    assert!(ambiguous.is_err(), "a bare `get` names both methods");
}

#[traced_async]
async fn parked() {
    futures::future::pending::<()>().await;
}

#[test]
fn a_trace_counts_who_still_waits_where() {
    let ((), trace) = capture(async {
        let mut kept = Box::pin(parked());
        let mut dropped = Box::pin(parked());
        assert!(futures::poll!(kept.as_mut()).is_pending());
        assert!(futures::poll!(dropped.as_mut()).is_pending());
        drop(dropped);
        // Still suspended when the trace ends: it never finishes.
        std::mem::forget(kept);
    });
    let stats = trace.function("parked").stats();
    assert_eq!(
        (stats.calls(), stats.cancelled(), stats.in_flight()),
        (2, 1, 1)
    );
    assert_eq!(stats.awaits()[0].waiting(), 1);
    assert_eq!(stats.awaits()[0].suspensions(), 2);
}

// A fn without `.await` is polled once, inside its caller's poll (the expansion does not
// await it): it records what an awaited body records.
#[traced_async]
async fn no_await(n: u32) -> u32 {
    assert!(n < 10, "too big: {n}");
    n + 1
}

#[traced_async]
async fn calls_no_await() -> u32 {
    Yield(1).await;
    no_await(1).await + no_await(2).await
}

#[test]
fn a_fn_without_await_is_one_poll_nested_under_its_caller() {
    let (out, trace) = capture(calls_no_await());
    assert_eq!(out, 5);
    assert_eq!(
        states(&trace, "no_await"),
        ["start", "returned", "returned"]
    );
    let f = trace.function("no_await");
    assert_eq!((f.calls(), f.polls()), (2, 2));
    assert!(f.await_points().is_empty());
    let parents: Vec<Option<u64>> = f.transitions().map(|t| t.parent()).collect();
    let caller = trace
        .function("calls_no_await")
        .transitions()
        .next()
        .unwrap()
        .call();
    assert_eq!(parents, [Some(caller), Some(caller)]);
}

#[test]
fn a_panic_in_a_fn_without_await_is_recorded() {
    let (result, trace) = capture(AssertUnwindSafe(no_await(12)).catch_unwind());
    assert!(result.is_err());
    assert_eq!(states(&trace, "no_await"), ["start", "panicked"]);
    assert_eq!(trace.function("no_await").panicked(), 1);
}
