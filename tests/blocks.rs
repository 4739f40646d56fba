//! `traced!` on async blocks and closures: recorded as a traced fn is (polls, await points
//! with text and line, transitions, nesting, cancellation, panics) on our `capture`, the
//! project's `Runtime`, tokio's multi-thread runtime and smol; and the block keeps the plain
//! block's output, `?`, `return`, `Send`-ness and drop order.

mod common;

use std::cell::RefCell;
use std::panic::AssertUnwindSafe;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use common::{io, states};
use futures::FutureExt;
use traced_async::{Captured, Format, Runtime, State, capture, traced, traced_async};

#[test]
fn a_block_records_polls_await_points_and_transitions() {
    let line = line!() + 1;
    let block = traced!("steps", async move {
        let a = io(1, 2).await;
        let b = io(2, 3).await;
        a * b
    });
    let (out, trace) = capture(block);
    assert_eq!(out, 6);
    assert_eq!(
        states(&trace, "steps"),
        ["await#0", "await#1", "await#1", "returned"]
    );
    let f = trace.function("steps");
    assert_eq!(f.polls(), 4);
    assert_eq!(f.meta().line(), line);
    let points = f.await_points();
    assert_eq!(
        points
            .iter()
            .map(|p| (p.expr(), p.line(), p.suspensions()))
            .collect::<Vec<_>>(),
        [("io(1, 2)", line + 1, 1), ("io(2, 3)", line + 2, 2)]
    );
}

#[test]
fn without_a_name_a_block_is_named_by_its_file_and_line() {
    let line = line!() + 1;
    let (_, trace) = capture(traced!(async { io(1, ()).await }));
    let name = format!("<block at {}:{line}>", file!());
    assert_eq!(trace.function(&name).polls(), 2);
    let line = line!() + 1;
    let (_, trace) = capture(traced!(async |x: u32| x + 1)(1));
    let name = format!("<closure at {}:{line}>", file!());
    assert_eq!(trace.function(&name).calls(), 1);
}

#[traced_async]
async fn parent() -> u32 {
    let child = traced!("child", async { io(1, 5).await });
    child.await + 1
}

#[test]
fn a_block_awaited_in_a_traced_fn_is_nested_under_it() {
    let (out, trace) = capture(parent());
    assert_eq!(out, 6);
    let starts: Vec<(u64, Option<u64>, &str)> = trace
        .transitions()
        .iter()
        .filter(|t| t.from() == State::Start)
        .map(|t| (t.call(), t.parent(), t.function().name()))
        .collect();
    assert_eq!(starts, [(2, Some(1), "child"), (1, None, "parent")]);
}

#[test]
fn question_mark_and_return_leave_the_block() {
    fn parse(s: &'static str) -> impl Future<Output = Result<u32, std::num::ParseIntError>> {
        traced!("parse", async move {
            let n: u32 = s.parse()?;
            if n == 0 {
                return Ok(100);
            }
            io(1, ()).await;
            Ok(n)
        })
    }
    assert_eq!(capture(parse("7")).0, Ok(7));
    assert_eq!(capture(parse("0")).0, Ok(100));
    let (out, trace) = capture(parse("x"));
    assert!(out.is_err());
    assert_eq!(states(&trace, "parse"), ["returned"]);
}

#[test]
fn a_dropped_block_is_cancelled_at_its_await_point() {
    let (winner, trace) = capture(async {
        let slow = traced!("slow", async { io(100, "slow").await });
        futures::select! {
            s = Box::pin(slow).fuse() => s,
            f = io(1, "fast").fuse() => f,
        }
    });
    assert_eq!(winner, "fast");
    assert_eq!(states(&trace, "slow"), ["await#0", "await#0", "cancelled"]);
    assert_eq!(trace.function("slow").await_points()[0].cancellations(), 1);
}

#[test]
fn a_panic_in_a_block_is_recorded_and_goes_on() {
    let block = traced!("boom", async {
        io(1, ()).await;
        panic!("boom");
    });
    let (result, trace) = capture(AssertUnwindSafe(block).catch_unwind());
    let payload = result.unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
    assert_eq!(states(&trace, "boom"), ["await#0", "panicked"]);
}

#[test]
fn async_closures_trace_each_call() {
    let base = String::from("ab");
    // Borrows `base` in each future: an async closure lends its captures.
    let len = traced!("len", async |extra: u32| {
        io(1, ()).await;
        u32::try_from(base.len()).unwrap() + extra
    });
    let (out, trace) = capture(async { len(1).await + len(2).await });
    assert_eq!(out, 7);
    let f = trace.function("len");
    assert_eq!((f.calls(), f.polls(), f.returned()), (2, 4, 2));
    assert_eq!(f.await_points()[0].expr(), "io(1, ())");

    let owned = traced!("owned", async move |x: u32| -> u32 { x * 2 });
    assert_eq!(capture(owned(4)).0, 8);
}

#[test]
fn closures_returning_a_block_trace_each_future() {
    let double = traced!("double", |x: u32| async move { io(1, x).await * 2 });
    let with_setup = traced!("setup", |x: u32| {
        let y = x + 1;
        async move { io(0, y).await }
    });
    let (out, trace) = capture(async { double(2).await + double(3).await + with_setup(1).await });
    assert_eq!(out, 12);
    assert_eq!(trace.function("double").calls(), 2);
    assert_eq!(trace.function("double").polls(), 4);
    assert_eq!(states(&trace, "setup"), ["returned"]);
}

#[test]
fn options_are_those_of_the_attribute() {
    let block = traced!("untimed", timing = false, async { io(1, ()).await });
    let (_, trace) = capture(block);
    let f = trace.function("untimed");
    assert!(f.transitions().all(|t| t.duration().is_none()));
    let block = traced!(crate = ::traced_async, async { 1 });
    assert_eq!(capture(block).0, 1);
}

struct Loud(&'static str, Rc<RefCell<Vec<&'static str>>>);

impl Drop for Loud {
    fn drop(&mut self) {
        self.1.borrow_mut().push(self.0);
    }
}

/// The same async block, plain or traced, run to its end; what dropped, in order.
macro_rules! drops {
    ($($traced:ident)?) => {{
        let log = Rc::new(RefCell::new(Vec::new()));
        let captured = Loud("captured", log.clone());
        let inner = log.clone();
        let block = $($traced!)?(async move {
            let _captured = captured;
            let _a = Loud("a", inner.clone());
            io(1, ()).await;
            let _b = Loud("b", inner);
        });
        capture(block);
        log.take()
    }};
}

#[test]
fn the_output_keeps_the_plain_blocks_drop_order() {
    assert_eq!(drops!(), ["b", "a", "captured"]);
    assert_eq!(drops!(traced), drops!());
}

#[test]
fn a_block_is_send_exactly_when_the_plain_block_is() {
    fn is_send<T: Send>(_: &T) {}
    let shared = Arc::new(Mutex::new(0));
    let send = traced!(async move {
        io(1, ()).await;
        *shared.lock().unwrap() += 1;
    });
    is_send(&send);
    // Not `Send`: an `Rc` held across the await. The plain block is not either; trybuild's
    // tests/crates/ui/tests/ui/traced-block-not-send.rs shows the compiler's error through the
    // macro.
    let rc = Rc::new(1);
    let local = traced!(async move {
        io(1, ()).await;
        *rc
    });
    assert_eq!(capture(local).0, 1);
}

#[test]
fn an_async_closures_future_is_send_when_the_plain_ones_is() {
    fn future_is_send<F: std::future::Future + Send>(f: F) -> F {
        f
    }
    let shared = Arc::new(Mutex::new(0));
    let add = traced!(async |n: u32| {
        io(1, ()).await;
        *shared.lock().unwrap() += n;
    });
    let returning = traced!(|n: u32| async move {
        io(1, ()).await;
        n * 2
    });
    let ((), trace) = capture(future_is_send(add(2)));
    assert_eq!(*shared.lock().unwrap(), 2);
    assert_eq!(trace.transitions().len(), 2);
    assert_eq!(capture(future_is_send(returning(3))).0, 6);
}

#[test]
fn spawned_blocks_on_tokio_multi_thread() {
    // Spawned tasks run outside any capture scope: the process-wide recorder counts them.
    let _guard = traced_async::RecorderBuilder::new().summary(false).init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let total = rt.block_on(async {
        let tasks: Vec<_> = (0..4u32)
            .map(|i| {
                tokio::spawn(traced!("worker", async move {
                    tokio::task::yield_now().await;
                    i
                }))
            })
            .collect();
        let mut total = 0;
        for task in tasks {
            total += task.await.unwrap();
        }
        total
    });
    assert_eq!(total, 6);
    drop(rt);
    let report = traced_async::report();
    let f = report.function("worker").expect("the spawned blocks ran");
    assert_eq!((f.calls(), f.polls(), f.returned()), (4, 8, 4));
    assert_eq!(f.awaits()[0].suspensions(), 4);
}

#[test]
fn blocks_on_smol() {
    let (out, trace) = futures_lite::future::block_on(Captured::new(async {
        let task = traced!("on smol", async { io(2, 3).await });
        task.await
    }));
    assert_eq!(out, 3);
    assert_eq!(
        states(&trace, "on smol"),
        ["await#0", "await#0", "returned"]
    );
}

#[test]
fn blocks_on_the_projects_runtime() {
    let rt = Runtime::builder()
        .deterministic(true)
        .format(Format::Off)
        .summary(false)
        .build();
    let out = rt.block_on(async {
        let handle = traced_async::spawn(traced!("spawned", async {
            traced_async::yield_now().await;
            2
        }));
        handle.await + 1
    });
    assert_eq!(out, 3);
    let trace = rt.trace();
    assert_eq!(states(&trace, "spawned"), ["await#0", "returned"]);
    assert_eq!(
        trace.function("spawned").await_points()[0].expr(),
        "traced_async::yield_now()"
    );
}
