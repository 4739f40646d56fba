//! Wait ages: the invocations in flight on the process-wide recorder's timed lean path, in a
//! fixed table of [`SLOTS`] slots of atomics. An invocation claims a slot at its first poll
//! (its frame keeps the slot's index), writes it at each poll's start (thread, in a poll) and
//! end (the await point it suspended at, since when: the poll's end reading, no extra clock
//! read), and gives it back when it returns, panics or is dropped, on whatever thread. A full
//! table is no reason to wait: the invocation is not listed, and counted ([`dropped`]).
//!
//! Only the thread polling an invocation writes its slot (a future is polled by one thread at a
//! time, and the executor's hand-over orders one thread's writes before the next's), so every
//! write is a plain store; a report reads any slot seqlock-style, so that what it lists of one
//! invocation comes from one moment.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering, fence};

use crate::context;

/// How many invocations the table lists at once (64 bytes each: 256 KiB of zeroed memory,
/// touched only as slots are used).
pub(crate) const SLOTS: usize = 4096;

/// One invocation in flight. `version` is odd while the owner writes; a reader that sees the
/// same even version before and after reading the rest read one moment of it.
#[repr(align(64))]
struct Slot {
    version: AtomicU32,
    /// The fn's number in the recorder's tables (slot + 1).
    number: AtomicU32,
    /// The invocation's id (see `context::next_call_id`): unique among those in flight.
    call: AtomicU32,
    /// The number of the thread that polled it last.
    thread: AtomicU32,
    /// The encoded state it is suspended at (or, in a poll, resumed from), [`POLLING`] set
    /// while a poll runs.
    place: AtomicU32,
    /// Raw clock readings: its first poll's start, its current poll's start, its last poll's
    /// end (0 before one ended).
    first: AtomicU64,
    polled: AtomicU64,
    ended: AtomicU64,
    /// Its tokio task's id, 0 when unknown (feature `tokio`, and polled inside a task).
    task: AtomicU64,
}

/// Set in [`Slot::place`] while the invocation is in a poll.
const POLLING: u32 = 1 << 16;

impl Slot {
    const fn new() -> Self {
        Slot {
            version: AtomicU32::new(0),
            number: AtomicU32::new(0),
            call: AtomicU32::new(0),
            thread: AtomicU32::new(0),
            place: AtomicU32::new(0),
            first: AtomicU64::new(0),
            polled: AtomicU64::new(0),
            ended: AtomicU64::new(0),
            task: AtomicU64::new(0),
        }
    }

    /// Runs the owner's writes `f` between the two version stores.
    #[inline(always)]
    fn write(&self, f: impl FnOnce(&Slot)) {
        let version = self.version.load(Ordering::Relaxed);
        self.version
            .store(version.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
        f(self);
        self.version
            .store(version.wrapping_add(2), Ordering::Release);
    }
}

static TABLE: [Slot; SLOTS] = [const { Slot::new() }; SLOTS];
/// One bit per slot, set while an invocation holds it.
static USED: [AtomicU64; SLOTS / 64] = [const { AtomicU64::new(0) }; SLOTS / 64];
/// Invocations that found the table full: in flight, not listed.
static DROPPED: AtomicU64 = AtomicU64::new(0);

/// Claims a slot for an invocation of the fn numbered `number` whose first poll started at raw
/// reading `started`, on this thread; `None` (and counted) when the table is full. Each thread
/// starts looking in a word of its own, so that threads rarely claim in the same cache line.
#[cold]
pub(crate) fn claim(number: u32, started: u64) -> Option<u32> {
    let thread = context::thread_number();
    let words = USED.len();
    let first = thread as usize % words;
    for word in (first..words).chain(0..first) {
        let bits = &USED[word];
        let mut used = bits.load(Ordering::Relaxed);
        while used != u64::MAX {
            let bit = (!used).trailing_zeros();
            match bits.compare_exchange_weak(
                used,
                used | 1 << bit,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    let index = word * 64 + bit as usize;
                    let call = context::next_call_id();
                    let task = task_id();
                    TABLE[index].write(|slot| {
                        slot.number.store(number, Ordering::Relaxed);
                        slot.call.store(call, Ordering::Relaxed);
                        slot.thread.store(thread, Ordering::Relaxed);
                        slot.place.store(
                            POLLING | u32::from(crate::state::State::Start.encode()),
                            Ordering::Relaxed,
                        );
                        slot.first.store(started, Ordering::Relaxed);
                        slot.polled.store(started, Ordering::Relaxed);
                        slot.ended.store(0, Ordering::Relaxed);
                        slot.task.store(task, Ordering::Relaxed);
                    });
                    return Some(index as u32);
                }
                Err(now) => used = now,
            }
        }
    }
    DROPPED.fetch_add(1, Ordering::Relaxed);
    None
}

/// The id of the tokio task polling now, 0 outside one. Tokio 1.54's `task::Id` converts to
/// nothing but its `Display` text: formatted into a stack buffer (no allocation) and read back,
/// once per invocation.
#[cfg(feature = "tokio")]
fn task_id() -> u64 {
    use std::fmt::Write;
    struct Digits {
        value: u64,
        ok: bool,
    }
    impl Write for Digits {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            for b in s.bytes() {
                let digit = b.wrapping_sub(b'0');
                self.ok &= digit < 10;
                self.value = self.value.wrapping_mul(10).wrapping_add(u64::from(digit));
            }
            Ok(())
        }
    }
    let Some(id) = tokio::task::try_id() else {
        return 0;
    };
    let mut digits = Digits { value: 0, ok: true };
    let _ = write!(digits, "{id}");
    if digits.ok { digits.value } else { 0 }
}

/// Without the feature `tokio`, no task id is known.
#[cfg(not(feature = "tokio"))]
fn task_id() -> u64 {
    0
}

/// A poll of the invocation in slot `index` starts at raw reading `started`, on this thread.
#[inline]
pub(crate) fn polled(index: u32, started: u64) {
    let thread = context::thread_number();
    if let Some(slot) = TABLE.get(index as usize) {
        slot.write(|slot| {
            slot.thread.store(thread, Ordering::Relaxed);
            slot.polled.store(started, Ordering::Relaxed);
            // Only this thread writes the slot now: no read-modify-write needed.
            let place = slot.place.load(Ordering::Relaxed);
            slot.place.store(place | POLLING, Ordering::Relaxed);
        });
    }
}

/// The end of the last poll of the invocation in slot `index` (raw), 0 before one ended.
#[inline]
pub(crate) fn ended(index: u32) -> u64 {
    TABLE
        .get(index as usize)
        .map_or(0, |slot| slot.ended.load(Ordering::Relaxed))
}

/// The poll of the invocation in slot `index` ended at raw reading `ended`, suspended at the
/// encoded state `to`.
#[inline]
pub(crate) fn suspended(index: u32, to: u16, ended: u64) {
    if let Some(slot) = TABLE.get(index as usize) {
        slot.write(|slot| {
            slot.place.store(u32::from(to), Ordering::Relaxed);
            slot.ended.store(ended, Ordering::Relaxed);
        });
    }
}

/// Gives slot `index` back: its invocation returned, panicked or was dropped.
#[inline]
pub(crate) fn release(index: u32) {
    let index = index as usize;
    if let Some(slot) = TABLE.get(index) {
        // A new version, so that a reader in the middle of it sees the slot change.
        slot.write(|slot| slot.number.store(0, Ordering::Relaxed));
        USED[index / 64].fetch_and(!(1 << (index % 64)), Ordering::Release);
    }
}

/// Invocations that found the table full since the process started.
pub(crate) fn dropped() -> u64 {
    DROPPED.load(Ordering::Relaxed)
}

/// One invocation in flight as a report reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Listed {
    /// The fn's number in the recorder's tables (slot + 1).
    pub(crate) number: u32,
    pub(crate) call: u32,
    pub(crate) thread: u32,
    /// The encoded state it waits at, or resumed from when `polling`.
    pub(crate) state: u16,
    pub(crate) polling: bool,
    /// Raw readings: first poll's start, current poll's start, last poll's end (0: none).
    pub(crate) first: u64,
    pub(crate) polled: u64,
    pub(crate) ended: u64,
    /// The tokio task's id, 0 when unknown.
    pub(crate) task: u64,
}

/// Every invocation in the table now; one whose slot changed in three reads in a row (a busy
/// invocation) is left out, as one that ended meanwhile is.
pub(crate) fn read() -> Vec<Listed> {
    let mut listed = Vec::new();
    for (word, bits) in USED.iter().enumerate() {
        let mut used = bits.load(Ordering::Acquire);
        while used != 0 {
            let bit = used.trailing_zeros() as usize;
            used &= used - 1;
            if let Some(seen) = read_slot(&TABLE[word * 64 + bit]) {
                listed.push(seen);
            }
        }
    }
    listed
}

fn read_slot(slot: &Slot) -> Option<Listed> {
    for _ in 0..3 {
        let version = slot.version.load(Ordering::Acquire);
        if version & 1 != 0 {
            std::hint::spin_loop();
            continue;
        }
        let place = slot.place.load(Ordering::Relaxed);
        let seen = Listed {
            number: slot.number.load(Ordering::Relaxed),
            call: slot.call.load(Ordering::Relaxed),
            thread: slot.thread.load(Ordering::Relaxed),
            state: place as u16,
            polling: place & POLLING != 0,
            first: slot.first.load(Ordering::Relaxed),
            polled: slot.polled.load(Ordering::Relaxed),
            ended: slot.ended.load(Ordering::Relaxed),
            task: slot.task.load(Ordering::Relaxed),
        };
        fence(Ordering::Acquire);
        if slot.version.load(Ordering::Relaxed) == version {
            return (seen.number != 0).then_some(seen);
        }
    }
    None
}
