//! Nothing lost under load and faults: the process-wide recorder's counts equal the ground
//! truth on tokio's multi-thread runtime, a panic is recorded and propagates unchanged, and a
//! future dropped on another thread than the one that polled it is recorded as cancelled.

use std::future::Future;
use std::pin::pin;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::Context;

use traced_async::{Guard, traced_async};

fn recorder() {
    static GUARD: OnceLock<Guard> = OnceLock::new();
    GUARD.get_or_init(|| traced_async::RecorderBuilder::new().summary(false).init());
}

/// Ground truth, counted by the test itself.
static POLLS_SEEN: AtomicU64 = AtomicU64::new(0);

#[traced_async]
async fn worker(yields: u32) -> u32 {
    for _ in 0..yields {
        tokio::task::yield_now().await;
        POLLS_SEEN.fetch_add(1, Ordering::Relaxed);
    }
    yields
}

#[test]
fn ten_thousand_tasks_of_a_hundred_polls_lose_nothing() {
    recorder();
    const TASKS: u64 = 10_000;
    const POLLS: u64 = 100;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .build()
        .unwrap();
    rt.block_on(async {
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| tokio::spawn(worker(u32::try_from(POLLS).unwrap() - 1)))
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    drop(rt);
    let report = traced_async::report();
    let f = report.function("worker").expect("worker ran");
    assert_eq!(f.calls(), TASKS);
    assert_eq!(f.polls(), TASKS * POLLS);
    assert_eq!(POLLS_SEEN.load(Ordering::Relaxed) + TASKS, TASKS * POLLS);
    assert_eq!(f.awaits()[0].suspensions(), TASKS * (POLLS - 1));
    assert_eq!(f.returned(), TASKS);
    assert_eq!(report.lost(), 0);
}

#[traced_async]
async fn explode(n: u32) -> u32 {
    tokio::task::yield_now().await;
    assert!(n != 13, "unlucky {n}");
    n
}

#[test]
fn a_panic_is_recorded_and_propagates_unchanged() {
    recorder();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let err = rt
        .block_on(async { tokio::spawn(explode(13)).await })
        .unwrap_err();
    let payload = err.into_panic();
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("unlucky 13")
    );
    // The recorder keeps working after the panic.
    assert_eq!(
        rt.block_on(async { tokio::spawn(explode(1)).await })
            .unwrap(),
        1
    );
    let report = traced_async::report();
    let f = report.function("explode").expect("explode ran");
    assert_eq!((f.calls(), f.panicked(), f.returned()), (2, 1, 1));
    assert_eq!(f.polls(), 4);
}

#[traced_async]
async fn waits_forever() {
    futures::future::pending::<()>().await;
}

#[test]
fn dropped_on_another_thread_is_cancelled_at_its_await_point() {
    recorder();
    let mut future = Box::pin(waits_forever());
    let mut cx = Context::from_waker(std::task::Waker::noop());
    assert!(future.as_mut().poll(&mut cx).is_pending());
    std::thread::spawn(move || drop(future)).join().unwrap();
    let report = traced_async::report();
    let f = report.function("waits_forever").expect("waits_forever ran");
    assert_eq!((f.calls(), f.polls(), f.cancelled()), (1, 1, 1));
    assert_eq!(f.awaits()[0].cancellations(), 1);
}

#[traced_async]
async fn short_lived() {
    tokio::task::yield_now().await;
}

#[test]
fn counts_of_exited_threads_are_kept() {
    recorder();
    for _ in 0..20 {
        std::thread::spawn(|| {
            let mut future = pin!(short_lived());
            let mut cx = Context::from_waker(std::task::Waker::noop());
            let rt = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            rt.block_on(async {
                while future.as_mut().poll(&mut cx).is_pending() {
                    tokio::task::yield_now().await;
                }
            });
        })
        .join()
        .unwrap();
    }
    let report = traced_async::report();
    let f = report.function("short_lived").expect("short_lived ran");
    assert_eq!((f.calls(), f.polls(), f.returned()), (20, 40, 20));
}
