//! The thread-local poll context: which traced invocation is being polled on this thread, and
//! which of its await points (or macro calls) the current poll suspended at.
//!
//! A [`Traced`](crate::traced::Traced) poll saves the context, installs its own, polls the body, then
//! restores the saved one, so nested traced futures each see their own. An
//! [`AwaitPoint`](crate::await_point::AwaitPoint) that returns `Pending` writes its index here; the enclosing
//! `Traced` reads it after the body returns. Nested points write first and the outer ones last, so
//! the value left is the await point of the frame being polled.

use std::cell::{Cell, RefCell};
use std::sync::atomic::AtomicU64;

use crate::in_poll::{self, InPoll};
use crate::marks::{Marks, NO_REGION, Pended};
use crate::state::SEVERAL;

pub(crate) struct Ctx {
    /// Invocation id of the innermost traced frame being polled; 0 when none.
    call: Cell<u64>,
    /// What the current poll of that frame has marked so far.
    marks: Cell<Marks>,
    /// Next invocation id to hand out, and the end of this thread's block of ids.
    ids: Cell<(u32, u32)>,
    /// The executor task being polled on this thread (0 outside a traced-async executor).
    task: Cell<u64>,
    /// This thread's number, from 1 in the order threads first recorded; 0 before.
    thread: Cell<u32>,
    /// The process-wide recorder's counter cells this thread counted into last, with their
    /// fn's key (its slot number, slot + 1, with its timed bit; [`NO_KEY`] for none): most
    /// polls hit them, which saves walking the thread's counter table.
    last_cells: Cell<(u32, &'static [AtomicU64])>,
    /// The await points that returned `Pending` in the current poll of the frame whose marks
    /// say several did; empty otherwise.
    pended: Cell<Pended>,
    /// This thread's stack of polls in progress on the lean path (a never-read one until the
    /// thread has a counter table), which knows how deep they are nested and the number of
    /// the last lean poll the thread entered.
    in_poll: Cell<&'static InPoll>,
    /// ns spent so far in timed lean polls nested in the current one: what its self time
    /// excludes.
    child_nanos: Cell<u64>,
    /// The depth of the last slow poll (see `global::slow`) on this thread, `u32::MAX` for
    /// none: a slow poll with a slow one nested deeper leaves the blame to it.
    slow_depth: Cell<u32>,
}

/// The key [`Ctx::last_cells`] holds when it holds no fn's cells: no fn's (keys are slot + 1
/// below `MAX_FNS`, with the timed bit 31), nor 0, the key of a fn without a slot.
pub(crate) const NO_KEY: u32 = u32::MAX;

/// [`Entered::child_nanos`] of a poll that is not timed: no nested time is that long.
const UNTIMED: u64 = u64::MAX;

/// What a lean poll saves when it enters and restores when it leaves.
#[derive(Clone, Copy)]
pub(crate) struct Entered {
    pub(crate) marks: Marks,
    /// The enclosing poll's nested time so far, when this poll is timed (it then replaced it
    /// with 0 for its own nested polls); [`UNTIMED`] when not (it left it alone).
    child_nanos: u64,
}

impl Ctx {
    /// [`enter`] for counting only: invocation ids and parents are not tracked.
    #[inline(always)]
    pub(crate) fn enter_counting(&self, region: u16) -> Marks {
        self.marks.replace(Marks::entering(region))
    }

    /// This thread's stack of polls in progress, which a lean poll pushes itself on.
    #[inline(always)]
    pub(crate) fn in_poll(&self) -> &'static InPoll {
        self.in_poll.get()
    }

    /// Uses `stack` for this thread's polls in progress from now on.
    pub(crate) fn set_in_poll(&self, stack: &'static InPoll) {
        self.in_poll.set(stack);
    }

    /// The lean polls this thread is inside now.
    pub(crate) fn depth(&self) -> u32 {
        self.in_poll.get().depth()
    }

    /// Whether a slow poll at `depth` should be blamed (no slow poll nested deeper in it was);
    /// notes it for the polls around it.
    pub(crate) fn blame_slow(&self, depth: u32) -> bool {
        let nested = self.slow_depth.replace(depth);
        nested == u32::MAX || nested <= depth
    }

    #[inline(always)]
    pub(crate) fn last_cells(&self) -> (u32, &'static [AtomicU64]) {
        self.last_cells.get()
    }

    #[inline(always)]
    pub(crate) fn set_last_cells(&self, number: u32, cells: &'static [AtomicU64]) {
        self.last_cells.set((number, cells));
    }
}

thread_local! {
    static CTX: Ctx = const {
        Ctx {
            call: Cell::new(0),
            marks: Cell::new(Marks::entering(NO_REGION)),
            ids: Cell::new((0, 0)),
            task: Cell::new(0),
            thread: Cell::new(0),
            last_cells: Cell::new((NO_KEY, &[])),
            pended: Cell::new(Pended::EMPTY),
            in_poll: Cell::new(&in_poll::UNREAD),
            child_nanos: Cell::new(0),
            slow_depth: Cell::new(u32::MAX),
        }
    };
    /// Sets of outer frames put aside while an inner frame's poll had several points pending.
    /// Apart from [`CTX`], which holds no type with a destructor, so that its every access
    /// stays a plain thread-local load (no registration check).
    static OUTER_PENDED: RefCell<Vec<Pended>> = const { RefCell::new(Vec::new()) };
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
    marks: Marks,
}

/// Makes `call` the frame being polled on this thread; returns the context to restore.
#[inline(always)]
pub(crate) fn enter(call: u64, region: u16) -> Saved {
    CTX.with(|c| Saved {
        call: c.call.replace(call),
        marks: c.marks.replace(Marks::entering(region)),
    })
}

/// Restores `saved`; returns what the finished poll marked, and this thread's number (see
/// [`thread_number`]) read in the same access.
#[inline(always)]
pub(crate) fn exit(saved: Saved) -> (Marks, u32) {
    CTX.with(|c| {
        c.call.set(saved.call);
        let thread = match c.thread.get() {
            0 => new_thread_number(c),
            number => number,
        };
        (c.marks.replace(saved.marks), thread)
    })
}

impl Entered {
    /// What a lean poll restores when it leaves: the `marks` it replaced and the enclosing
    /// poll's nested time `child_nanos` ([`timed_nested`] for a timed poll, [`untimed_nested`]
    /// else).
    #[inline(always)]
    pub(crate) const fn new(marks: Marks, child_nanos: u64) -> Self {
        Entered { marks, child_nanos }
    }
}

/// For a timed lean poll about to enter: the enclosing poll's nested time so far, replaced with
/// 0 for this poll's own nested polls. Called in the branch that reads the clock, so that an
/// untimed poll tests nothing for it.
#[inline(always)]
pub(crate) fn timed_nested() -> u64 {
    CTX.with(|c| c.child_nanos.replace(0))
}

/// For an untimed lean poll: the nested time is left alone (the timed polls nested in it
/// count towards the timed poll around it).
#[inline(always)]
pub(crate) const fn untimed_nested() -> u64 {
    UNTIMED
}

/// Restores the marks `saved` by [`Ctx::enter_counting`] and returns what the finished poll
/// marked: for a poll that keeps marks only (the tracing bridge's), not a lean poll in
/// progress.
#[cfg(feature = "tracing")]
#[inline(always)]
pub(crate) fn exit_marks(saved: Marks) -> Marks {
    CTX.with(|c| c.marks.replace(saved))
}

/// [`exit`] for counting only: restores the `saved` marks, takes the poll off this thread's
/// polls in progress and returns what it marked.
#[inline(always)]
pub(crate) fn exit_counting(saved: Marks) -> Marks {
    CTX.with(|c| {
        c.in_poll.get().pop();
        c.marks.replace(saved)
    })
}

/// For a timed lean poll that took `nanos`, after [`exit_counting`]: its self time (`nanos`
/// less the time of the timed polls nested in it); `weighed` (`nanos`, or when one poll in N
/// is timed, N times it: what it stands for) counts as nested time of the enclosing poll.
#[inline(always)]
pub(crate) fn exit_timed(saved: Entered, nanos: u64, weighed: u64) -> u64 {
    CTX.with(|c| {
        let nested = c
            .child_nanos
            .replace(saved.child_nanos.wrapping_add(weighed));
        nanos.saturating_sub(nested)
    })
}

/// [`exit_counting`] for a lean poll that unwound: its duration unknown, the enclosing poll's
/// nested time is restored as it was before this poll (without this poll's nested polls, which
/// the enclosing poll's self time then includes).
pub(crate) fn exit_unwound(saved: Entered) -> Marks {
    CTX.with(|c| {
        c.in_poll.get().pop();
        if saved.child_nanos != UNTIMED {
            c.child_nanos.set(saved.child_nanos);
        }
        c.marks.replace(saved.marks)
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
        let marks = c.marks.get();
        let next = marks.suspending_at(index);
        if next.suspended() & SEVERAL != 0 {
            pended_too(c, marks.suspended(), index);
        }
        c.marks.set(next);
    });
}

/// A second (or further) await point of the frame returned `Pending` in one poll: the set of
/// pending points starts (putting an outer frame's live set aside) or grows.
#[cold]
fn pended_too(c: &Ctx, before: u16, index: u16) {
    if before & SEVERAL == 0 {
        let live = c.pended.get();
        // Put back at this set's end only what was put aside (not during teardown).
        let restore = !live.is_empty()
            && OUTER_PENDED
                .try_with(|outer| outer.try_borrow_mut().map(|mut o| o.push(live)).is_ok())
                .unwrap_or(false);
        c.pended.set(Pended::of(before, index, restore));
    } else {
        c.pended.set(c.pended.get().with(index));
    }
}

/// Takes the set of pending await points of the poll that just ended (its marks said several:
/// see [`Marks::end_code`]), putting back the outer frame's set it had put aside.
#[cold]
pub(crate) fn take_pended() -> Pended {
    CTX.with(|c| {
        let mine = c.pended.get();
        let next = if mine.restore {
            OUTER_PENDED
                .try_with(|outer| outer.try_borrow_mut().ok().and_then(|mut o| o.pop()))
                .ok()
                .flatten()
                .unwrap_or(Pended::EMPTY)
        } else {
            Pended::EMPTY
        };
        c.pended.set(next);
        mine
    })
}

/// Drops the set of pending points of a poll that unwound, when its marks say it has one.
#[inline]
pub(crate) fn discard_pended(marks: Marks) {
    if marks.has_several() {
        take_pended();
    }
}

/// Called when the body enters the statement or macro call of await point `index`.
#[inline(always)]
pub(crate) fn enter_region(index: u16) {
    CTX.with(|c| {
        c.marks.set(c.marks.get().entering_region(index));
    });
}

/// An invocation id, never 0, unique among the invocations in flight: ids are 31 bits (the
/// frame's 32-bit `call` keeps its top bit to tag a lean poll's kept end) and wrap after 2^31
/// recorded calls, by which time the invocation that had the id before has long ended
/// (recorders key only invocations in flight by it). Threads take ids in blocks so that
/// starting a call does not contend on one atomic counter.
#[inline]
pub(crate) fn next_call_id() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT_BLOCK: AtomicU32 = AtomicU32::new(0);
    CTX.with(|c| {
        let (mut next, mut end) = c.ids.get();
        if next == end {
            (next, end) = id_block(NEXT_BLOCK.fetch_add(ID_BLOCK, Ordering::Relaxed));
        }
        c.ids.set((next.wrapping_add(1), end));
        next
    })
}

/// Invocation ids a thread takes at a time.
const ID_BLOCK: u32 = 1024;

/// The ids `[next, end)` of the block starting at `raw` (a multiple of [`ID_BLOCK`], counted on
/// 32 bits): its low 31 bits, so that ids never reach the tag bit; block 0, whose first id is
/// 0, is the only one to skip an id.
fn id_block(raw: u32) -> (u32, u32) {
    let start = raw & (u32::MAX >> 1);
    (start.max(1), start + ID_BLOCK)
}

/// This thread's number: from 1, in the order threads first ask.
#[inline]
pub(crate) fn thread_number() -> u32 {
    CTX.with(|c| match c.thread.get() {
        0 => new_thread_number(c),
        number => number,
    })
}

#[cold]
fn new_thread_number(c: &Ctx) -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    let number = NEXT.fetch_add(1, Ordering::Relaxed);
    c.thread.set(number);
    number
}

/// The executor task being polled on this thread, 0 when none.
#[inline]
pub(crate) fn current_task() -> u64 {
    CTX.with(|c| c.task.get())
}

/// Makes `task` the task being polled on this thread; returns the previous one to restore.
pub(crate) fn set_task(task: u64) -> u64 {
    CTX.with(|c| c.task.replace(task))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invocation_ids_stay_below_the_tag_bit_and_never_0() {
        assert_eq!(id_block(0), (1, ID_BLOCK));
        assert_eq!(id_block(5 * ID_BLOCK), (5 * ID_BLOCK, 6 * ID_BLOCK));
        // The last block below 2^31, then the counter's wrap into the tag bit: back to 1.
        let last = (1 << 31) - ID_BLOCK;
        assert_eq!(id_block(last), (last, 1 << 31));
        assert_eq!(id_block(1 << 31), (1, ID_BLOCK));
        assert_eq!(id_block(u32::MAX - (ID_BLOCK - 1)), (last, 1 << 31));
        // Every id of a block is below `end`, and `end - 1` has no tag bit.
        for raw in [0, last, 1 << 31, u32::MAX - (ID_BLOCK - 1)] {
            let (next, end) = id_block(raw);
            assert!(next != 0 && next < end && (end - 1) >> 31 == 0);
        }
    }
}
