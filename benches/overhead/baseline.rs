//! The uninstrumented baseline every other variant is compared with.

use std::future::Future;

use crate::variant::Variant;
use crate::workload::{call_loop, workload};

workload!();

/// The workload with no instrumentation at all.
pub struct Baseline;

impl Variant for Baseline {
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

/// The uninstrumented workload, each fn awaited by a second plain `async fn` taking the same
/// arguments: the shape `#[traced_async]` expands to (an `async fn` kept as written, awaiting
/// its traced body) without the tracing, so it prices keeping `async fn` in the signature.
pub struct AsyncWrapper;

mod inner {
    crate::workload::workload!();
}

async fn wrapped_yield1000() -> u64 {
    inner::yield1000().await
}

async fn wrapped_leaf(x: u64) -> u64 {
    inner::leaf(x).await
}

impl Variant for AsyncWrapper {
    fn yield1000() -> impl Future<Output = u64> {
        wrapped_yield1000()
    }

    fn calls100k() -> impl Future<Output = u64> {
        call_loop(wrapped_leaf)
    }

    fn future_sizes() -> [usize; 2] {
        [
            size_of_val(&wrapped_yield1000()),
            size_of_val(&wrapped_leaf(0)),
        ]
    }
}
