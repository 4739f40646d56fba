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
