//! Await points inside macro calls: the branches of tokio's and futures' `join!`/`select!`
//! are await points of their own (`await#N.B`), `.await`s in expression macros (`assert!`,
//! `format!`, ...) are numbered like any other, and any other macro holding an `.await` is one
//! await point at its call site.

mod common;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};

use common::{io, points, states};
use futures::FutureExt;
use traced_async::expansion::AwaitKind;
use traced_async::{capture, traced_async};

#[traced_async]
async fn futures_join() -> (u32, u32) {
    let pair = futures::join!(io(1, 1), io(0, 2));
    io(0, ()).await;
    pair
}

#[test]
fn futures_join_branches_are_await_points() {
    let (out, trace) = capture(futures_join());
    assert_eq!(out, (1, 2));
    assert_eq!(
        points(&trace, "futures_join"),
        [
            "0 Macro futures::join!(io(1, 1), io(0, 2))",
            "0.0 Branch io(1, 1)",
            "0.1 Branch io(0, 2)",
            "1 Await io(0, ())",
        ]
    );
    assert_eq!(states(&trace, "futures_join"), ["await#0.0", "returned"]);
    let meta = trace.function("futures_join").meta();
    assert_eq!(meta.awaits()[1].index(), 1);
    assert_eq!(meta.awaits()[1].line(), meta.awaits()[0].line());
    assert_eq!(meta.awaits()[3].kind(), AwaitKind::Await);
}

#[traced_async]
async fn tokio_select_biased(slow: u32) -> &'static str {
    let mut done = false;
    let mut timer = pin!(io(slow, "timer"));
    let value = tokio::select! {
        biased;
        v = io(3, "first"), if !done => { done = true; io(1, v).await }
        v = &mut timer => v,
        else => "none",
    };
    assert!(done || slow < 3);
    value
}

#[test]
fn tokio_select_branches_guards_and_handler_awaits() {
    let (out, trace) = capture(tokio_select_biased(5));
    assert_eq!(out, "first");
    assert_eq!(
        points(&trace, "tokio_select_biased")[1..],
        [
            "0.0 Branch io(3, \"first\")",
            "0.1 Branch &mut timer",
            "1 Await io(1, v)"
        ]
    );
    // Both branches pending: the whole `select!` is named, not one of them.
    assert_eq!(
        states(&trace, "tokio_select_biased"),
        ["await#0", "await#0", "await#0", "await#1", "returned"]
    );
    let (out, trace) = capture(tokio_select_biased(1));
    assert_eq!(out, "timer");
    // Again both were pending at the first poll; the timer won at the second.
    assert_eq!(
        states(&trace, "tokio_select_biased"),
        ["await#0", "returned"]
    );
}

#[traced_async]
async fn futures_select_by_name() -> u32 {
    let mut a = io(2, 10).fuse();
    let mut b = Box::pin(async { io(0, 1).await }.fuse());
    let mut total = 0;
    loop {
        futures::select! {
            x = a => total += x,
            y = b => total += y,
            complete => break,
        }
    }
    total
}

#[test]
fn futures_select_keeps_borrowing_futures_passed_by_name() {
    let (out, trace) = capture(futures_select_by_name());
    assert_eq!(out, 11);
    assert_eq!(
        points(&trace, "futures_select_by_name")[1..],
        ["0.0 Branch a", "0.1 Branch b"]
    );
    assert_eq!(
        states(&trace, "futures_select_by_name").last().unwrap(),
        "returned"
    );
    assert!(
        states(&trace, "futures_select_by_name")
            .iter()
            .all(|s| s == "await#0.0" || s == "returned")
    );
}

mod imported {
    use futures::{join, select_biased, try_join};
    use tokio::select;

    use super::common::{io, points};
    use futures::FutureExt;
    use traced_async::{capture, traced_async};

    #[traced_async]
    async fn by_name() -> u32 {
        let (a, b) = join!(io(0, 1), io(0, 2));
        let c: Result<(u32, u32), ()> = try_join!(async { Ok(3) }, io(0, Ok(4)));
        let d = select! { biased; v = io(0, 5) => v, v = io(0, 6) => v };
        let e = select_biased! { v = io(0, 7).fuse() => v, complete => 0 };
        let (c1, c2) = c.unwrap();
        a + b + c1 + c2 + d + e
    }

    #[test]
    fn macros_imported_by_name_are_recognised() {
        let (out, trace) = capture(by_name());
        assert_eq!(out, 1 + 2 + 3 + 4 + 5 + 7);
        let labels: Vec<String> = points(&trace, "by_name")
            .iter()
            .map(|p| p.split(' ').take(2).collect::<Vec<_>>().join(" "))
            .collect();
        assert_eq!(
            labels,
            [
                "0 Macro",
                "0.0 Branch",
                "0.1 Branch",
                "1 Macro",
                "1.0 Branch",
                "1.1 Branch",
                "2 Macro",
                "2.0 Branch",
                "2.1 Branch",
                "3 Macro",
                "3.0 Branch",
            ]
        );
    }
}

#[traced_async]
async fn join_forever() -> u32 {
    let (a, ()) = tokio::join!(io(0, 1), futures::future::pending::<()>());
    a
}

#[test]
fn cancellation_inside_a_branch_is_attributed_to_it() {
    let (_, trace) = capture(async {
        let mut fut = pin!(join_forever());
        let waker = futures::task::noop_waker();
        assert!(fut.as_mut().poll(&mut Context::from_waker(&waker)) == Poll::Pending);
    });
    assert_eq!(states(&trace, "join_forever"), ["await#0.1", "cancelled"]);
    assert_eq!(
        trace
            .function("join_forever")
            .await_point(2)
            .cancellations(),
        1
    );
}

macro_rules! twice {
    ($e:expr) => {
        ($e, $e)
    };
}

#[traced_async]
async fn expression_macros() -> String {
    assert_eq!(io(1, 1).await, 1);
    let v = vec![io(0, 2).await, 3];
    let text = format!("{}-{:?}", io(1, "x").await, v);
    assert!(matches!(io(0, 2).await, 1 | 2));
    let pair = twice!(io(1, 4).await);
    format!("{text}-{pair:?}")
}

#[test]
fn awaits_in_expression_macros_are_numbered_and_others_are_one_point() {
    let (out, trace) = capture(expression_macros());
    assert_eq!(out, "x-[2, 3]-(4, 4)");
    assert_eq!(
        points(&trace, "expression_macros"),
        [
            "0 Await io(1, 1)",
            "1 Await io(0, 2)",
            "2 Await io(1, \"x\")",
            "3 Await io(0, 2)",
            "4 Macro twice!(io(1, 4).await)",
        ]
    );
    assert_eq!(
        states(&trace, "expression_macros"),
        ["await#0", "await#2", "await#4", "await#4", "returned"]
    );
}

mod ambiguous {
    use tokio::select;

    use super::common::{io, points, states};
    use traced_async::{capture, traced_async};

    /// A bare `select!` passing a future by name: tokio moves it, futures borrows it, and the
    /// syntax does not say whose macro this is. The call stays whole, as written.
    #[traced_async]
    async fn by_name_future() -> u32 {
        let fut = io(2, 1);
        select! { v = fut => v }
    }

    #[test]
    fn a_bare_select_with_a_future_by_name_is_one_await_point() {
        let (out, trace) = capture(by_name_future());
        assert_eq!(out, 1);
        assert_eq!(
            points(&trace, "by_name_future"),
            ["0 Macro select! { v = fut => v }"]
        );
        assert_eq!(
            states(&trace, "by_name_future"),
            ["await#0", "await#0", "returned"]
        );
    }
}

#[traced_async]
async fn slow_join() -> (u32, u32) {
    futures::join!(io(1, 1), io(3, 2))
}

#[traced_async]
async fn inner_join() -> u32 {
    io(0, ()).await;
    let (a, b) = futures::join!(io(1, 1), io(1, 2));
    a + b
}

#[traced_async]
async fn outer_join() -> u32 {
    let (a, b, c) = futures::join!(io(2, 1), io(2, 2), inner_join());
    a + b + c
}

/// Suspensions per await point of `name`, by label.
fn suspended(trace: &traced_async::Trace, name: &str) -> Vec<(String, u64)> {
    let f = trace.function(name);
    f.await_points()
        .iter()
        .map(|p| (p.meta().label().to_owned(), p.suspensions()))
        .collect()
}

fn labelled(counts: &[(&str, u64)]) -> Vec<(String, u64)> {
    counts.iter().map(|(l, n)| ((*l).to_owned(), *n)).collect()
}

#[test]
fn every_pending_branch_counts_as_suspended() {
    let (out, trace) = capture(slow_join());
    assert_eq!(out, (1, 2));
    // Poll 1: both branches pending (the transition names the call); polls 2 and 3: only the
    // slow one. The call was pending in all three.
    assert_eq!(
        states(&trace, "slow_join"),
        ["await#0", "await#0.1", "await#0.1", "returned"]
    );
    assert_eq!(
        suspended(&trace, "slow_join"),
        labelled(&[("0", 3), ("0.0", 1), ("0.1", 3)])
    );
    assert_eq!(trace.function("slow_join").polls(), 4);
}

#[test]
fn a_nested_join_keeps_its_pending_branches_apart_from_the_outer_ones() {
    let (out, trace) = capture(outer_join());
    assert_eq!(out, 6);
    // Poll 1: all three outer branches pending, the third inside `inner_join`, whose own two
    // branches were pending together while the outer two had already pended. Poll 2: the
    // first two again (the inner join is done).
    assert_eq!(
        suspended(&trace, "outer_join"),
        labelled(&[("0", 2), ("0.0", 2), ("0.1", 2), ("0.2", 1)])
    );
    assert_eq!(
        suspended(&trace, "inner_join"),
        labelled(&[("0", 0), ("1", 1), ("1.0", 1), ("1.1", 1)])
    );
}
