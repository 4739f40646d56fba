//! Peer: `fastrace`'s `#[trace]` (built with its `enable` feature), under a sampled root span
//! per run, with a global reporter that receives every finished span and drops it.

use std::future::Future;

use fastrace::Span;
use fastrace::collector::{Config, Reporter, SpanContext, SpanRecord};
use fastrace::future::FutureExt;

use crate::variant::Variant;
use crate::workload::{call_loop, workload};

workload!(#[fastrace::trace]);

/// Receives the spans fastrace collects (on its own background thread) and discards them.
struct Discard;

impl Reporter for Discard {
    fn report(&mut self, spans: Vec<SpanRecord>) {
        std::hint::black_box(spans);
    }
}

/// `#[fastrace::trace]` under a root span. The traced fn is called inside the root's poll:
/// `#[trace]` picks its parent when the fn is called, not when it is polled.
pub struct Fastrace;

impl Variant for Fastrace {
    fn init() {
        fastrace::set_reporter(Discard, Config::default());
    }

    fn settle() {
        fastrace::flush();
    }

    fn yield1000() -> impl Future<Output = u64> {
        let root = Span::root("yield1000", SpanContext::random());
        async { yield1000().await }.in_span(root)
    }

    fn calls100k() -> impl Future<Output = u64> {
        let root = Span::root("calls100k", SpanContext::random());
        call_loop(leaf).in_span(root)
    }

    fn future_sizes() -> [usize; 2] {
        [size_of_val(&yield1000()), size_of_val(&leaf(0))]
    }
}
