//! Polls in progress: per thread, the traced polls the thread is inside right now, outermost
//! first, as the process-wide recorder's lean path enters and leaves them. The owner thread
//! writes its stack with plain stores; a report or the watchdog reads any thread's stack from
//! another thread, each entry checked seqlock-style so that a fn, the place it resumed from
//! and the time it started always come from the same poll. The stack keeps its own depth, and
//! beside it in the same word the number of the last poll entered, so that entering a poll
//! updates both with one store and leaving it is one store: the entries above it are left as
//! they are. An untimed poll writes its entry with one store; a timed one frees it first.

use std::sync::atomic::{AtomicU64, Ordering, fence};

/// The most nested traced polls tracked per thread; deeper ones are counted (so that leaving
/// them pops the right entry) but not listed.
pub(crate) const DEPTH: usize = 16;

/// One poll in progress: what it is (fn, where it resumed from, which poll) and when it
/// started. `what` is 0 while the entry is free.
struct Entry {
    /// [`TIMED`] when `since` is this poll's, the fn's slot number (slot + 1, below
    /// 2^15) in bits 48..63, the encoded state the poll resumed from in bits 32..48, this
    /// thread's poll sequence number in bits 0..32.
    what: AtomicU64,
    /// The clock's raw reading when the poll started, if `what` says it is timed: an untimed
    /// poll leaves the last timed one's reading here.
    since: AtomicU64,
}

/// The bit of [`Entry::what`] that says the poll is timed.
const TIMED: u64 = 1 << 63;

/// What entering one poll adds to [`InPoll::polls`]: one deeper, the next number.
const ONE_POLL: u64 = 1 << 32 | 1;

/// One thread's stack of polls in progress (264 bytes).
pub(crate) struct InPoll {
    /// How many polls the owner thread is inside now, deeper ones than [`DEPTH`] included, in
    /// bits 0..32: the entries below it (at most [`DEPTH`]) are its polls. Bits 32..64: the
    /// number of the last poll entered (the owner's count of lean polls, wrapping).
    polls: AtomicU64,
    entries: [Entry; DEPTH],
}

/// An entry's `what` for an untimed poll of the fn numbered `number`, resuming from `from`,
/// numbered as `polls` (after the push) says.
#[inline(always)]
const fn what(number: u32, from: u16, polls: u64) -> u64 {
    (number as u64) << 48 | (from as u64) << 32 | polls >> 32
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
            polls: AtomicU64::new(0),
            entries: [const {
                Entry {
                    what: AtomicU64::new(0),
                    since: AtomicU64::new(0),
                }
            }; DEPTH],
        }
    }

    /// The depth and last poll number (see [`InPoll::polls`]) to give the next push (only the
    /// owner thread calls this: no other thread changes them).
    #[inline(always)]
    pub(crate) fn polls(&self) -> u64 {
        self.polls.load(Ordering::Relaxed)
    }

    /// The number the next poll entered gets, for `polls` read by [`InPoll::polls`].
    #[inline(always)]
    pub(crate) const fn next_seq(polls: u64) -> u32 {
        (polls.wrapping_add(ONE_POLL) >> 32) as u32
    }

    /// Marks an untimed poll as started, one deeper than the polls in progress (only the owner
    /// thread calls this, with `polls` just read by [`InPoll::polls`]): one store of its entry,
    /// since a reader ignores `since` without [`TIMED`].
    #[inline(always)]
    pub(crate) fn push_untimed(&self, polls: u64, number: u32, from: u16) {
        let next = polls.wrapping_add(ONE_POLL);
        if let Some(entry) = self.entries.get(polls as u32 as usize) {
            entry
                .what
                .store(what(number, from, next), Ordering::Release);
        }
        // After the entry: a reader that sees this depth sees the entry written.
        self.polls.store(next, Ordering::Release);
    }

    /// [`InPoll::push_untimed`] for a poll timed from the raw reading `since`.
    #[inline(always)]
    pub(crate) fn push_timed(&self, polls: u64, number: u32, from: u16, since: u64) {
        let next = polls.wrapping_add(ONE_POLL);
        if let Some(entry) = self.entries.get(polls as u32 as usize) {
            // The entry is freed (`what` 0) before `since` changes: a reader that sees the
            // same `what` before and after reading `since` read this poll's start.
            entry.what.store(0, Ordering::Relaxed);
            fence(Ordering::Release);
            entry.since.store(since, Ordering::Relaxed);
            let what = what(number, from, next) | TIMED;
            entry.what.store(what, Ordering::Release);
        }
        self.polls.store(next, Ordering::Release);
    }

    /// Marks the innermost poll as ended (only the owner thread calls this).
    #[inline(always)]
    pub(crate) fn pop(&self) {
        // The depth is the low half: it is above 0 on the owner's own stack, so the number
        // above it is kept (on the shared never-read stack it means nothing).
        let polls = self.polls.load(Ordering::Relaxed);
        self.polls.store(polls.wrapping_sub(1), Ordering::Relaxed);
    }

    /// How many polls the owner thread is inside now.
    pub(crate) fn depth(&self) -> u32 {
        self.polls.load(Ordering::Relaxed) as u32
    }

    /// Frees every entry (a thread's stack handed to the next thread).
    pub(crate) fn clear(&self) {
        self.polls.store(0, Ordering::Relaxed);
        for entry in &self.entries {
            entry.what.store(0, Ordering::Relaxed);
        }
    }

    /// The polls in progress now, outermost first; an entry that changed while being read is
    /// left out (its poll ended meanwhile).
    pub(crate) fn read(&self) -> Vec<Seen> {
        let mut seen = Vec::new();
        let depth = self.polls.load(Ordering::Acquire) as u32 as usize;
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
                number: (what >> 48) as u32 & 0x7FFF,
                from: (what >> 32) as u16,
                seq: what as u32,
                since: (what & TIMED != 0).then_some(since),
                depth,
            });
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pushes a poll the way the lean path does: timed when `since` is given.
    fn push(stack: &InPoll, number: u32, from: u16, since: Option<u64>) {
        let polls = stack.polls();
        match since {
            Some(since) => stack.push_timed(polls, number, from, since),
            None => stack.push_untimed(polls, number, from),
        }
    }

    #[test]
    fn entries_push_and_pop_in_nesting_order() {
        let stack = InPoll::new();
        assert_eq!(InPoll::next_seq(stack.polls()), 1);
        push(&stack, 3, 7, Some(1000));
        push(&stack, 5, 0, None);
        let seen = stack.read();
        assert_eq!(seen.len(), 2);
        assert_eq!(
            (seen[0].number, seen[0].from, seen[0].seq, seen[0].since),
            (3, 7, 1, Some(1000))
        );
        assert_eq!(
            (seen[1].number, seen[1].depth, seen[1].seq, seen[1].since),
            (5, 1, 2, None)
        );
        stack.pop();
        assert_eq!(stack.read().len(), 1);
        // The next poll takes the entry the last one left, and the next number.
        assert_eq!(InPoll::next_seq(stack.polls()), 3);
        push(&stack, 6, 2, None);
        let seen = stack.read();
        assert_eq!((seen.len(), seen[1].number, seen[1].seq), (2, 6, 3));
        stack.pop();
        stack.pop();
        assert!(stack.read().is_empty());
        assert_eq!(stack.depth(), 0);
        // An untimed poll in a timed one's entry: the reading left there is not its start.
        push(&stack, 4, 1, Some(77));
        stack.pop();
        push(&stack, 4, 1, None);
        let seen = stack.read();
        assert_eq!((seen[0].seq, seen[0].since), (5, None));
        stack.pop();
        // The largest fn number is read back whole beside the timed bit.
        push(&stack, 0x7FFF, 0xFFFF, Some(1));
        assert_eq!(
            (stack.read()[0].number, stack.read()[0].from),
            (0x7FFF, 0xFFFF)
        );
        stack.pop();
        // Deeper than tracked: counted, not written, not read, no panic.
        for _ in 0..=DEPTH {
            push(&stack, 1, 1, Some(1));
        }
        assert_eq!(stack.read().len(), DEPTH);
        assert_eq!(stack.depth(), DEPTH as u32 + 1);
        for _ in 0..=DEPTH {
            stack.pop();
        }
        assert!(stack.read().is_empty());
        push(&stack, 2, 2, Some(2));
        stack.clear();
        assert!(stack.read().is_empty());
    }
}
