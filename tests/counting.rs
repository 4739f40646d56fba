//! The process-wide recorder counting without timing (its lean path): totals exact on one
//! thread and across tokio's workers, a report in flight is up to date, a cancellation is
//! counted at its await point, and a panicking poll after many suspensions keeps them.

use std::future::Future;
use std::pin::pin;
use std::sync::OnceLock;
use std::task::{Context, Poll, Waker};

use traced_async::{Guard, traced_async};

fn recorder() {
    static GUARD: OnceLock<Guard> = OnceLock::new();
    GUARD.get_or_init(|| {
        traced_async::RecorderBuilder::new()
            .summary(false)
            .timing(false)
            .init()
    });
}

#[traced_async]
async fn same_point(n: u32) -> u32 {
    for _ in 0..n {
        traced_async::yield_now().await;
    }
    n
}

#[test]
fn a_thousand_suspensions_at_one_await_are_all_counted() {
    recorder();
    assert_eq!(futures::executor::block_on(same_point(1000)), 1000);
    let report = traced_async::report();
    let f = report.function("same_point").expect("same_point ran");
    assert_eq!((f.calls(), f.polls(), f.returned()), (1, 1001, 1));
    assert_eq!(f.awaits()[0].suspensions(), 1000);
}

#[traced_async]
async fn alternating(n: u32) {
    for _ in 0..n {
        traced_async::yield_now().await;
        traced_async::yield_now().await;
        traced_async::yield_now().await;
    }
}

#[test]
fn alternating_await_points_are_each_counted() {
    recorder();
    futures::executor::block_on(alternating(100));
    let report = traced_async::report();
    let f = report.function("alternating").expect("alternating ran");
    assert_eq!(f.polls(), 301);
    let suspensions: Vec<u64> = f.awaits().iter().map(|a| a.suspensions()).collect();
    assert_eq!(suspensions, [100, 100, 100]);
}

#[traced_async]
async fn in_flight() {
    loop {
        traced_async::yield_now().await;
    }
}

#[test]
fn a_report_in_flight_is_up_to_date_and_a_drop_is_a_cancellation() {
    recorder();
    let mut future = Box::pin(in_flight());
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..200 {
        assert!(future.as_mut().poll(&mut cx).is_pending());
    }
    let report = traced_async::report();
    let f = report.function("in_flight").expect("in_flight ran");
    assert!(
        (200 - 63..=200).contains(&f.polls()),
        "{} of 200 polls",
        f.polls()
    );
    drop(future);
    let report = traced_async::report();
    let f = report.function("in_flight").expect("in_flight ran");
    assert_eq!((f.polls(), f.cancelled()), (200, 1));
    assert_eq!(f.awaits()[0].suspensions(), 200);
    assert_eq!(f.awaits()[0].cancellations(), 1);
}

#[traced_async]
async fn counted_worker(yields: u32) -> u32 {
    for _ in 0..yields {
        tokio::task::yield_now().await;
    }
    yields
}

#[test]
fn ten_thousand_tasks_of_a_hundred_polls_counted_exactly() {
    recorder();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .build()
        .unwrap();
    rt.block_on(async {
        let tasks: Vec<_> = (0..10_000)
            .map(|_| tokio::spawn(counted_worker(99)))
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    drop(rt);
    let report = traced_async::report();
    let f = report
        .function("counted_worker")
        .expect("counted_worker ran");
    assert_eq!(
        (f.calls(), f.polls(), f.returned()),
        (10_000, 1_000_000, 10_000)
    );
    assert_eq!(f.awaits()[0].suspensions(), 990_000);
    assert_eq!(f.busy(), None);
    assert_eq!(report.lost(), 0);
}

#[test]
fn a_poll_that_panics_after_many_suspensions_keeps_them() {
    #[traced_async]
    async fn boom(n: u32) {
        for _ in 0..n {
            traced_async::yield_now().await;
        }
        panic!("boom after {n}");
    }
    recorder();
    let mut future = pin!(boom(10));
    let mut cx = Context::from_waker(Waker::noop());
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        while future.as_mut().poll(&mut cx) == Poll::Pending {}
    }));
    assert!(result.is_err());
    let report = traced_async::report();
    let f = report.function("boom").expect("boom ran");
    assert_eq!((f.polls(), f.panicked()), (11, 1));
    assert_eq!(f.awaits()[0].suspensions(), 10);
}

#[traced_async]
async fn stuck(rx: tokio::sync::oneshot::Receiver<()>) {
    // Yield first, so that tasks move between tokio's workers before they wait.
    for _ in 0..3 {
        tokio::task::yield_now().await;
    }
    let _ = rx.await; // line 155: the report names it
    tokio::task::yield_now().await;
}

/// Polls `rt`'s workers until `done` holds, or fails after ten seconds.
fn wait_until(what: &str, done: impl Fn() -> bool) {
    let start = std::time::Instant::now();
    while !done() {
        assert!(start.elapsed().as_secs() < 10, "timed out waiting: {what}");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn a_report_says_where_stuck_invocations_wait_on_any_thread() {
    recorder();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .build()
        .unwrap();
    let (senders, tasks): (Vec<_>, Vec<_>) = (0..100)
        .map(|_| {
            let (tx, rx) = tokio::sync::oneshot::channel();
            (tx, rt.spawn(stuck(rx)))
        })
        .unzip();
    let waiting_at_rx = || {
        let report = traced_async::report();
        report
            .function("stuck")
            .map_or(0, |f| f.awaits()[1].waiting())
    };
    wait_until("100 invocations waiting at `rx.await`", || {
        waiting_at_rx() == 100
    });
    let report = traced_async::report();
    let f = report.function("stuck").unwrap();
    assert_eq!(f.in_flight(), 100);
    assert_eq!(f.awaits()[0].waiting(), 0);
    let text = report.to_string();
    assert!(text.contains("── where is everyone? ──"), "{text}");
    assert!(text.contains("stuck  100 in flight"), "{text}");
    assert!(text.contains("line 155  rx  100 waiting"), "{text}");

    // Release half; abort the other half where they wait.
    let mut senders = senders;
    for tx in senders.drain(..50) {
        tx.send(()).unwrap();
    }
    for task in &tasks[50..] {
        task.abort();
    }
    rt.block_on(async {
        for task in tasks {
            let _ = task.await;
        }
    });
    drop(senders);
    drop(rt);
    let report = traced_async::report();
    let f = report.function("stuck").unwrap();
    assert_eq!((f.calls(), f.returned(), f.cancelled()), (100, 50, 50));
    assert_eq!(f.in_flight(), 0);
    assert_eq!(f.awaits()[1].cancellations(), 50);
    let waiting: Vec<u64> = f.awaits().iter().map(|a| a.waiting()).collect();
    assert_eq!(waiting, [0, 0, 0]);
    // Other tests of this binary run at the same time: only `stuck` must be gone.
    let text = report.to_string();
    let section = text.split("── where is everyone? ──").nth(1).unwrap_or("");
    assert!(!section.contains("stuck"), "{text}");
}

/// Pending `n` times, waking itself, then ready.
struct Pending(u32);

impl Future for Pending {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 == 0 {
            return Poll::Ready(());
        }
        self.0 -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[traced_async]
async fn counted_join() {
    futures::join!(Pending(1), Pending(3), Pending(0));
}

#[test]
fn every_pending_branch_of_a_join_is_counted_as_suspended() {
    recorder();
    futures::executor::block_on(counted_join());
    let report = traced_async::report();
    let f = report.function("counted_join").expect("counted_join ran");
    // Poll 1: two branches pending together (the poll counts at the call); polls 2 and 3:
    // the second alone. The call was pending in all three.
    assert_eq!(f.polls(), 4);
    let suspensions: Vec<u64> = f.awaits().iter().map(|a| a.suspensions()).collect();
    assert_eq!(suspensions, [3, 1, 3, 0]);
}

#[traced_async]
async fn reported_as_json(n: u32) -> u32 {
    for _ in 0..n {
        traced_async::yield_now().await;
    }
    n
}

/// The report as JSON (for an admin endpoint): the documented field names, the counts exact.
#[test]
fn the_report_serialises_to_json_with_its_documented_fields() {
    recorder();
    assert_eq!(futures::executor::block_on(reported_as_json(3)), 3);
    let json: serde_json::Value = serde_json::to_value(traced_async::report()).unwrap();
    let functions = json["functions"].as_array().expect("functions");
    let f = functions
        .iter()
        .find(|f| f["fn"] == "reported_as_json")
        .expect("reported_as_json in the report");
    assert_eq!(f["module"], "counting");
    assert_eq!(f["file"], "tests/counting.rs");
    assert_eq!(
        (&f["calls"], &f["polls"], &f["returned"]),
        (&1.into(), &4.into(), &1.into())
    );
    assert_eq!(
        (&f["in_flight"], &f["panicked"], &f["cancelled"]),
        (&0.into(), &0.into(), &0.into())
    );
    // Counting only: no busy time.
    assert!(f["busy_ns"].is_null(), "{f}");
    let awaits = f["awaits"].as_array().expect("awaits");
    assert_eq!(awaits.len(), 1);
    assert_eq!(awaits[0]["label"], "0");
    assert_eq!(awaits[0]["expr"], "traced_async::yield_now()");
    assert_eq!(
        (&awaits[0]["suspended"], &awaits[0]["waiting"]),
        (&3.into(), &0.into())
    );
    // No live output: no numbered invocations.
    assert_eq!(json["in_flight"], serde_json::json!([]));
    assert_eq!(json["lost"], 0);
    assert_eq!(json["timeline_lost"], 0);
}
