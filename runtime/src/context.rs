//! The thread-local poll context: which traced invocation is being polled on this thread, and
//! which of its await points (or macro calls) the current poll suspended at.
//!
//! A [`Traced`](crate::Traced) poll saves the context, installs its own, polls the body, then
//! restores the saved one, so nested traced futures each see their own. An
//! [`AwaitPoint`](crate::AwaitPoint) that returns `Pending` writes its index here; the enclosing
//! `Traced` reads it after the body returns. Nested points write first and the outer ones last, so
//! the value left is the await point of the frame being polled.

use std::cell::Cell;
use std::sync::atomic::AtomicU64;

use crate::record::Mode;
use crate::state::SEVERAL;

/// No await point suspended during this poll.
pub(crate) const NONE: u16 = u16::MAX;

pub(crate) struct Ctx {
    /// Invocation id of the innermost traced frame being polled; 0 when none.
    call: Cell<u64>,
    /// Await point that returned `Pending` in the current poll of that frame.
    suspended: Cell<u16>,
    /// The await point whose statement or macro call the frame entered last (persisted in the
    /// frame between polls).
    region: Cell<u16>,
    /// Recording mode of the capture scope active on this thread.
    mode: Cell<Mode>,
    /// Next invocation id to hand out, and the end of this thread's block of ids.
    ids: Cell<(u64, u64)>,
    /// The executor task being polled on this thread (0 outside a traced-async executor).
    task: Cell<u64>,
    /// The process-wide recorder's counter cells this thread counted into last, by slot: most
    /// polls hit it, which saves walking the thread's counter table.
    last_cells: Cell<(usize, Option<&'static [AtomicU64]>)>,
}

impl Ctx {
    #[inline(always)]
    pub(crate) fn mode(&self) -> Mode {
        self.mode.get()
    }

    /// [`enter`] for counting only: invocation ids and parents are not tracked.
    #[inline(always)]
    pub(crate) fn enter_counting(&self, region: u16) -> (u16, u16) {
        (self.suspended.replace(NONE), self.region.replace(region))
    }

    /// [`exit`] for counting only; returns the await point and region the poll left.
    #[inline(always)]
    pub(crate) fn exit_counting(&self, saved: (u16, u16)) -> (u16, u16) {
        (
            self.suspended.replace(saved.0),
            self.region.replace(saved.1),
        )
    }

    #[inline(always)]
    pub(crate) fn last_cells(&self) -> (usize, Option<&'static [AtomicU64]>) {
        self.last_cells.get()
    }

    #[inline(always)]
    pub(crate) fn set_last_cells(&self, slot: usize, cells: Option<&'static [AtomicU64]>) {
        self.last_cells.set((slot, cells));
    }
}

thread_local! {
    static CTX: Ctx = const {
        Ctx {
            call: Cell::new(0),
            suspended: Cell::new(NONE),
            region: Cell::new(NONE),
            mode: Cell::new(Mode::Off),
            ids: Cell::new((0, 0)),
            task: Cell::new(0),
            last_cells: Cell::new((0, None)),
        }
    };
}

/// Runs `f` with this thread's context: one thread-local access for a whole poll. The
/// reference may be held across the body's poll, since every field is a `Cell`.
#[inline(always)]
pub(crate) fn with<R>(f: impl FnOnce(&Ctx) -> R) -> R {
    CTX.with(f)
}

/// What a frame saves before its poll and restores after it.
#[derive(Clone, Copy)]
pub(crate) struct Saved {
    call: u64,
    suspended: u16,
    region: u16,
}

/// Makes `call` the frame being polled on this thread; returns the context to restore.
#[inline(always)]
pub(crate) fn enter(call: u64, region: u16) -> Saved {
    CTX.with(|c| Saved {
        call: c.call.replace(call),
        suspended: c.suspended.replace(NONE),
        region: c.region.replace(region),
    })
}

/// Restores `saved`; returns the await point and macro region the finished poll left.
#[inline(always)]
pub(crate) fn exit(saved: Saved) -> (u16, u16) {
    CTX.with(|c| {
        c.call.set(saved.call);
        (
            c.suspended.replace(saved.suspended),
            c.region.replace(saved.region),
        )
    })
}

/// The invocation being polled on this thread, 0 when none: the parent of a new invocation.
#[inline(always)]
pub(crate) fn current_call() -> u64 {
    CTX.with(|c| c.call.get())
}

/// Called by an await point whose future returned `Pending`.
#[inline(always)]
pub(crate) fn suspended_at(index: u16) {
    CTX.with(|c| {
        // A second await point pending in the same poll (another branch of a `join!` or
        // `select!`) marks the code, so the frame can blame the whole call.
        let before = c.suspended.get();
        let several = if before == NONE || before == index {
            0
        } else {
            SEVERAL
        };
        c.suspended.set(index | several);
    });
}

/// Called when the body enters the statement or macro call of await point `index`.
#[inline(always)]
pub(crate) fn enter_region(index: u16) {
    CTX.with(|c| c.region.set(index));
}

pub(crate) fn set_mode(mode: Mode) -> Mode {
    CTX.with(|c| c.mode.replace(mode))
}

/// A process-unique invocation id. Threads take ids in blocks so that starting a call does not
/// contend on one atomic counter.
#[inline]
pub(crate) fn next_call_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    const BLOCK: u64 = 1024;
    static NEXT_BLOCK: AtomicU64 = AtomicU64::new(1);
    CTX.with(|c| {
        let (mut next, mut end) = c.ids.get();
        if next == end {
            next = NEXT_BLOCK.fetch_add(BLOCK, Ordering::Relaxed);
            end = next + BLOCK;
        }
        c.ids.set((next + 1, end));
        next
    })
}

/// The executor task being polled on this thread, 0 when none.
pub(crate) fn current_task() -> u64 {
    CTX.with(|c| c.task.get())
}

/// Makes `task` the task being polled on this thread; returns the previous one to restore.
pub(crate) fn set_task(task: u64) -> u64 {
    CTX.with(|c| c.task.replace(task))
}
