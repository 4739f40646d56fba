//! Polls in progress as a report and the watchdog read them: per thread, the traced polls it is
//! inside now (from the lean path's per-thread stacks, `in_poll.rs`), since when, and the
//! segment of code each runs, the one it resumed from. Without timing a poll's start is not
//! known: a poll is dated from when a report or the watchdog first saw it, and says so.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Mutex;

use crate::clock;
use crate::global::counters;
use crate::meta::FnMeta;
use crate::output::place::segment_end;
use crate::output::units::human_nanos;
use crate::output::width;
use crate::state::State;
use crate::stats::FnStats;

/// A traced poll in progress on some thread, as [`Report::in_poll`](crate::Report::in_poll)
/// lists them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PollInProgress {
    /// The thread's number (the `thread` of transitions), from 1.
    pub thread: u32,
    /// The thread's name, if it has one.
    pub thread_name: Option<String>,
    /// The fn, as the summary names it.
    pub function: String,
    /// How deep the poll is nested in other traced polls on the thread, 0 for the outermost.
    pub depth: usize,
    /// Where the poll resumed: `await#0 (line 8)`, or `the start (line 5)` for a first poll.
    pub resumed_from: String,
    /// How long the poll has run, in ns, when polls are timed.
    pub for_nanos: Option<u64>,
    /// Without timing: how long ago a report or the watchdog first saw this poll, in ns (0 the
    /// first time it is seen).
    pub seen_for_nanos: Option<u64>,
    /// The fn's metadata and the encoded state it resumed from, for the waiting counts.
    #[serde(skip)]
    pub(crate) place: Option<(&'static FnMeta, u16)>,
    /// Which poll this is, to tell it from the next poll of the same fn at the same depth.
    #[serde(skip)]
    pub(crate) seq: u32,
}

/// A poll in progress: its thread, depth and poll number.
type Key = (u32, usize, u32);

/// When each poll in progress was first seen (raw clock).
static FIRST_SEEN: Mutex<Option<HashMap<Key, u64>>> = Mutex::new(None);

/// The polls in progress now on every thread, innermost first per thread.
pub(crate) fn read() -> Vec<PollInProgress> {
    let threads = counters::in_progress();
    let now = clock::now();
    let mut first_seen = FIRST_SEEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let first_seen = first_seen.get_or_insert_with(HashMap::new);
    let mut seen_now = HashMap::new();
    let mut polls = Vec::new();
    for thread in threads {
        for (meta, seen) in thread.polls.into_iter().rev() {
            let key = (thread.thread, seen.depth, seen.seq);
            let first = *first_seen.get(&key).unwrap_or(&now);
            seen_now.insert(key, first);
            polls.push(PollInProgress {
                thread: thread.thread,
                thread_name: thread.name.clone(),
                function: meta.display_name().into_owned(),
                depth: seen.depth,
                resumed_from: segment_end(meta, State::decode(seen.from)),
                for_nanos: seen.since.map(|since| clock::nanos_between(since, now)),
                seen_for_nanos: seen
                    .since
                    .is_none()
                    .then(|| clock::nanos_between(first, now)),
                place: Some((meta, seen.from)),
                seq: seen.seq,
            });
        }
    }
    *first_seen = seen_now;
    polls
}

/// Counts the invocations being polled as not waiting where they last suspended: their
/// counters still say so until the poll ends.
pub(crate) fn not_waiting(functions: &mut [FnStats], polls: &[PollInProgress]) {
    for (meta, from) in polls.iter().filter_map(|p| p.place) {
        let Some(f) = functions.iter_mut().find(|f| std::ptr::eq(f.meta, meta)) else {
            continue;
        };
        match State::decode(from) {
            State::Await(i) => {
                if let Some(a) = f.awaits.get_mut(usize::from(i)) {
                    a.waiting = a.waiting.saturating_sub(1);
                }
            }
            State::Hidden => f.hidden_waiting = f.hidden_waiting.saturating_sub(1),
            _ => {}
        }
    }
}

/// How many of `polls` are of `meta` and past its first poll (so counted in flight).
pub(crate) fn resumed_polls(polls: &[PollInProgress], meta: &FnMeta) -> u64 {
    let resumed =
        |&(m, from): &(&'static FnMeta, u16)| std::ptr::eq(m, meta) && !State::is_start_code(from);
    polls
        .iter()
        .filter(|p| p.place.as_ref().is_some_and(resumed))
        .count() as u64
}

impl PollInProgress {
    /// `thread 2 (tokio-runtime-worker)`.
    pub(crate) fn thread_text(&self) -> String {
        match &self.thread_name {
            Some(name) => format!("thread {} ({name})", self.thread),
            None => format!("thread {}", self.thread),
        }
    }

    /// `in a poll for 480.00ms, after await#0 (line 8)`.
    pub(crate) fn how_long(&self) -> String {
        let after = if self.resumed_from.starts_with("the start") {
            format!("in its first poll, from {}", self.resumed_from)
        } else {
            format!("after {}", self.resumed_from)
        };
        match (self.for_nanos, self.seen_for_nanos) {
            (Some(nanos), _) => format!("in a poll for {}, {after}", human_nanos(nanos)),
            (None, Some(0) | None) => {
                format!("in a poll (not timed: first seen now), {after}")
            }
            (None, Some(nanos)) => format!(
                "in a poll (not timed) first seen {} ago, {after}",
                human_nanos(nanos)
            ),
        }
    }
}

/// The section of the report: per thread, its innermost poll first, then those around it.
pub(crate) fn write(out: &mut String, polls: &[PollInProgress], columns: usize) {
    if polls.is_empty() {
        return;
    }
    let _ = writeln!(out, "── in a poll now (being polled, not waiting) ──");
    let mut last_thread = None;
    for poll in polls {
        let line = if last_thread == Some(poll.thread) {
            format!("  inside {}, {}", poll.function, poll.how_long())
        } else {
            format!(
                "{}: {}, {}",
                poll.thread_text(),
                poll.function,
                poll.how_long()
            )
        };
        last_thread = Some(poll.thread);
        let _ = writeln!(out, "{}", width::wrap(&line, columns));
    }
}
