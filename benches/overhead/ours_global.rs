//! traced-async's process-wide recorder (issue 5): `#[traced_async]` counting, or timing, into
//! lock-free per-thread counters, on any executor, no capture scope. The recorder is installed
//! once and paused between runs (`set_recording`, see `Variant::recording`), so the other variants measure with no
//! recorder active, as their users would.

use std::future::Future;
use std::sync::Once;

use crate::variant::Variant;
use crate::workload::call_loop;

/// The fns the counting variant runs: `timing = false`, so polls are counted, not timed.
mod counted {
    use traced_async::traced_async;
    crate::workload::workload!(#[traced_async(timing = false)]);
}

/// The fns the timing variant runs.
mod timed {
    use traced_async::traced_async;
    crate::workload::workload!(#[traced_async]);
}

fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // `BENCH_SAMPLE=16` times one poll in 16 (issue 13's sampled timing), for
        // `benches/callgrind.sh`'s GlobalTiming; unset, every poll is timed.
        let builder = traced_async::RecorderBuilder::new().summary(false);
        let builder = match std::env::var("BENCH_SAMPLE")
            .ok()
            .and_then(|n| n.parse().ok())
        {
            Some(n) => builder.sample(n),
            None => builder,
        };
        std::mem::forget(builder.init());
        traced_async::set_recording(false);
    });
}

/// `#[traced_async(timing = false)]` counted by the process-wide recorder.
pub struct GlobalCounting;

impl Variant for GlobalCounting {
    fn init() {
        install();
    }

    fn recording(on: bool) {
        traced_async::set_recording(on);
    }

    fn yield1000() -> impl Future<Output = u64> {
        counted::yield1000()
    }

    fn calls100k() -> impl Future<Output = u64> {
        call_loop(counted::leaf)
    }

    fn future_sizes() -> [usize; 2] {
        [
            size_of_val(&counted::yield1000()),
            size_of_val(&counted::leaf(0)),
        ]
    }
}

/// `#[traced_async]` counted and timed by the process-wide recorder.
pub struct GlobalTiming;

impl Variant for GlobalTiming {
    fn init() {
        install();
    }

    fn recording(on: bool) {
        traced_async::set_recording(on);
    }

    fn yield1000() -> impl Future<Output = u64> {
        timed::yield1000()
    }

    fn calls100k() -> impl Future<Output = u64> {
        call_loop(timed::leaf)
    }

    fn future_sizes() -> [usize; 2] {
        [
            size_of_val(&timed::yield1000()),
            size_of_val(&timed::leaf(0)),
        ]
    }
}
