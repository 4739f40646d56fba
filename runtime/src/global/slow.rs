//! Slow polls on the process-wide recorder: a timed poll that held its thread at least the
//! threshold (5 ms unless `slow=2ms` says otherwise) is counted against the segment of code it
//! ran, from the place it resumed to the place it stopped, with the worst duration, and worded
//! as `Runtime`'s blocking-poll report words it. A slow poll with a slow poll nested in it
//! leaves the blame to the nested one (its own duration includes it). Slow polls are rare, so
//! they are counted under a lock, off the common path.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::context;
use crate::meta::FnMeta;
use crate::output::place::segment_end;
use crate::output::stream::Stream;
use crate::output::units::human_nanos;
use crate::state::State;

/// The default threshold: 5 ms, as `Runtime`'s blocking-poll check.
pub(crate) const DEFAULT: u64 = 5_000_000;

static THRESHOLD: AtomicU64 = AtomicU64::new(DEFAULT);
/// Whether each segment's first slow poll prints a warning line (set by `slow=`).
static WARN: AtomicBool = AtomicBool::new(false);

/// The threshold in ns.
#[inline(always)]
pub(crate) fn threshold() -> u64 {
    THRESHOLD.load(Ordering::Relaxed)
}

/// Sets the threshold, and whether the first slow poll of each segment prints a warning.
pub(crate) fn configure(nanos: u64, warn: bool) {
    THRESHOLD.store(nanos.max(1), Ordering::Relaxed);
    WARN.store(warn, Ordering::Relaxed);
}

/// One segment's slow polls.
struct Segment {
    meta: &'static FnMeta,
    from: u16,
    to: u16,
    count: u64,
    worst: u64,
}

static SEGMENTS: Mutex<Vec<Segment>> = Mutex::new(Vec::new());

/// Counts a poll of `meta` from `from` to `to` (encoded states) that took `nanos`, at least
/// the threshold; called right after the poll left this thread's polls in progress.
#[cold]
#[inline(never)]
pub(crate) fn count(meta: &'static FnMeta, from: u16, to: u16, nanos: u64) {
    if !context::with(|c| c.blame_slow(c.depth())) {
        return;
    }
    let first = {
        let mut segments = SEGMENTS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match segments
            .iter_mut()
            .find(|s| std::ptr::eq(s.meta, meta) && s.from == from && s.to == to)
        {
            Some(segment) => {
                segment.count += 1;
                segment.worst = segment.worst.max(nanos);
                false
            }
            None => {
                segments.push(Segment {
                    meta,
                    from,
                    to,
                    count: 1,
                    worst: nanos,
                });
                true
            }
        }
    };
    if first && WARN.load(Ordering::Relaxed) {
        let poll = SlowPolls {
            function: meta.display_name().into_owned(),
            from: segment_end(meta, State::decode(from)),
            to: segment_end(meta, State::decode(to)),
            count: 1,
            worst_nanos: nanos,
        };
        Stream::new().write_wrapped(&format!(
            "⚠ slow poll (the first in this segment; the summary counts them all): {}\n",
            poll.sentence(threshold())
        ));
    }
}

/// The slow polls of one segment of code, as a report lists them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SlowPolls {
    /// The fn, as the summary names it.
    pub function: String,
    /// Where the segment starts: `await#1 (line 12)`, `the start (line 9)`.
    pub from: String,
    /// Where it ends: `await#2 (line 15)`, `the return`.
    pub to: String,
    /// Polls of that segment that took at least the threshold.
    pub count: u64,
    /// The longest of them, in ns.
    pub worst_nanos: u64,
}

impl SlowPolls {
    /// `wants_lock, from await#0 (line 8) to the return: 2 polls held the thread 5.00ms or
    /// more (worst 500.00ms) without reaching an await that suspends`.
    pub(crate) fn sentence(&self, threshold: u64) -> String {
        let (n, s) = (self.count, if self.count == 1 { "" } else { "s" });
        format!(
            "{}, from {} to {}: {n} poll{s} held the thread {} or more (worst {}) without \
             reaching an await that suspends",
            self.function,
            self.from,
            self.to,
            human_nanos(threshold),
            human_nanos(self.worst_nanos),
        )
    }
}

/// Every segment's slow polls so far, the worst first.
pub(crate) fn report() -> Vec<SlowPolls> {
    let segments = SEGMENTS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut slow: Vec<SlowPolls> = segments
        .iter()
        .map(|s| SlowPolls {
            function: s.meta.display_name().into_owned(),
            from: segment_end(s.meta, State::decode(s.from)),
            to: segment_end(s.meta, State::decode(s.to)),
            count: s.count,
            worst_nanos: s.worst,
        })
        .collect();
    slow.sort_by_key(|s| std::cmp::Reverse(s.worst_nanos));
    slow
}
