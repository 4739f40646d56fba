//! The raw event: what one poll (or one drop mid-flight) of a traced invocation knows. The poll
//! path builds it with [`Event::new`]; a recorder turns it into a numbered
//! [`Transition`](crate::Transition).

use crate::meta::FnMeta;

/// One poll's event, before any recorder numbered it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Event {
    pub(crate) meta: &'static FnMeta,
    /// The invocation's process-wide id (see [`next_call_id`](crate::context::next_call_id)).
    pub(crate) call: u32,
    /// The thread the poll ran on, numbered from 1
    /// (see [`thread_number`](crate::context::thread_number)).
    pub(crate) thread: u32,
    /// The state before the poll, encoded (see [`State::encode`](crate::State)).
    pub(crate) from: u16,
    /// The state after the poll, encoded.
    pub(crate) to: u16,
    /// The clock's raw reading when the poll started, when the poll was timed.
    pub(crate) started: Option<u64>,
    /// How long the poll took, in nanoseconds, when it was timed.
    pub(crate) nanos: Option<u64>,
}

impl Event {
    /// The event of a poll of invocation `call` of `meta` on `thread` (this thread's
    /// [`thread_number`](crate::context::thread_number)) from `from` to `to` (encoded states: the
    /// frame keeps them so, and the recorders store them so), started at raw
    /// clock reading `started` and lasting `nanos` when timed. A cancellation (a drop
    /// mid-flight) is not a poll: it has neither.
    #[inline]
    pub(crate) fn new(
        meta: &'static FnMeta,
        call: u32,
        thread: u32,
        (from, to): (u16, u16),
        started: Option<u64>,
        nanos: Option<u64>,
    ) -> Self {
        Event {
            meta,
            call,
            thread,
            from,
            to,
            started,
            nanos,
        }
    }
}
