//! One recorded transition: the event of one poll (or one drop mid-flight), numbered by the
//! recorder that kept it.

use std::time::Duration;

use crate::meta::{AwaitMeta, FnMeta};
use crate::state::State;

/// `u64::MAX` for a time not measured.
const UNTIMED: u64 = u64::MAX;

/// One step of a traced invocation's state machine, recorded at the end of a poll (or when the
/// future is dropped while suspended). 48 bytes.
#[derive(Debug, Clone, Copy)]
pub struct Transition {
    pub(crate) meta: &'static FnMeta,
    /// Start of the poll in ns on the trace's clock, or [`UNTIMED`].
    start: u64,
    /// Duration of the poll in ns, or [`UNTIMED`].
    nanos: u64,
    // In `Numbered`'s order, so that numbering copies them in one move.
    call: u32,
    parent: u32,
    poll: u32,
    task: u32,
    thread: u32,
    from: u16,
    to: u16,
}

// Kept in memory for every recorded poll: the size is part of the recording cost.
const _: () = assert!(size_of::<Transition>() <= 48);

/// What a recorder knows of an invocation when it numbers one of its transitions (in the
/// order [`Transition`] stores the same fields).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Numbered {
    pub(crate) call: u32,
    pub(crate) parent: u32,
    pub(crate) poll: u32,
    pub(crate) task: u32,
}

impl Transition {
    /// A transition of `meta` from `from` to `to` (encoded states), numbered `at`, that ran on
    /// `thread` and
    /// started at `start` ns on the trace's clock and lasted `nanos` ns when timed.
    #[inline]
    pub(crate) fn new(
        meta: &'static FnMeta,
        (from, to): (u16, u16),
        at: Numbered,
        thread: u32,
        start: Option<u64>,
        nanos: Option<u64>,
    ) -> Self {
        Transition {
            meta,
            start: start.map_or(UNTIMED, |n| n.min(UNTIMED - 1)),
            nanos: nanos.map_or(UNTIMED, |n| n.min(UNTIMED - 1)),
            call: at.call,
            parent: at.parent,
            poll: at.poll,
            thread,
            task: at.task,
            from,
            to,
        }
    }

    /// The traced function.
    pub fn function(&self) -> &'static FnMeta {
        self.meta
    }

    /// The invocation: numbered from 1 in the order invocations started within one trace.
    pub fn call(&self) -> u64 {
        u64::from(self.call)
    }

    /// The invocation that was being polled when this one was first polled (the caller that
    /// awaited it), if it was a traced one; the same on every transition of the invocation.
    pub fn parent(&self) -> Option<u64> {
        (self.parent != 0).then_some(u64::from(self.parent))
    }

    /// Which poll of the invocation this was, from 1, as the recorder saw it (a capture scope
    /// that starts while the invocation is in flight counts from its first poll inside the
    /// scope). A cancellation carries the count of polls made before the drop.
    pub fn poll(&self) -> u32 {
        self.poll
    }

    /// The state before the poll.
    pub fn from(&self) -> State {
        State::decode(self.from)
    }

    /// The state after the poll.
    pub fn to(&self) -> State {
        State::decode(self.to)
    }

    /// How long the poll took, when timing was on.
    pub fn duration(&self) -> Option<Duration> {
        self.nanos().map(Duration::from_nanos)
    }

    /// When the poll started, when timing was on: the time since the trace began on its clock
    /// (real time, or on a deterministic [`Runtime`](crate::Runtime) its virtual clock). A
    /// cancellation is not a poll and has none.
    pub fn start(&self) -> Option<Duration> {
        (self.start != UNTIMED).then(|| Duration::from_nanos(self.start))
    }

    /// The thread the poll ran on, numbered from 1 in the order threads first recorded a poll
    /// in this process (the same number in every trace).
    pub fn thread(&self) -> u32 {
        self.thread
    }

    /// On a [`Runtime`](crate::Runtime), the task the invocation belongs to (the one that first
    /// polled it; the `block_on` future is task 1); `None` on other executors.
    pub fn task(&self) -> Option<u64> {
        (self.task != 0).then_some(u64::from(self.task))
    }

    /// The await point the invocation is suspended at after this transition, if any.
    pub fn await_point(&self) -> Option<&'static AwaitMeta> {
        self.to().await_meta(self.meta)
    }

    /// The await point the invocation was suspended at before this transition, if any.
    pub fn resumed_from(&self) -> Option<&'static AwaitMeta> {
        self.from().await_meta(self.meta)
    }

    /// [`duration`](Self::duration) in nanoseconds.
    pub(crate) fn nanos(&self) -> Option<u64> {
        (self.nanos != UNTIMED).then_some(self.nanos)
    }

    /// The same transition with its duration left out (for output that hides real time).
    pub(crate) fn without_duration(mut self) -> Self {
        self.nanos = UNTIMED;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_and_round_trip() {
        assert_eq!(size_of::<Transition>(), 48);
        static META: FnMeta = FnMeta::new("f", "m", "f.rs", 1, &[], true);
        let at = Numbered {
            call: 3,
            parent: 1,
            poll: 2,
            task: 7,
        };
        let t = Transition::new(
            &META,
            (State::Await(0).encode(), State::Returned.encode()),
            at,
            2,
            Some(5),
            Some(9),
        );
        assert_eq!(
            (t.call(), t.parent(), t.poll(), t.thread()),
            (3, Some(1), 2, 2)
        );
        assert_eq!(
            (t.from(), t.to(), t.task()),
            (State::Await(0), State::Returned, Some(7))
        );
        assert_eq!(t.start(), Some(Duration::from_nanos(5)));
        assert_eq!(t.duration(), Some(Duration::from_nanos(9)));
        let untimed = Transition::new(
            &META,
            (State::Start.encode(), State::Returned.encode()),
            at,
            1,
            None,
            None,
        );
        assert_eq!((untimed.start(), untimed.duration()), (None, None));
    }
}
