//! Where transitions go. A capture scope (see [`Captured`](crate::Captured)) lends its collector
//! to the thread for the length of one of its polls; every transition produced on the thread
//! meanwhile lands there. No lock is taken: the collector belongs to the scope, and only the
//! thread polling it sees it. Elsewhere transitions go to the process-wide recorder.

use std::cell::{RefCell, RefMut};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::collector::Collector;
use crate::context::{self, Ctx};
use crate::global;
use crate::meta::FnMeta;
use crate::transition::Transition;

/// How much is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Mode {
    /// Nothing: traced futures only poll their body.
    #[default]
    Off,
    /// Transitions, without timestamps.
    Count,
    /// Transitions with the duration of each poll.
    Timing,
}

/// Capture scopes being polled anywhere in the process. While it is 0, a traced poll costs one
/// relaxed load on top of the plain poll.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);

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
    if !any_active() {
        return Target::Off;
    }
    context::with(|ctx| target_in(ctx, meta))
}

/// Whether any recorder could record anything: while no one does, a traced poll costs this
/// one relaxed load.
#[inline(always)]
pub(crate) fn any_active() -> bool {
    ACTIVE.load(Ordering::Relaxed) != 0
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

/// Counts the process-wide recorder as one more active scope while it records.
pub(crate) fn install_global() {
    ACTIVE.fetch_add(1, Ordering::Relaxed);
}

/// Undoes [`install_global`] while the recorder is paused.
pub(crate) fn uninstall_global() {
    ACTIVE.fetch_sub(1, Ordering::Relaxed);
}

/// Tells the recorder that invocation `call` starts its first poll.
#[inline]
pub(crate) fn begin(target: Target, meta: &'static FnMeta, call: u64, parent: u64) {
    match target {
        Target::Off => {}
        Target::Scope(_) => with_collector(|collector| collector.begin(meta, call, parent)),
        Target::Global(_) => global::begin(meta, call, parent),
    }
}

/// Hands a transition to its recorder.
#[inline]
pub(crate) fn emit(target: Target, transition: &Transition) {
    match target {
        Target::Off => {}
        Target::Scope(_) => with_collector(|collector| collector.record(transition)),
        Target::Global(_) => global::record(transition),
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
    _active: Active,
}

/// Counts a scope in [`ACTIVE`] from its creation to its end, not per poll, so that entering a
/// scope stays free of atomics.
struct Active;

impl Active {
    fn new() -> Self {
        ACTIVE.fetch_add(1, Ordering::Relaxed);
        Active
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        ACTIVE.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Scope {
    pub(crate) fn new(collector: Collector) -> Self {
        Scope {
            collector: RefCell::new(collector),
            _active: Active::new(),
        }
    }

    /// Runs `f` (one poll) with this scope recording on the current thread.
    pub(crate) fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        let mode = self.collector.borrow().mode();
        let _outer = RestoreMode(context::set_mode(mode));
        SCOPE.set(&self.collector, f)
    }

    /// The collector, between polls.
    pub(crate) fn collector(&self) -> RefMut<'_, Collector> {
        self.collector.borrow_mut()
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
