//! Overhead of traced-async against no instrumentation and against peer crates, on two
//! workloads, plus issue 5's executor spawn bench. Run with
//! `cargo bench -p traced-async-benches --bench overhead`; BENCHMARKS.md at the repository root
//! holds the results and how to read them.
//!
//! - `yield1000`: one instrumented async fn awaits 1000 self-waking yield points, polled to
//!   completion by a minimal executor: 1001 polls of the fn. Divan's per-run time / 1001 is the
//!   cost of one poll.
//! - `calls100k`: a plain loop awaits 100 000 calls of a trivial instrumented async fn.
//!   Per-run time / 100 000 is the cost of one call.
//!
//! The sizes of each variant's futures are printed once before the benches.

mod baseline;
mod clock_reads;
mod drive;
mod floor;
mod ours;
mod ours_global;
mod peer_async_backtrace;
mod peer_await_tree;
mod peer_fastrace;
mod peer_tokio_metrics;
mod peer_tracing;
mod spawn;
mod variant;
mod workload;

use divan::Bencher;
use divan::counter::ItemsCount;

use crate::baseline::{AsyncWrapper, Baseline};
use crate::clock_reads::ClockReads;
use crate::drive::{YIELDS, run, run_in};
use crate::floor::{FloorCapture, FloorCounting, FloorTiming};
use crate::ours::{Counting, RecorderOff, ScopeOnly, Timing};
use crate::ours_global::{GlobalCounting, GlobalTiming};
use crate::peer_async_backtrace::AsyncBacktrace;
use crate::peer_await_tree::AwaitTree;
use crate::peer_fastrace::Fastrace;
use crate::peer_tokio_metrics::TokioMetrics;
use crate::peer_tracing::TracingInstrument;
use crate::variant::Variant;
use crate::workload::CALLS;

/// Defines the benches over every variant listed, in this order, and `init_and_print_sizes`.
macro_rules! variants {
    ($($variant:ident),* $(,)?) => {
        #[divan::bench(types = [$($variant),*], sample_count = 100)]
        fn yield1000<V: Variant>(bencher: Bencher) {
            bencher.counter(ItemsCount::new(YIELDS + 1)).bench_local(|| run_in::<V, _>(V::yield1000()));
            V::settle();
        }

        #[divan::bench(types = [$($variant),*], sample_count = 30, sample_size = 1)]
        fn calls100k<V: Variant>(bencher: Bencher) {
            bencher.counter(ItemsCount::new(CALLS)).bench_local(|| run_in::<V, _>(V::calls100k()));
            V::settle();
        }

        /// Sets every variant up, checks each computes the same, and prints the future sizes.
        fn init_and_print_sizes() {
            println!("future sizes in bytes (size_of_val):");
            println!("{:<20} {:>10} {:>6}", "variant", "yield1000", "leaf");
            $(
                $variant::init();
                assert_eq!(run_in::<$variant, _>($variant::yield1000()), YIELDS, stringify!($variant));
                assert_eq!(run_in::<$variant, _>($variant::calls100k()), run(Baseline::calls100k()), stringify!($variant));
                $variant::settle();
                let [yields, leaf] = $variant::future_sizes();
                println!("{:<20} {yields:>10} {leaf:>6}", stringify!($variant));
            )*
            println!("(a Captured scope adds {} bytes around the future it runs)", ours::scope_bytes());
            // Captured keeps every transition until the run ends: one per poll of a traced fn.
            let transition = size_of::<traced_async::Transition>();
            println!(
                "(Captured keeps {transition} bytes per transition: a calls100k run holds {} of them, {:.1} MiB)\n",
                CALLS,
                (transition as u64 * CALLS) as f64 / (1 << 20) as f64,
            );
        }
    };
}

variants!(
    Baseline,
    AsyncWrapper,
    RecorderOff,
    ScopeOnly,
    Counting,
    Timing,
    GlobalCounting,
    GlobalTiming,
    ClockReads,
    FloorCounting,
    FloorTiming,
    FloorCapture,
    TracingInstrument,
    TokioMetrics,
    AsyncBacktrace,
    AwaitTree,
    Fastrace,
);

fn main() {
    init_and_print_sizes();
    divan::main();
}
