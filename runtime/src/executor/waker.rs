//! The waker each task is polled with: it forwards to the executor's own waker and counts who
//! woke the task and whether anyone kept a clone, which is what wake tracking and lost wake-up
//! detection read.

use crate::clock;
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Wake, Waker};

/// Shared by a task's future (which polls with it) and the runtime's task table (which reads
/// it). Every other strong reference is a waker clone somebody kept.
pub(crate) struct Tracker {
    /// The executor's waker for the task; set right after the task is allocated, cleared when
    /// the task ends (it keeps the task's allocation alive, which holds this tracker).
    inner: Mutex<Option<Waker>>,
    /// True only while the task's own poll runs: a wake then is a self-wake.
    polling: AtomicBool,
    /// A wake arrived since the last poll began. Cleared when the next poll begins.
    woken: AtomicBool,
    /// When the first wake since the last poll arrived (a raw timestamp of `crate::clock`).
    woken_at: AtomicU64,
    /// How long the task had been ready when that wake arrived, ns: a timer fired late
    /// (because a poll held the thread past its deadline) was due since its deadline.
    ready_before: AtomicU64,
    /// The task was cancelled: a wake now (a teardown dropping what it waited on) asks for no
    /// poll, so it is not counted.
    closed: AtomicBool,
    /// Who sent that first wake: a [`Source`] code.
    woken_by: AtomicU64,
    self_wakes: AtomicU64,
    other_wakes: AtomicU64,
}

/// Strong references that are not waker clones: the task table's and the task future's.
pub(crate) const OWNERS: usize = 2;

impl Tracker {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Tracker {
            inner: Mutex::new(None),
            polling: AtomicBool::new(false),
            woken: AtomicBool::new(false),
            woken_at: AtomicU64::new(0),
            ready_before: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            woken_by: AtomicU64::new(0),
            self_wakes: AtomicU64::new(0),
            other_wakes: AtomicU64::new(0),
        })
    }

    pub(crate) fn set_inner(&self, waker: Option<Waker>) {
        *self.inner.lock().unwrap_or_else(PoisonError::into_inner) = waker;
    }

    /// A poll begins. Returns the wake-to-poll latency in ns and who sent the wake, or `None`
    /// when the poll had no wake before it (the first poll, or a spurious one).
    pub(crate) fn begin_poll(&self) -> Option<(u64, Source)> {
        // Orderings: `woken` is released after `woken_at` and `woken_by` are written and
        // acquired before they are read; the rest are counts and flags read for statistics only.
        self.polling.store(true, Ordering::Relaxed);
        if self.woken.swap(false, Ordering::Acquire) {
            let at = self.woken_at.load(Ordering::Relaxed);
            let before = self.ready_before.load(Ordering::Relaxed);
            let by = Source(self.woken_by.load(Ordering::Relaxed));
            Some((
                clock::nanos_between(at, clock::now()).saturating_add(before),
                by,
            ))
        } else {
            None
        }
    }

    /// The poll ended.
    pub(crate) fn end_poll(&self) {
        self.polling.store(false, Ordering::Relaxed);
    }

    /// Whether a wake arrived that no poll has consumed yet.
    pub(crate) fn wake_pending(&self) -> bool {
        self.woken.load(Ordering::Acquire)
    }

    /// The task was cancelled: later wakes are not counted (nothing will poll it again).
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
    }

    /// Waker clones alive now, held by anything other than the task itself and the table.
    pub(crate) fn outstanding(self: &Arc<Self>) -> usize {
        Arc::strong_count(self).saturating_sub(OWNERS)
    }

    pub(crate) fn self_wakes(&self) -> u64 {
        self.self_wakes.load(Ordering::Relaxed)
    }

    pub(crate) fn other_wakes(&self) -> u64 {
        self.other_wakes.load(Ordering::Relaxed)
    }
}

impl Wake for Tracker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if self.closed.load(Ordering::Relaxed) {
            // Cancelled: the wake comes from the task's teardown (or after it) and will not
            // be followed by a poll; it is forwarded, which the executor ignores, not counted.
        } else if self.polling.load(Ordering::Relaxed) {
            self.self_wakes.fetch_add(1, Ordering::Relaxed);
        } else {
            self.other_wakes.fetch_add(1, Ordering::Relaxed);
        }
        // The times are stored before the flag is raised, so a poll that sees the flag reads
        // them.
        if !self.woken.load(Ordering::Relaxed) && !self.closed.load(Ordering::Relaxed) {
            self.woken_at.store(clock::now(), Ordering::Relaxed);
            self.ready_before
                .store(READY_BEFORE.with(Cell::get), Ordering::Relaxed);
            self.woken_by.store(SOURCE.get().0, Ordering::Relaxed);
            self.woken.store(true, Ordering::Release);
        }
        let inner = self
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        // Woken outside the lock: the executor's wake may run arbitrary scheduling code.
        if let Some(inner) = inner {
            inner.wake_by_ref();
        }
    }
}

thread_local! {
    /// While the run loop fires a late timer on this thread: how long, in ns, the timer's
    /// deadline had passed. 0 otherwise.
    static READY_BEFORE: Cell<u64> = const { Cell::new(0) };
}

/// Wakes `waker` for a timer whose deadline passed `late` ns ago: the task's wake-to-poll
/// latency counts from the deadline, not from the moment the runtime got round to firing it.
pub(crate) fn wake_late(waker: std::task::Waker, late: u64) {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            READY_BEFORE.with(|r| r.set(0));
        }
    }
    READY_BEFORE.with(|r| r.set(late));
    let _reset = Reset;
    waker.wake();
}

/// Who sends a wake from this thread, for the timeline's wake arrows: the step of the run loop
/// in progress (a task poll or timers firing), or nothing (0) outside the run loop's steps and
/// on other threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Source(u64);

impl Source {
    /// No step of a run on this thread.
    pub(crate) const NONE: Source = Source(0);

    /// Step `step` of the run (its index in the run's log).
    pub(crate) fn step(step: usize) -> Source {
        Source(step as u64 + 1)
    }

    /// The step of the run that sent the wake, if any.
    pub(crate) fn as_step(self) -> Option<usize> {
        usize::try_from(self.0).ok()?.checked_sub(1)
    }
}

thread_local! {
    /// The step of the run loop running on this thread.
    static SOURCE: Cell<Source> = const { Cell::new(Source::NONE) };
}

/// Marks wakes sent from this thread as sent by `source` until the returned guard drops.
pub(crate) fn sending_as(source: Source) -> SendingAs {
    SendingAs(SOURCE.replace(source))
}

/// Restores the previous [`Source`] of this thread's wakes when dropped (also on unwind).
pub(crate) struct SendingAs(Source);

impl Drop for SendingAs {
    fn drop(&mut self) {
        SOURCE.set(self.0);
    }
}
