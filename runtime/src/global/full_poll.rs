//! A poll of the full path that the process-wide recorder records: with live output on, or
//! while a capture scope is active somewhere, every traced poll takes the full path, which
//! numbers invocations. Such a poll is still one of the thread's polls in progress (so a
//! report never counts it as waiting and the watchdog sees it), and its self time and slow-poll
//! blame are counted, as the lean path's are; its event counts the rest.

use std::sync::atomic::AtomicU64;

use crate::context::{self, Entered};
use crate::global::counters;
use crate::global::slow;
use crate::marks::Marks;
use crate::meta::FnMeta;

/// A full-path poll on this thread's polls in progress, until it leaves.
pub(crate) struct FullPoll {
    cells: &'static [AtomicU64],
    entered: Entered,
}

impl FullPoll {
    /// Puts a poll of `meta` resuming from the encoded state `from`, started at raw reading
    /// `started` when timed, on this thread's polls in progress. `outer` is what the poll's
    /// context restores when it leaves (the marks the full path saved). `None` when the fn has
    /// no slot or the thread is tearing down: the poll is then only counted by its event.
    pub(crate) fn enter(
        meta: &'static FnMeta,
        from: u16,
        started: Option<u64>,
        outer: Marks,
    ) -> Option<Self> {
        let (number, cells) = counters::thread_cells_of(meta)?;
        let stack = context::with(|ctx| ctx.in_poll());
        let polls = stack.polls();
        let nested = match started {
            Some(started) => {
                stack.push_timed(polls, number, from, started);
                context::timed_nested()
            }
            None => {
                stack.push_untimed(polls, number, from);
                context::untimed_nested()
            }
        };
        Some(FullPoll {
            cells,
            entered: Entered::new(outer, nested),
        })
    }

    /// Takes the poll, which moved from `from` to `to` (encoded) and took `nanos` when timed,
    /// off the polls in progress; counts its self time and, over the threshold, its slow poll.
    /// Called after the full path restored the poll's context.
    pub(crate) fn leave(self, meta: &'static FnMeta, moved: (u16, u16), nanos: Option<u64>) {
        context::exit_counting(self.entered);
        if let Some(nanos) = nanos {
            // Every full-path poll is timed when its fn is (no sampling): it weighs what it took.
            let own = context::exit_timed(self.entered, nanos, nanos);
            counters::count_self(self.cells, own);
            if nanos >= slow::threshold() {
                slow::count(meta, moved.0, moved.1, nanos);
            }
        }
    }
}
