//! Memory stays flat under churn: 1 000 000 invocations of a traced fn on 8 worker threads of
//! each of 50 short-lived tokio runtimes, one after the other, counted by the process-wide
//! recorder with timing on (its default). Every runtime's threads exit and fold their counts;
//! the next runtime's threads reuse the tables. Every count is exact, and the resident memory
//! (VmRSS, Linux) grows by less than a stated bound after the first runtimes.

use traced_async::traced_async;

const RUNTIMES: u64 = 50;
const THREADS: u64 = 8;
/// Invocations per task, one task per worker thread: 50 × 8 × 2 500 = 1 000 000.
const PER_TASK: u64 = 2_500;
/// The resident memory the last 40 runtimes may add, beyond the first 10's: allocator and
/// tokio noise (12 KiB measured), below what keeping 8 B per invocation (8 MB) or the ~2.7 KiB
/// counter table of each of the 320 threads that exited after the 10th runtime (~850 KiB)
/// would take.
const GROWTH_BOUND_KIB: u64 = 512;

#[traced_async]
async fn job(n: u64) -> u64 {
    tokio::task::yield_now().await;
    n + 1
}

/// This process's resident memory in KiB, from `/proc/self/status`.
#[cfg(target_os = "linux")]
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .expect("a VmRSS line");
    line.split_whitespace()
        .nth(1)
        .and_then(|kib| kib.parse().ok())
        .expect("VmRSS in kB")
}

fn one_runtime() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(THREADS as usize)
        .build()
        .unwrap();
    let sum: u64 = rt.block_on(async {
        let tasks: Vec<_> = (0..THREADS)
            .map(|_| {
                tokio::spawn(async {
                    let mut sum = 0;
                    for i in 0..PER_TASK {
                        sum += job(i).await;
                    }
                    sum
                })
            })
            .collect();
        let mut sum = 0;
        for task in tasks {
            sum += task.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, THREADS * PER_TASK * (PER_TASK + 1) / 2);
    // Dropping the runtime joins its worker threads: their counts are folded on exit.
    drop(rt);
}

#[test]
fn a_million_invocations_over_fifty_runtimes_keep_memory_flat_and_counts_exact() {
    let _guard = traced_async::RecorderBuilder::new().summary(false).init();
    let mut after_ten = 0;
    for run in 1..=RUNTIMES {
        one_runtime();
        let report = traced_async::report();
        let job = report.function("job").expect("job ran");
        let calls = run * THREADS * PER_TASK;
        assert_eq!(
            (job.calls(), job.returned(), job.polls()),
            (calls, calls, 2 * calls)
        );
        assert_eq!(job.in_flight(), 0);
        assert_eq!(job.awaits()[0].suspensions(), calls);
        assert_eq!(job.awaits()[0].waiting(), 0);
        assert_eq!(report.lost(), 0);
        #[cfg(target_os = "linux")]
        if run == 10 {
            after_ten = resident_kib();
        }
    }
    #[cfg(target_os = "linux")]
    {
        let at_end = resident_kib();
        let growth = at_end.saturating_sub(after_ten);
        eprintln!("VmRSS after 10 runtimes {after_ten} KiB, after {RUNTIMES} {at_end} KiB");
        assert!(
            growth < GROWTH_BOUND_KIB,
            "resident memory grew by {growth} KiB over {} runtimes (bound {GROWTH_BOUND_KIB})",
            RUNTIMES - 10
        );
    }
    let _ = after_ten;
}
