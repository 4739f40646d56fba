//! The run's capture scope: one collector for the whole run, lent to the thread for each poll
//! so that every traced future the poll touches records into it.

use crate::collector::Collector;
use crate::record::Scope;

pub(crate) struct RunScope(Scope);

impl RunScope {
    pub(crate) fn new(collector: Collector) -> Self {
        RunScope(Scope::new(collector))
    }

    /// Runs `f` (one poll) with this scope recording on the current thread.
    pub(crate) fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        self.0.enter(f)
    }

    /// Calls `f` with the collector, between polls or during one (from inside a task: the
    /// collector is only borrowed while a transition is recorded, never across a poll).
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Collector) -> R) -> Option<R> {
        Some(f(&mut self.0.collector()))
    }

    /// Ends the scope, giving the collector back.
    pub(crate) fn into_collector(self) -> Option<Collector> {
        Some(self.0.into_collector())
    }
}
