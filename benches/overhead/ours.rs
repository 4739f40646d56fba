//! traced-async itself: `#[traced_async]` with recording off, counting and timing, plus the
//! capture scope alone around the uninstrumented baseline (what `Captured` costs per poll by
//! itself, apart from the traced fns inside it).

use std::future::Future;

use traced_async::{Captured, Format, Mode, traced_async};

use crate::baseline;
use crate::variant::Variant;
use crate::workload::{call_loop, workload};

workload!(#[traced_async]);

fn sizes() -> [usize; 2] {
    [size_of_val(&yield1000()), size_of_val(&leaf(0))]
}

/// Bytes a `Captured` scope adds around the future it runs (once per run, not per call).
pub fn scope_bytes() -> usize {
    let future = baseline::yield1000();
    let plain = size_of_val(&future);
    size_of_val(&Captured::with(future, Mode::Count, Format::Off)) - plain
}

/// Runs `future` inside a capture scope that records in `mode` and prints nothing. The trace is
/// returned to the bench so that building it is part of the measured run.
async fn scoped<F: Future<Output = u64>>(mode: Mode, future: F) -> u64 {
    let (out, trace) = Captured::with(future, mode, Format::Off).await;
    std::hint::black_box(trace);
    out
}

/// `#[traced_async]` with no capture scope active anywhere: the cost every user pays always.
pub struct RecorderOff;

impl Variant for RecorderOff {
    fn yield1000() -> impl Future<Output = u64> {
        yield1000()
    }

    fn calls100k() -> impl Future<Output = u64> {
        call_loop(leaf)
    }

    fn future_sizes() -> [usize; 2] {
        sizes()
    }
}

/// A `Mode::Count` capture scope around the *uninstrumented* workload: the scope's own cost.
pub struct ScopeOnly;

impl Variant for ScopeOnly {
    fn yield1000() -> impl Future<Output = u64> {
        scoped(Mode::Count, baseline::yield1000())
    }

    fn calls100k() -> impl Future<Output = u64> {
        scoped(Mode::Count, call_loop(baseline::leaf))
    }

    fn future_sizes() -> [usize; 2] {
        [
            size_of_val(&baseline::yield1000()),
            size_of_val(&baseline::leaf(0)),
        ]
    }
}

/// `#[traced_async]` inside `Captured::with(.., Mode::Count, Format::Off)`.
pub struct Counting;

impl Variant for Counting {
    fn yield1000() -> impl Future<Output = u64> {
        scoped(Mode::Count, yield1000())
    }

    fn calls100k() -> impl Future<Output = u64> {
        scoped(Mode::Count, call_loop(leaf))
    }

    fn future_sizes() -> [usize; 2] {
        sizes()
    }
}

/// `#[traced_async]` inside `Captured::with(.., Mode::Timing, Format::Off)`.
pub struct Timing;

impl Variant for Timing {
    fn yield1000() -> impl Future<Output = u64> {
        scoped(Mode::Timing, yield1000())
    }

    fn calls100k() -> impl Future<Output = u64> {
        scoped(Mode::Timing, call_loop(leaf))
    }

    fn future_sizes() -> [usize; 2] {
        sizes()
    }
}
