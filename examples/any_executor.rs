//! The process-wide recorder: traced fns running on tokio's multi-thread and current-thread
//! runtimes, smol and `futures`' thread pool, all counted without locks, a report taken while
//! tasks wait, and one summary when `main` ends.
//!
//! Run with `cargo run --example any_executor`; `TRACED_ASYNC=fetch,live` traces only `fetch`
//! and prints its transitions live, `TRACED_ASYNC=all,json` prints them as JSON.

use std::time::Duration;

use futures::task::SpawnExt;
use traced_async::traced_async;

#[traced_async]
async fn fetch(id: u32) -> u32 {
    tokio::time::sleep(Duration::from_millis(u64::from(id % 3))).await;
    id * 2
}

#[traced_async]
async fn fan_out(n: u32) -> u32 {
    let tasks: Vec<_> = (0..n).map(|id| tokio::spawn(fetch(id))).collect();
    let mut sum = 0;
    for task in tasks {
        sum += task.await.expect("fetch does not panic");
    }
    sum
}

#[traced_async]
async fn worker(jobs: tokio::sync::oneshot::Receiver<u32>) -> u32 {
    tokio::task::yield_now().await;
    jobs.await.unwrap_or(0)
}

#[traced_async]
async fn on_smol(n: u32) -> u32 {
    for _ in 0..n {
        futures_lite::future::yield_now().await;
    }
    n
}

#[traced_async]
async fn on_pool(n: u32) -> u32 {
    let mut total = 0;
    for i in 0..n {
        total += futures::future::ready(i).await;
    }
    total
}

fn main() {
    // Traces everything unless TRACED_ASYNC says otherwise; the summary prints when the guard
    // drops at the end of main.
    let _guard = if std::env::var_os("TRACED_ASYNC").is_some() {
        traced_async::init()
    } else {
        traced_async::RecorderBuilder::new().init()
    };

    let tokio = tokio::runtime::Builder::new_multi_thread()
        .enable_time()
        .build()
        .unwrap();
    println!("tokio: {}", tokio.block_on(fan_out(20)));

    let current_thread = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    println!(
        "tokio current-thread: {}",
        current_thread.block_on(fan_out(10))
    );

    // smol's executor: `smol::Executor` is `async_executor::Executor`, re-exported.
    let ex = async_executor::Executor::new();
    println!(
        "smol: {}",
        futures_lite::future::block_on(ex.run(ex.spawn(on_smol(5))))
    );

    let pool = futures::executor::ThreadPool::new().unwrap();
    let handle = pool.spawn_with_handle(on_pool(10)).unwrap();
    println!("futures pool: {}", futures::executor::block_on(handle));

    // A report can be taken at any time, too: here while three workers wait for a job, so it
    // ends with where they wait.
    let (senders, workers): (Vec<_>, Vec<_>) = (0..3)
        .map(|_| {
            let (tx, rx) = tokio::sync::oneshot::channel();
            (tx, tokio.spawn(worker(rx)))
        })
        .unzip();
    // Bounded: with `TRACED_ASYNC` naming other fns, `worker` is never counted.
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    while traced_async::report()
        .function("worker")
        .is_none_or(|w| w.awaits()[1].waiting() < 3)
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(1));
    }
    let report = traced_async::report();
    if let Some(fetch) = report.function("fetch") {
        println!(
            "fetch: {} calls, {} polls so far",
            fetch.calls(),
            fetch.polls()
        );
    }
    eprint!("{report}");
    for (job, tx) in (1..).zip(senders) {
        tx.send(job).expect("the worker waits");
    }
    let done: u32 = tokio.block_on(async {
        let mut sum = 0;
        for w in workers {
            sum += w.await.expect("a worker does not panic");
        }
        sum
    });
    println!("workers: {done}");
}
