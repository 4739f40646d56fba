//! Polls in progress: per thread, the traced polls the thread is inside right now, outermost
//! first, as the process-wide recorder's lean path enters and leaves them. The owner thread
//! writes its stack with plain stores; a report or the watchdog reads any thread's stack from
//! another thread, each entry checked seqlock-style so that a fn, the place it resumed from
//! and the time it started always come from the same poll. The stack keeps its own depth, so
//! leaving a poll is one store: the entries above it are left as they are, and a new poll
//! frees its entry before writing it.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering, fence};

/// The most nested traced polls tracked per thread; deeper ones are counted (so that leaving
/// them pops the right entry) but not listed.
pub(crate) const DEPTH: usize = 16;

/// One poll in progress: what it is (fn, where it resumed from, which poll) and when it
/// started. `what` is 0 while the entry is free.
struct Entry {
    /// The fn's slot number (slot + 1) in bits 48..64, the encoded state the poll resumed
    /// from in bits 32..48, this thread's poll sequence number in bits 0..32.
    what: AtomicU64,
    /// The clock's raw reading when the poll started; 0 when not timed.
    since: AtomicU64,
}

/// One thread's stack of polls in progress (264 bytes).
pub(crate) struct InPoll {
    /// How many polls the owner thread is inside now, deeper ones than [`DEPTH`] included:
    /// the entries below it (at most [`DEPTH`]) are its polls.
    depth: AtomicU32,
    entries: [Entry; DEPTH],
}

/// A stack that is never read: where a thread writes before it has one of its own, or after
/// it gave its own back (its polls ending while the thread exits). Threads share it, so its
/// depth means nothing.
pub(crate) static UNREAD: InPoll = InPoll::new();

/// One entry as read by another thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Seen {
    /// The fn's slot number (slot + 1) in the recorder's tables.
    pub(crate) number: u32,
    /// The encoded state the poll resumed from: the start of the segment it runs.
    pub(crate) from: u16,
    /// This thread's poll sequence number: tells one poll from the next of the same fn.
    pub(crate) seq: u32,
    /// Raw clock reading at the poll's start, when timed.
    pub(crate) since: Option<u64>,
    /// Nesting depth on the thread, 0 for the outermost traced poll.
    pub(crate) depth: usize,
}

impl InPoll {
    pub(crate) const fn new() -> Self {
        InPoll {
            depth: AtomicU32::new(0),
            entries: [const {
                Entry {
                    what: AtomicU64::new(0),
                    since: AtomicU64::new(0),
                }
            }; DEPTH],
        }
    }

    /// Marks a poll as started, one deeper than the polls in progress (only the owner thread
    /// calls this). `since` is 0 when the poll is not timed.
    #[inline(always)]
    pub(crate) fn push(&self, number: u32, from: u16, seq: u32, since: u64) {
        let depth = self.depth.load(Ordering::Relaxed);
        if let Some(entry) = self.entries.get(depth as usize) {
            // The entry is freed (`what` 0) before `since` changes: a reader that sees the
            // same `what` before and after reading `since` read this poll's start.
            entry.what.store(0, Ordering::Relaxed);
            fence(Ordering::Release);
            entry.since.store(since, Ordering::Relaxed);
            let what = u64::from(number) << 48 | u64::from(from) << 32 | u64::from(seq);
            entry.what.store(what, Ordering::Release);
        }
        // After the entry: a reader that sees this depth sees the entry written.
        self.depth.store(depth.wrapping_add(1), Ordering::Release);
    }

    /// Marks the innermost poll as ended (only the owner thread calls this).
    #[inline(always)]
    pub(crate) fn pop(&self) {
        let depth = self.depth.load(Ordering::Relaxed);
        self.depth.store(depth.wrapping_sub(1), Ordering::Relaxed);
    }

    /// How many polls the owner thread is inside now.
    pub(crate) fn depth(&self) -> u32 {
        self.depth.load(Ordering::Relaxed)
    }

    /// Frees every entry (a thread's stack handed to the next thread).
    pub(crate) fn clear(&self) {
        self.depth.store(0, Ordering::Relaxed);
        for entry in &self.entries {
            entry.what.store(0, Ordering::Relaxed);
        }
    }

    /// The polls in progress now, outermost first; an entry that changed while being read is
    /// left out (its poll ended meanwhile).
    pub(crate) fn read(&self) -> Vec<Seen> {
        let mut seen = Vec::new();
        let depth = self.depth.load(Ordering::Acquire) as usize;
        let entries = self.entries.get(..depth).unwrap_or(&self.entries);
        for (depth, entry) in entries.iter().enumerate() {
            let what = entry.what.load(Ordering::Acquire);
            if what == 0 {
                break;
            }
            let since = entry.since.load(Ordering::Relaxed);
            fence(Ordering::Acquire);
            if entry.what.load(Ordering::Relaxed) != what {
                break;
            }
            seen.push(Seen {
                number: (what >> 48) as u32,
                from: (what >> 32) as u16,
                seq: what as u32,
                since: (since != 0).then_some(since),
                depth,
            });
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_push_and_pop_in_nesting_order() {
        let stack = InPoll::new();
        stack.push(3, 7, 41, 1000);
        stack.push(5, 0, 42, 0);
        let seen = stack.read();
        assert_eq!(seen.len(), 2);
        assert_eq!(
            (seen[0].number, seen[0].from, seen[0].seq, seen[0].since),
            (3, 7, 41, Some(1000))
        );
        assert_eq!((seen[1].number, seen[1].depth, seen[1].since), (5, 1, None));
        stack.pop();
        assert_eq!(stack.read().len(), 1);
        // The next poll takes the entry the last one left.
        stack.push(6, 2, 43, 0);
        let seen = stack.read();
        assert_eq!((seen.len(), seen[1].number, seen[1].seq), (2, 6, 43));
        stack.pop();
        stack.pop();
        assert!(stack.read().is_empty());
        assert_eq!(stack.depth(), 0);
        // Deeper than tracked: counted, not written, not read, no panic.
        for n in 0..=DEPTH as u32 {
            stack.push(1, 1, n + 100, 1);
        }
        assert_eq!(stack.read().len(), DEPTH);
        assert_eq!(stack.depth(), DEPTH as u32 + 1);
        for _ in 0..=DEPTH {
            stack.pop();
        }
        assert!(stack.read().is_empty());
        stack.push(2, 2, 2, 2);
        stack.clear();
        assert!(stack.read().is_empty());
    }
}
