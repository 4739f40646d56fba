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

/// Who records anywhere in the process: the number of capture scopes times [`SCOPE`], plus
/// the process-wide recorder's state (one of the `GLOBAL_*` values). While it is 0, a traced
/// poll costs this one relaxed load on top of the plain poll; while it is only the recorder's
/// lean state, the same load decides the lean path.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);

/// One capture scope in [`ACTIVE`].
const SCOPE_UNIT: usize = 4;
/// The process-wide recorder is not recording.
pub(crate) const GLOBAL_OFF: usize = 0;
/// It records with live output (every transition numbered and written).
pub(crate) const GLOBAL_LIVE: usize = 1;
/// It only counts.
pub(crate) const GLOBAL_COUNT: usize = 2;
/// It only counts, and times polls.
pub(crate) const GLOBAL_TIME: usize = 3;

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
    target_here(meta)
}

/// [`target`] once [`ACTIVE`] is known to be non-zero.
#[inline(always)]
pub(crate) fn target_here(meta: &'static FnMeta) -> Target {
    context::with(|ctx| target_in(ctx, meta))
}

/// Whether any recorder could record anything: while no one does, a traced poll costs this
/// one relaxed load.
#[inline(always)]
pub(crate) fn any_active() -> bool {
    active() != 0
}

/// [`ACTIVE`], for deciding more than [`any_active`] with one load.
#[inline(always)]
pub(crate) fn active() -> usize {
    ACTIVE.load(Ordering::Relaxed)
}

/// With `active` read from [`active`]: whether only the process-wide recorder records, and
/// only counts (no capture scope anywhere, so none on this thread). `None` when not, else
/// whether it times polls of `meta`.
#[inline(always)]
pub(crate) fn lean(active: usize, meta: &FnMeta) -> Option<bool> {
    match active {
        GLOBAL_COUNT => Some(false),
        GLOBAL_TIME => Some(meta.timing()),
        _ => None,
    }
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

/// Whether the process-wide recorder is installed and not paused.
#[inline(always)]
pub(crate) fn global_recording() -> bool {
    active() % SCOPE_UNIT != GLOBAL_OFF
}

/// Sets the process-wide recorder's state in [`ACTIVE`] (one of the `GLOBAL_*` values).
pub(crate) fn set_global(state: usize) {
    let _ = ACTIVE.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |active| {
        Some(active - active % SCOPE_UNIT + state)
    });
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
        ACTIVE.fetch_add(SCOPE_UNIT, Ordering::Relaxed);
        Active
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        ACTIVE.fetch_sub(SCOPE_UNIT, Ordering::Relaxed);
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

    /// Writes what the output buffered during a poll. Never panics, so that it may run while a
    /// poll unwinds: a collector still borrowed (a panic inside it) keeps its lines.
    pub(crate) fn flush(&self) {
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
