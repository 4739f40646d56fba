//! Peer: `tokio-metrics`, each future wrapped at the call site by `TaskMonitor::instrument`.

use std::future::Future;
use std::sync::LazyLock;

use tokio_metrics::TaskMonitor;

use crate::variant::Variant;
use crate::workload::{call_loop, workload};

workload!();

/// One monitor for the whole process, as an application would keep one per kind of task.
static MONITOR: LazyLock<TaskMonitor> = LazyLock::new(TaskMonitor::new);

/// `TaskMonitor::instrument` around each instrumented future.
pub struct TokioMetrics;

impl Variant for TokioMetrics {
    fn yield1000() -> impl Future<Output = u64> {
        MONITOR.instrument(yield1000())
    }

    fn calls100k() -> impl Future<Output = u64> {
        call_loop(|x| MONITOR.instrument(leaf(x)))
    }

    fn future_sizes() -> [usize; 2] {
        [
            size_of_val(&MONITOR.instrument(yield1000())),
            size_of_val(&MONITOR.instrument(leaf(0))),
        ]
    }
}
