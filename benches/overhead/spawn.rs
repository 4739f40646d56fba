//! Issue 5's executor target: spawning and running 100k small tasks, on tokio's current-thread
//! runtime and on traced-async's own executor, in the same run.

use std::hint::black_box;

use divan::Bencher;
use divan::counter::ItemsCount;

/// Tasks spawned by one run.
const TASKS: u64 = 100_000;

/// Spawns [`TASKS`] tasks that each return their number, then awaits them all, from inside
/// `block_on` on a current-thread runtime built once outside the measured runs.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn tokio_current_thread(bencher: Bencher) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime builds");
    bencher.counter(ItemsCount::new(TASKS)).bench_local(|| {
        runtime.block_on(async {
            let handles: Vec<_> = (0..TASKS)
                .map(|i| tokio::spawn(async move { black_box(i) }))
                .collect();
            let mut sum = 0u64;
            for handle in handles {
                sum = sum.wrapping_add(handle.await.expect("the task does not panic"));
            }
            sum
        })
    });
}

/// The same workload on traced-async's own executor, built once outside the measured runs,
/// printing nothing and keeping no transcript: its wake tracking, task table and diagnostics
/// are part of what is measured.
#[divan::bench(sample_count = 20, sample_size = 1)]
fn traced_async_runtime(bencher: Bencher) {
    let runtime = traced_async::Runtime::builder()
        .format(traced_async::Format::Off)
        .summary(false)
        .transcript(false)
        .build();
    bencher.counter(ItemsCount::new(TASKS)).bench_local(|| {
        runtime.block_on(async {
            let handles: Vec<_> = (0..TASKS)
                .map(|i| traced_async::spawn(async move { black_box(i) }))
                .collect();
            let mut sum = 0u64;
            for handle in handles {
                sum = sum.wrapping_add(handle.await);
            }
            sum
        })
    });
}
