//! Timing's floor: the uninstrumented workload reading the raw clock twice per poll of each
//! workload fn (yield1000's fn, each leaf call), as the timed poll path does, and nothing else.
//! The read is the runtime's (`runtime/src/clock.rs`): a `quanta::Clock` kept in a `OnceLock`,
//! its `raw()` reading (the TSC where quanta found an invariant one).

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::baseline;
use crate::variant::Variant;
use crate::workload::call_loop;

/// The clock, set up once as the runtime sets up its own.
pub(crate) fn clock() -> &'static quanta::Clock {
    static CLOCK: OnceLock<quanta::Clock> = OnceLock::new();
    CLOCK.get_or_init(quanta::Clock::new)
}

pin_project! {
    /// Polls the future it wraps between two raw clock readings, kept from the optimiser.
    struct TwoReads<F> {
        #[pin]
        inner: F,
    }
}

fn two_reads<F: Future>(inner: F) -> TwoReads<F> {
    TwoReads { inner }
}

impl<F: Future> Future for TwoReads<F> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let started = clock().raw();
        let poll = self.project().inner.poll(cx);
        black_box((started, clock().raw()));
        poll
    }
}

/// The baseline workload with two raw clock reads around each poll of each workload fn.
pub struct ClockReads;

impl Variant for ClockReads {
    fn init() {
        clock();
    }

    fn yield1000() -> impl Future<Output = u64> {
        two_reads(baseline::yield1000())
    }

    fn calls100k() -> impl Future<Output = u64> {
        call_loop(|x| two_reads(baseline::leaf(x)))
    }

    fn future_sizes() -> [usize; 2] {
        [
            size_of_val(&two_reads(baseline::yield1000())),
            size_of_val(&two_reads(baseline::leaf(0))),
        ]
    }
}
