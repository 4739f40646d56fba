//! A poll of the full path that the process-wide recorder records: with live output on, or
//! while a capture scope is active somewhere, every traced poll takes the full path, which
//! numbers invocations. Such a poll is still one of the thread's polls in progress (so a
//! report never counts it as waiting and the watchdog sees it), and its slow-poll blame is
//! counted, as the lean path's is; its event counts the rest. Both calls are out of line, so
//! that a capture scope's poll pays only the test of its target. Its self time is not kept:
//! that would need the enclosing poll's nested time carried through every full-path poll.

use crate::context;
use crate::global::counters;
use crate::global::slow;
use crate::meta::FnMeta;

/// Puts a poll of `meta` resuming from the encoded state `from`, started at raw reading
/// `started` when timed, on this thread's polls in progress; whether it could (not when the
/// fn has no slot or the thread is tearing down: the poll is then only counted by its event).
#[inline(never)]
pub(crate) fn enter(meta: &'static FnMeta, from: u16, started: Option<u64>) -> bool {
    let Some(number) = counters::number_on_thread(meta) else {
        return false;
    };
    let stack = context::with(|ctx| ctx.in_poll());
    let polls = stack.polls();
    match started {
        Some(started) => stack.push_timed(polls, number, from, started),
        None => stack.push_untimed(polls, number, from),
    }
    true
}

/// Takes the poll [`enter`] put on the polls in progress off them, after it moved `moved`
/// (encoded states) in `nanos` when timed; counts it as a slow poll over the threshold.
#[inline(never)]
pub(crate) fn leave(meta: &'static FnMeta, moved: (u16, u16), nanos: Option<u64>) {
    context::with(|ctx| ctx.in_poll().pop());
    if let Some(nanos) = nanos
        && nanos >= slow::threshold()
    {
        slow::count(meta, moved.0, moved.1, nanos);
    }
}
