//! The run's capture scope: one collector for the whole run, lent to the thread for each poll
//! so that every traced future the poll touches records into it.
//!
//! Mirrors the shape of a capture scope that stays in place (`enter` a poll, reach the
//! collector at any time, take it back at the end), so the executor does not care how the
//! collector reaches the thread.

use std::cell::RefCell;

use crate::collector::Collector;
use crate::record;

pub(crate) struct RunScope {
    /// Here between polls; in the thread's scope slot during one.
    collector: RefCell<Option<Collector>>,
}

impl RunScope {
    pub(crate) fn new(collector: Collector) -> Self {
        RunScope {
            collector: RefCell::new(Some(collector)),
        }
    }

    /// Runs `f` (one poll) with this scope recording on the current thread.
    pub(crate) fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        let collector = self
            .collector
            .borrow_mut()
            .take()
            .expect("one poll at a time");
        let guard = record::enter_scope(collector);
        let result = f();
        *self.collector.borrow_mut() = Some(guard.exit());
        result
    }

    /// Calls `f` with the collector, between polls or during one (from inside a task).
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Collector) -> R) -> Option<R> {
        if let Some(collector) = self.collector.borrow_mut().as_mut() {
            return Some(f(collector));
        }
        record::with_active(f)
    }

    /// Ends the scope, giving the collector back.
    pub(crate) fn into_collector(self) -> Option<Collector> {
        self.collector.into_inner()
    }
}
