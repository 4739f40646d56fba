//! Polls in progress: per thread, the traced polls the thread is inside right now, outermost
//! first, as the process-wide recorder's lean path enters and leaves them. The owner thread
//! writes its stack with plain stores; a report or the watchdog reads any thread's stack from
//! another thread, each entry checked seqlock-style so that a fn, the place it resumed from
//! and the time it started always come from the same poll.

use std::sync::atomic::{AtomicU64, Ordering, fence};

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

/// One thread's stack of polls in progress (256 bytes).
pub(crate) struct InPoll {
    entries: [Entry; DEPTH],
}

/// A stack that is never read: where a thread writes before it has one of its own.
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
            entries: [const {
                Entry {
                    what: AtomicU64::new(0),
                    since: AtomicU64::new(0),
                }
            }; DEPTH],
        }
    }

    /// Marks the poll at `depth` as started (only the owner thread calls this). `since` is 0
    /// when the poll is not timed.
    #[inline(always)]
    pub(crate) fn push(&self, depth: u32, number: u32, from: u16, seq: u32, since: u64) {
        if let Some(entry) = self.entries.get(depth as usize) {
            // The entry was freed (`what` 0) before `since` changes: a reader that sees the
            // same `what` before and after reading `since` read this poll's start.
            fence(Ordering::Release);
            entry.since.store(since, Ordering::Relaxed);
            let what = u64::from(number) << 48 | u64::from(from) << 32 | u64::from(seq);
            entry.what.store(what, Ordering::Release);
        }
    }

    /// Marks the poll at `depth` as ended (only the owner thread calls this).
    #[inline(always)]
    pub(crate) fn pop(&self, depth: u32) {
        if let Some(entry) = self.entries.get(depth as usize) {
            entry.what.store(0, Ordering::Relaxed);
        }
    }

    /// Frees every entry (a thread's stack handed to the next thread).
    pub(crate) fn clear(&self) {
        for entry in &self.entries {
            entry.what.store(0, Ordering::Relaxed);
        }
    }

    /// The polls in progress now, outermost first; an entry that changed while being read is
    /// left out (its poll ended meanwhile).
    pub(crate) fn read(&self) -> Vec<Seen> {
        let mut seen = Vec::new();
        for (depth, entry) in self.entries.iter().enumerate() {
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
        stack.push(0, 3, 7, 41, 1000);
        stack.push(1, 5, 0, 42, 0);
        let seen = stack.read();
        assert_eq!(seen.len(), 2);
        assert_eq!(
            (seen[0].number, seen[0].from, seen[0].seq, seen[0].since),
            (3, 7, 41, Some(1000))
        );
        assert_eq!((seen[1].number, seen[1].depth, seen[1].since), (5, 1, None));
        stack.pop(1);
        assert_eq!(stack.read().len(), 1);
        stack.pop(0);
        assert!(stack.read().is_empty());
        // Deeper than tracked: nothing written, nothing read, no panic.
        stack.push(DEPTH as u32, 1, 1, 1, 1);
        stack.pop(DEPTH as u32);
        assert!(stack.read().is_empty());
    }
}
