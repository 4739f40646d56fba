//! Peer: `async-backtrace`'s `#[framed]`. A run is one task, so its outermost future is framed
//! too (the task's root frame, registered in the crate's global task set), the way the other
//! peers get a root span and ours a capture scope.

use std::future::Future;

use crate::variant::Variant;
use crate::workload::{call_loop, workload};

workload!(#[async_backtrace::framed]);

/// `#[async_backtrace::framed]`, under a framed root per run.
pub struct AsyncBacktrace;

impl Variant for AsyncBacktrace {
    fn yield1000() -> impl Future<Output = u64> {
        async_backtrace::frame!(async { yield1000().await })
    }

    fn calls100k() -> impl Future<Output = u64> {
        async_backtrace::frame!(call_loop(leaf))
    }

    fn future_sizes() -> [usize; 2] {
        [size_of_val(&yield1000()), size_of_val(&leaf(0))]
    }
}
