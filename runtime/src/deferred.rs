//! What a capture scope's collector keeps when nothing reads its transitions before the trace
//! is built (no live output, no depths, the real clock: `Captured`, `capture`): each poll's raw
//! event as the poll path knows it, and each invocation's begin, in the order they came. The
//! numbering (invocation numbers, parents, poll counts, tasks) and the clock's conversion to ns
//! run once, when the trace is built, through the same [`Invocations`] that number a live
//! collector's transitions as they come, so both give the same trace.

use crate::clock::{self, Scale};
use crate::invocations::Invocations;
use crate::meta::FnMeta;
use crate::transition::Transition;

/// `u64::MAX` for a clock reading not taken.
const UNTIMED: u64 = u64::MAX;

/// One poll (or one drop mid-flight) as the poll path knows it: not numbered yet.
#[derive(Debug, Clone, Copy)]
struct Moved {
    meta: &'static FnMeta,
    /// The clock's raw reading at the poll's start, or [`UNTIMED`].
    started: u64,
    /// The raw ticks the poll lasted, or [`UNTIMED`].
    ticks: u64,
    /// The executor task polling on the thread then: an invocation the collector has not seen
    /// begin (recording started while it was in flight) belongs to it.
    task: u64,
    /// The invocation's process-wide id.
    call: u32,
    thread: u32,
    /// Encoded states.
    from: u16,
    to: u16,
}

// The size of the transition each becomes, so that the trace's `Vec` is built in this one's
// allocation (`collect` reuses it when sizes and alignments match): no second buffer, no new
// pages touched.
const _: () = assert!(size_of::<Moved>() == size_of::<Transition>());
const _: () = assert!(align_of::<Moved>() == align_of::<Transition>());

/// An invocation's first recorded poll began.
#[derive(Debug, Clone, Copy)]
struct Begin {
    meta: &'static FnMeta,
    /// Process-wide ids of the invocation and of the one polling it (0 for none).
    call: u64,
    parent: u64,
    /// The executor task polling on the thread then.
    task: u64,
    /// How many moves came before it.
    at: usize,
}

/// The raw moves and begins of one trace, in order, numbered by [`number`](Self::number).
#[derive(Debug, Default)]
pub(crate) struct Deferred {
    moves: Vec<Moved>,
    begins: Vec<Begin>,
}

impl Deferred {
    /// Invocation `call` of `meta` begins its first poll, awaited by `parent` (0 for none), in
    /// executor task `task` (0 for none).
    #[inline]
    pub(crate) fn begin(&mut self, meta: &'static FnMeta, call: u64, parent: u64, task: u64) {
        let at = self.moves.len();
        self.begins.push(Begin {
            meta,
            call,
            parent,
            task,
            at,
        });
    }

    /// Invocation `call` of `meta` moved from and to encoded states on `thread` in task
    /// `task`; `started` and `ended` are the clock's raw readings when the poll was timed.
    #[inline]
    pub(crate) fn moved(
        &mut self,
        meta: &'static FnMeta,
        (call, thread, task): (u32, u32, u64),
        (from, to): (u16, u16),
        (started, ended): (Option<u64>, Option<u64>),
    ) {
        let (started, ticks) = match (started, ended) {
            (Some(s), Some(e)) => (s, clock::ticks(s, e)),
            _ => (UNTIMED, UNTIMED),
        };
        self.moves.push(Moved {
            meta,
            started,
            ticks,
            task,
            call,
            thread,
            from,
            to,
        });
    }

    /// The transitions, numbered by `invocations` as a live collector numbers them (each
    /// begin replayed before the moves that came after it), their starts in ns since the raw
    /// reading `origin` and durations in ns, converted with `scale`.
    pub(crate) fn number(
        self,
        invocations: &mut Invocations,
        origin: u64,
        scale: Scale,
    ) -> Vec<Transition> {
        let Deferred { moves, begins } = self;
        let mut next = 0;
        moves
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                while let Some(b) = begins.get(next).filter(|b| b.at <= i) {
                    invocations.begin(b.meta, b.call, b.parent, || b.task);
                    next += 1;
                }
                let (at, _) = invocations.number(m.meta, u64::from(m.call), m.to, || m.task);
                let start = (m.started != UNTIMED).then(|| scale.between(origin, m.started));
                let nanos = (m.ticks != UNTIMED).then(|| scale.between(0, m.ticks));
                Transition::new(m.meta, (m.from, m.to), at, m.thread, start, nanos)
            })
            .collect()
    }
}
