//! Where transitions go. A capture scope (see [`Captured`](crate::Captured)) moves its collector
//! into this thread's slot for the length of one of its polls; every transition produced on the
//! thread meanwhile lands there. No lock is taken: the slot belongs to the thread.

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::collector::Collector;
use crate::context;
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

thread_local! {
    static SCOPE: RefCell<Option<Collector>> = const { RefCell::new(None) };
}

/// The recording mode in force for a poll starting now on this thread.
#[inline]
pub(crate) fn mode() -> Mode {
    if ACTIVE.load(Ordering::Relaxed) == 0 {
        return Mode::Off;
    }
    context::mode()
}

/// Tells the scope active on this thread that invocation `call` starts its first poll.
pub(crate) fn begin(meta: &'static FnMeta, call: u64, parent: u64) {
    with_collector(|collector| collector.begin(meta, call, parent));
}

/// Hands a transition to the scope active on this thread, if any.
pub(crate) fn emit(transition: &Transition) {
    with_collector(|collector| collector.record(transition));
}

fn with_collector(f: impl FnOnce(&mut Collector)) {
    // A panic inside the collector (it only formats and writes) must not turn into a double
    // panic while a traced frame unwinds, so a busy slot just drops the event.
    let _ = SCOPE.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut()
            && let Some(collector) = slot.as_mut()
        {
            f(collector);
        }
    });
}

/// Puts `collector` in this thread's slot until the returned guard is dropped or
/// [`ScopeGuard::exit`] gives it back.
pub(crate) fn enter_scope(collector: Collector) -> ScopeGuard {
    let mode = collector.mode();
    let outer = SCOPE.with(|slot| slot.replace(Some(collector)));
    let outer_mode = context::set_mode(mode);
    ACTIVE.fetch_add(1, Ordering::Relaxed);
    ScopeGuard { outer: Some((outer, outer_mode)) }
}

/// Restores the thread's previous scope, also when the poll inside it panics.
pub(crate) struct ScopeGuard {
    outer: Option<(Option<Collector>, Mode)>,
}

impl ScopeGuard {
    /// Takes the collector back out of the thread's slot.
    pub(crate) fn exit(mut self) -> Collector {
        self.restore().expect("the capture scope's collector is in its slot until it exits")
    }

    fn restore(&mut self) -> Option<Collector> {
        let (outer, outer_mode) = self.outer.take()?;
        ACTIVE.fetch_sub(1, Ordering::Relaxed);
        context::set_mode(outer_mode);
        SCOPE.with(|slot| slot.replace(outer))
    }
}

impl Drop for ScopeGuard {
    fn drop(&mut self) {
        self.restore();
    }
}

/// Calls `f` with the collector of the scope active on this thread, if any and not busy: lets
/// the executor read the live invocations from inside a poll.
pub(crate) fn with_active<R>(f: impl FnOnce(&mut Collector) -> R) -> Option<R> {
    let mut f = Some(f);
    let mut out = None;
    with_collector(|collector| out = f.take().map(|f| f(collector)));
    out
}
