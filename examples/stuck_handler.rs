//! The process-wide recorder on tokio, asked why a service is slow or stuck: one handler
//! blocked inside a poll on a `std` mutex, a report that renders in two long polls, and
//! requests waiting as they should. The report taken 500 ms in tells them apart: who is in a
//! poll (since when, after which await), who waits where, self time beside busy time, poll-time
//! percentiles and the slow polls blamed on their code; the watchdog names the stuck poll
//! while it is stuck, and again when it returns.
//!
//! Run with `cargo run --example stuck_handler` (real time: durations vary from run to run).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use traced_async::traced_async;

#[traced_async]
async fn wants_lock(lock: Arc<Mutex<()>>) {
    tokio::time::sleep(Duration::from_millis(1)).await;
    // Blocks the worker thread until `main` lets go of the lock.
    drop(lock.lock());
}

#[traced_async]
async fn render_report() {
    std::thread::sleep(Duration::from_millis(150));
    tokio::task::yield_now().await;
    std::thread::sleep(Duration::from_millis(150));
}

#[traced_async]
async fn handler(rx: tokio::sync::oneshot::Receiver<()>) {
    let _ = rx.await;
    render_report().await;
}

#[traced_async]
async fn waiting_normally(rx: tokio::sync::oneshot::Receiver<()>) {
    let _ = rx.await;
}

fn main() {
    let _guard = traced_async::RecorderBuilder::new()
        .watchdog(Duration::from_millis(200))
        .init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    let lock = Arc::new(Mutex::new(()));
    let held = lock.lock().unwrap();
    let stuck = rt.spawn(wants_lock(lock.clone()));
    let (go, rx) = tokio::sync::oneshot::channel();
    let report_task = rt.spawn(handler(rx));
    let _ = go.send(());
    let (senders, waiters): (Vec<_>, Vec<_>) = (0..3)
        .map(|_| {
            let (tx, rx) = tokio::sync::oneshot::channel();
            (tx, rt.spawn(waiting_normally(rx)))
        })
        .unzip();
    std::thread::sleep(Duration::from_millis(500));
    eprint!("── report at 500 ms ──\n{}", traced_async::report());
    drop(held);
    for tx in senders {
        let _ = tx.send(());
    }
    rt.block_on(async {
        stuck.await.unwrap();
        report_task.await.unwrap();
        for w in waiters {
            w.await.unwrap();
        }
    });
    // Lets the watchdog see the stuck poll return before the summary.
    std::thread::sleep(Duration::from_millis(100));
}
