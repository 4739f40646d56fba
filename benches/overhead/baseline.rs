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
