//! Where transitions go. A capture scope (see [`Captured`](crate::Captured)) lends itself to the
//! thread for the length of one of its polls: entering is one store of its address in a
//! thread-local, and every transition produced on the thread meanwhile lands in its collector.
//! No lock is taken: the collector belongs to the scope, and only the thread polling it sees it.
//! Elsewhere transitions go to the process-wide recorder.

use std::cell::{Cell, RefCell, RefMut};
use std::ptr;

use crate::activity::{self, Mode, ScopeCount};
use crate::collector::Collector;
use crate::event::Event;
use crate::fields::Fields;
use crate::global;
use crate::marks::Pended;
use crate::meta::FnMeta;
use crate::sink::Sink;

thread_local! {
    /// The capture scope recording on this thread, null when none. Only [`Scope::enter`] writes
    /// it, and it puts back what it found before it returns, also by unwinding.
    static CURRENT: Cell<*const Scope> = const { Cell::new(ptr::null()) };
}

/// Who records on this thread now, for what is not a poll: an invocation's fields at its
/// start, a cancellation (the poll paths ask `with_scope` and `global::mode` themselves).
#[derive(Clone, Copy)]
pub(crate) enum Target<'s> {
    /// No one.
    Off,
    /// The capture scope active on this thread.
    Scope(&'s Scope),
    /// The process-wide recorder.
    Global,
}

impl Target<'_> {
    /// Hands a poll's event, built by `event` only if someone records it, to its recorder.
    /// Built in each branch, so that on the capture scope's (whose collector's `record` is
    /// inlined here) the event stays in registers and the transition is written once, in place.
    #[inline(always)]
    pub(crate) fn emit(self, event: impl FnOnce() -> Event) {
        match self {
            Target::Off => {}
            Target::Scope(scope) => scope.with_collector(|c| c.record(&event())),
            Target::Global => global::Recorder.record(&event()),
        }
    }

    /// Whether this target prints start lines (and so shows an invocation's fields).
    pub(crate) fn shows_fields(self) -> bool {
        match self {
            Target::Off => false,
            Target::Scope(scope) => scope.shows_fields,
            Target::Global => global::shows_fields(),
        }
    }

    /// Hands invocation `call`'s fields to the target's sink (see [`Sink::fields`]).
    #[cold]
    pub(crate) fn fields(self, call: u64, fields: Fields) {
        match self {
            Target::Off => {}
            Target::Scope(scope) => scope.with_collector(|c| c.fields(call, fields)),
            Target::Global => global::Recorder.fields(call, fields),
        }
    }
}

/// Runs `f` with who records a poll of `meta` starting now on this thread: the capture scope
/// if one is active here, else the process-wide recorder if it selects `meta`. Callers check
/// [`activity::any`] first (or know that someone records somewhere).
#[inline(always)]
pub(crate) fn with_target<R>(meta: &'static FnMeta, f: impl FnOnce(Target<'_>) -> R) -> R {
    with_scope(|scope| {
        let target = match scope {
            Some(scope) => Target::Scope(scope),
            None => match global::mode(meta) {
                Mode::Off => Target::Off,
                _ => Target::Global,
            },
        };
        f(target)
    })
}

/// Runs `f` with the capture scope recording on this thread, if one is: the poll path's first
/// question, so that a scope's poll goes on with the scope in hand.
#[inline(always)]
pub(crate) fn with_scope<R>(f: impl FnOnce(Option<&Scope>) -> R) -> R {
    let current = CURRENT.with(Cell::get);
    // SAFETY: a non-null `CURRENT` was stored by `Scope::enter(&self, ..)` on this thread, which
    // restores the previous value before it returns or unwinds (its `Restore` guard), so the
    // scope it points to is borrowed by a frame further up this thread's stack for as long as
    // the pointer is set, and that frame cannot return before `f` does. No one can mutate or
    // drop the scope meanwhile (it is borrowed shared; its collector sits in a `RefCell`), and
    // `Scope` is not `Sync`, so no other thread holds it. The reference is only lent to `f`,
    // for any lifetime `f` accepts, so it cannot outlive this call.
    let scope = unsafe { current.as_ref() };
    f(scope)
}

/// Hands `event` of `meta` to whoever records on this thread now, if anyone does.
pub(crate) fn emit_now(meta: &'static FnMeta, event: impl FnOnce() -> Event) {
    if !activity::any() {
        return;
    }
    with_target(meta, |target| {
        target.emit(event);
    });
}

/// A capture scope: a collector, and the means to make it the one that records on this thread
/// for the length of a closure (one poll). The collector stays where it is; the thread only
/// holds its address, so entering costs one thread-local store.
pub(crate) struct Scope {
    collector: RefCell<Collector>,
    /// The collector's mode and whether it has an output, both fixed when it is built: read
    /// here on every poll of the scope without borrowing it.
    mode: Mode,
    prints: bool,
    /// Whether the collector shows invocations' fields (it prints, or keeps them for a
    /// `Runtime`'s output).
    shows_fields: bool,
    _counted: ScopeCount,
}

impl Scope {
    pub(crate) fn new(collector: Collector) -> Self {
        let shows_fields = collector.shows_fields();
        Scope {
            mode: collector.mode(),
            prints: collector.prints(),
            shows_fields,
            collector: RefCell::new(collector),
            _counted: ScopeCount::new(shows_fields),
        }
    }

    /// Runs `f` (one poll) with this scope recording on the current thread. A scope that
    /// records nothing (`Mode::Off`) hides any scope around it, so that polls inside go to the
    /// process-wide recorder.
    #[inline]
    pub(crate) fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        let this: *const Scope = if self.mode == Mode::Off {
            ptr::null()
        } else {
            self
        };
        let _restore = Restore(CURRENT.replace(this));
        f()
    }

    /// Whether a poll of `meta` in this scope is timed.
    #[inline(always)]
    pub(crate) fn times(&self, meta: &'static FnMeta) -> bool {
        self.mode == Mode::Timing && meta.timing()
    }

    /// Invocation `call` of `meta`, awaited by `parent` (0 for none), starts its first poll
    /// in this scope (see [`Sink::begin`]).
    #[inline]
    pub(crate) fn begin(&self, meta: &'static FnMeta, call: u64, parent: u64) {
        // Borrowed here, as in `record_poll`: through `with_collector` the closure stays out
        // of line.
        if let Ok(mut collector) = self.collector.try_borrow_mut() {
            collector.begin(meta, call, parent);
        }
    }

    /// One of the scope's polls ended (see [`Collector::record_poll`]).
    #[inline(always)]
    pub(crate) fn record_poll(
        &self,
        meta: &'static FnMeta,
        call: u32,
        thread: u32,
        moved: (u16, u16),
        times: (Option<u64>, Option<u64>),
    ) {
        // Borrowed here rather than through `with_collector`, whose closure the compiler
        // leaves out of line on this path (27 instructions a poll, BENCHMARKS.md).
        if let Ok(mut collector) = self.collector.try_borrow_mut() {
            collector.record_poll(meta, call, thread, moved, times);
        }
    }

    /// Await points of `meta` pended together in one poll (see [`Sink::pended`]): rare.
    #[cold]
    pub(crate) fn pended(&self, meta: &'static FnMeta, points: Pended) {
        self.with_collector(|c| c.pended(meta, points));
    }

    /// Calls `f` with the collector, during one of the scope's polls. A panic inside the
    /// collector (it only formats and writes) must not turn into a double panic while a traced
    /// frame unwinds, so a busy collector drops the event.
    #[inline(always)]
    fn with_collector(&self, f: impl FnOnce(&mut Collector)) {
        if let Ok(mut collector) = self.collector.try_borrow_mut() {
            f(&mut collector);
        }
    }

    /// The collector, between polls.
    pub(crate) fn collector(&self) -> RefMut<'_, Collector> {
        self.collector.borrow_mut()
    }

    /// Writes what the output buffered during a poll. Never panics, so that it may run while a
    /// poll unwinds: a collector still borrowed (a panic inside it) keeps its lines.
    #[inline]
    pub(crate) fn flush(&self) {
        if self.prints {
            self.write_out();
        }
    }

    /// [`flush`](Self::flush) for a scope that prints: kept out of the poll path.
    #[cold]
    fn write_out(&self) {
        if let Ok(mut collector) = self.collector.try_borrow_mut() {
            collector.flush();
        }
    }

    /// Ends the scope, giving the collector back.
    pub(crate) fn into_collector(self) -> Collector {
        self.collector.into_inner()
    }
}

/// Puts back the scope that was recording on this thread when a scope's poll ends, also by
/// panic.
struct Restore(*const Scope);

impl Drop for Restore {
    #[inline]
    fn drop(&mut self) {
        CURRENT.set(self.0);
    }
}
