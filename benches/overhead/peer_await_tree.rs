//! Peer: `await-tree`. It has no attribute: each instrumented future is wrapped at the call site
//! with `instrument_await`, under a tree root registered in a `Registry` per run.

use std::future::Future;
use std::sync::LazyLock;

use await_tree::{Config, InstrumentAwait, Registry};

use crate::variant::Variant;
use crate::workload::{call_loop, workload};

workload!();

static REGISTRY: LazyLock<Registry> = LazyLock::new(|| Registry::new(Config::default()));

/// `instrument_await` around each instrumented future, inside a registered tree root.
pub struct AwaitTree;

impl Variant for AwaitTree {
    fn yield1000() -> impl Future<Output = u64> {
        REGISTRY
            .register("yield1000", "run")
            .instrument(async { yield1000().instrument_await("yield1000").await })
    }

    fn calls100k() -> impl Future<Output = u64> {
        REGISTRY
            .register("calls100k", "run")
            .instrument(call_loop(|x| leaf(x).instrument_await("leaf")))
    }

    fn future_sizes() -> [usize; 2] {
        [
            size_of_val(&yield1000().instrument_await("yield1000")),
            size_of_val(&leaf(0).instrument_await("leaf")),
        ]
    }
}
