//! Where transitions go. A capture scope (see [`Captured`](crate::Captured)) lends its collector
//! to the thread for the length of one of its polls; every transition produced on the thread
//! meanwhile lands there. No lock is taken: the collector belongs to the scope, and only the
//! thread polling it sees it. Elsewhere transitions go to the process-wide recorder.

use std::cell::{RefCell, RefMut};

use crate::activity::{self, Mode, ScopeCount};
use crate::collector::Collector;
use crate::context::{self, Ctx};
use crate::event::Event;
use crate::global;
use crate::meta::FnMeta;
use crate::sink::Sink;

scoped_tls::scoped_thread_local!(static SCOPE: RefCell<Collector>);

/// Who records a poll, and how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// No one.
    Off,
    /// The capture scope active on this thread.
    Scope(Mode),
    /// The process-wide recorder.
    Global(Mode),
}

/// Who records a poll of `meta` starting now on this thread: the capture scope if one is
/// active here, else the process-wide recorder if it selects `meta`.
#[inline(always)]
pub(crate) fn target(meta: &'static FnMeta) -> Target {
    if !activity::any() {
        return Target::Off;
    }
    target_here(meta)
}

/// [`target`] once someone is known to record somewhere.
#[inline(always)]
pub(crate) fn target_here(meta: &'static FnMeta) -> Target {
    context::with(|ctx| target_in(ctx, meta))
}

/// [`target`] with the thread's context at hand.
#[inline(always)]
pub(crate) fn target_in(ctx: &Ctx, meta: &'static FnMeta) -> Target {
    match ctx.mode() {
        Mode::Off => match global::mode(meta) {
            Mode::Off => Target::Off,
            mode => Target::Global(mode),
        },
        scoped => Target::Scope(scoped),
    }
}

/// Tells the recorder that invocation `call` starts its first poll.
#[inline]
pub(crate) fn begin(target: Target, meta: &'static FnMeta, call: u64, parent: u64) {
    match target {
        Target::Off => {}
        Target::Scope(_) => with_collector(|collector| collector.begin(meta, call, parent)),
        Target::Global(_) => global::Recorder.begin(meta, call, parent),
    }
}

/// Hands a poll's event to its recorder.
#[inline]
pub(crate) fn emit(target: Target, event: &Event) {
    match target {
        Target::Off => {}
        Target::Scope(_) => with_collector(|collector| collector.record(event)),
        Target::Global(_) => global::Recorder.record(event),
    }
}

#[inline]
fn with_collector(f: impl FnOnce(&mut Collector)) {
    if SCOPE.is_set() {
        SCOPE.with(|collector| {
            // A panic inside the collector (it only formats and writes) must not turn into a
            // double panic while a traced frame unwinds, so a busy collector drops the event.
            if let Ok(mut collector) = collector.try_borrow_mut() {
                f(&mut collector);
            }
        });
    }
}

/// A capture scope: a collector, and the means to make it the one that records on this thread
/// for the length of a closure (one poll). The collector stays where it is; the thread only
/// borrows it (through `scoped-tls`), so entering costs no copy.
pub(crate) struct Scope {
    collector: RefCell<Collector>,
    /// The collector's mode and whether it has an output, both fixed when it is built: read
    /// here on every poll of the scope without borrowing it.
    mode: Mode,
    prints: bool,
    _counted: ScopeCount,
}

impl Scope {
    pub(crate) fn new(collector: Collector) -> Self {
        Scope {
            mode: collector.mode(),
            prints: collector.prints(),
            collector: RefCell::new(collector),
            _counted: ScopeCount::new(),
        }
    }

    /// Runs `f` (one poll) with this scope recording on the current thread.
    pub(crate) fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        let _outer = RestoreMode(context::set_mode(self.mode));
        SCOPE.set(&self.collector, f)
    }

    /// The collector, between polls.
    pub(crate) fn collector(&self) -> RefMut<'_, Collector> {
        self.collector.borrow_mut()
    }

    /// Writes what the output buffered during a poll. Never panics, so that it may run while a
    /// poll unwinds: a collector still borrowed (a panic inside it) keeps its lines.
    pub(crate) fn flush(&self) {
        if !self.prints {
            return;
        }
        if let Ok(mut collector) = self.collector.try_borrow_mut() {
            collector.flush();
        }
    }

    /// Ends the scope, giving the collector back.
    pub(crate) fn into_collector(self) -> Collector {
        self.collector.into_inner()
    }
}

/// Restores the thread's recording mode when a scope's poll ends, also by panic.
struct RestoreMode(Mode);

impl Drop for RestoreMode {
    fn drop(&mut self) {
        context::set_mode(self.0);
    }
}
