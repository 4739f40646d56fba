//! Issue 5's executor target: spawning and running 100k small tasks. Only tokio's
//! current-thread runtime is measured so far; traced-async's own executor goes beside it.

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

// ---------------------------------------------------------------------------------------------
// NEXT (issue 5): traced-async's own executor, same workload, so that the two rows compare.
//
//     #[divan::bench(sample_count = 20, sample_size = 1)]
//     fn traced_async_executor(bencher: Bencher) {
//         // build the executor once here, then in `bench_local`: spawn TASKS tasks that return
//         // `black_box(i)`, keep their handles, await them all and sum the outputs.
//     }
//
// Target: at least as fast as `tokio_current_thread` in the same run.
// ---------------------------------------------------------------------------------------------
