//! Peer: `tracing`'s `#[instrument]`, with a `tracing-subscriber` `Registry` as the global
//! default subscriber, so that every span is really created, entered, exited and closed.

use std::future::Future;

use crate::variant::Variant;
use crate::workload::{call_loop, workload};

workload!(#[tracing::instrument(level = "info", skip_all)]);

/// `#[tracing::instrument]` recorded by a `Registry` subscriber.
pub struct TracingInstrument;

impl Variant for TracingInstrument {
    fn init() {
        tracing::subscriber::set_global_default(tracing_subscriber::Registry::default())
            .expect("no other global subscriber is set in this bench");
    }

    fn yield1000() -> impl Future<Output = u64> {
        yield1000()
    }

    fn calls100k() -> impl Future<Output = u64> {
        call_loop(leaf)
    }

    fn future_sizes() -> [usize; 2] {
        [size_of_val(&yield1000()), size_of_val(&leaf(0))]
    }
}
