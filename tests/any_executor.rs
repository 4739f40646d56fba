//! Traced futures run, and are recorded, on executors other than ours: tokio's current-thread
//! and multi-thread runtimes, smol's executor (`async-executor`, which smol re-exports), and
//! `futures`' thread pool, through the process-wide recorder and through a `Captured` scope. Each
//! test traces fns of its own, since the recorder is shared by the tests of this file.

use std::sync::OnceLock;

use traced_async::{Captured, Guard, traced_async};

/// Installs the recorder once for all tests of this process.
fn recorder() {
    static GUARD: OnceLock<Guard> = OnceLock::new();
    GUARD.get_or_init(|| traced_async::RecorderBuilder::new().summary(false).init());
}

/// Moves between worker threads on a multi-thread runtime at each yield.
#[traced_async]
async fn hop_tokio(n: u32) -> u32 {
    for _ in 0..n {
        tokio::task::yield_now().await;
    }
    n
}

#[test]
fn tokio_multi_thread_global_recorder() {
    recorder();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .build()
        .unwrap();
    rt.block_on(async {
        let tasks: Vec<_> = (0..50).map(|_| tokio::spawn(hop_tokio(10))).collect();
        for t in tasks {
            assert_eq!(t.await.unwrap(), 10);
        }
    });
    let report = traced_async::report();
    let f = report.function("hop_tokio").expect("hop_tokio ran");
    assert_eq!(f.calls(), 50);
    assert_eq!(f.polls(), 50 * 11);
    assert_eq!(f.awaits()[0].suspensions(), 50 * 10);
    assert_eq!(f.returned(), 50);
}

#[traced_async]
async fn hop_current(n: u32) -> u32 {
    for _ in 0..n {
        tokio::task::yield_now().await;
    }
    n
}

#[test]
fn tokio_current_thread_global_recorder() {
    recorder();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let sum: u32 = rt.block_on(async {
        let a = tokio::spawn(hop_current(3));
        let b = tokio::spawn(hop_current(4));
        a.await.unwrap() + b.await.unwrap()
    });
    assert_eq!(sum, 7);
    let report = traced_async::report();
    let f = report.function("hop_current").expect("hop_current ran");
    assert_eq!((f.calls(), f.polls()), (2, 9));
}

#[traced_async]
async fn hop_smol(n: u32) -> u32 {
    for _ in 0..n {
        futures_lite::future::yield_now().await;
    }
    n
}

#[test]
fn smol_global_recorder() {
    recorder();
    let ex = async_executor::Executor::new();
    let out = futures_lite::future::block_on(ex.run(async {
        let tasks: Vec<_> = (0..5).map(|_| ex.spawn(hop_smol(2))).collect();
        let mut sum = 0;
        for t in tasks {
            sum += t.await;
        }
        sum
    }));
    assert_eq!(out, 10);
    let report = traced_async::report();
    let f = report.function("hop_smol").expect("hop_smol ran");
    assert_eq!((f.calls(), f.polls()), (5, 15));
}

#[traced_async]
async fn hop_pool(n: u32) -> u32 {
    for _ in 0..n {
        traced_async::yield_now().await;
    }
    n
}

#[test]
fn futures_thread_pool_global_recorder() {
    use futures::task::SpawnExt;
    recorder();
    let pool = futures::executor::ThreadPool::builder()
        .pool_size(3)
        .create()
        .unwrap();
    let handles: Vec<_> = (0..20)
        .map(|_| pool.spawn_with_handle(hop_pool(3)).unwrap())
        .collect();
    let total: u32 = futures::executor::block_on(futures::future::join_all(handles))
        .iter()
        .sum();
    assert_eq!(total, 60);
    let report = traced_async::report();
    let f = report.function("hop_pool").expect("hop_pool ran");
    assert_eq!((f.calls(), f.polls(), f.returned()), (20, 80, 20));
}

#[traced_async]
async fn captured_on_workers(n: u32) -> u32 {
    for _ in 0..n {
        tokio::task::yield_now().await;
    }
    n
}

#[test]
fn captured_scope_moves_between_tokio_workers() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .build()
        .unwrap();
    let (out, trace) = rt.block_on(async {
        tokio::spawn(Captured::new(captured_on_workers(20)))
            .await
            .unwrap()
    });
    assert_eq!(out, 20);
    let f = trace.function("captured_on_workers");
    assert_eq!((f.calls(), f.polls()), (1, 21));
    assert_eq!(f.await_points()[0].suspensions(), 20);
}
