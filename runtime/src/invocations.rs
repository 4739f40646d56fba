//! The invocations in flight of one recorder, as it numbers them: number, parent, depth, task,
//! state and polls so far. Enough to number transitions and to draw the tree of who waits
//! where (task → invocation → nested invocation → await point).

use rustc_hash::FxHashMap;

use crate::context;
use crate::meta::FnMeta;
use crate::state::State;
use crate::transition::Numbered;

/// An invocation that has started and not yet ended.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Live {
    /// Number within this recorder, from 1.
    pub(crate) id: u64,
    /// Nesting below the outermost traced invocation.
    pub(crate) depth: usize,
    /// `id` of the traced invocation that awaited this one; 0 for an outermost one.
    pub(crate) parent: u64,
    pub(crate) meta: &'static FnMeta,
    /// State after the last poll.
    pub(crate) state: State,
    /// The executor's task that first polled it (0 outside a traced-async executor).
    pub(crate) task: u64,
}

/// Slots of the direct-mapped table in front of the map: a power of two.
const SLOTS: usize = 256;

/// An invocation in flight as the table keeps it: numbered already as its transitions store
/// it (32-bit numbers, saturated), so that numbering a transition copies, not converts.
#[derive(Debug, Clone, Copy)]
struct Entry {
    meta: &'static FnMeta,
    /// What a transition of this invocation carries; `poll` is the polls recorded so far.
    at: Numbered,
    depth: u32,
    /// State after the last poll, encoded.
    state: u16,
}

impl Entry {
    /// Invocation number `number` of `meta`, awaited by `parent`, else in the task polling now.
    #[inline]
    fn new(meta: &'static FnMeta, number: u64, parent: Option<Entry>) -> Self {
        Entry {
            meta,
            at: Numbered {
                call: narrow(number),
                parent: parent.map_or(0, |p| p.at.call),
                poll: 0,
                task: parent.map_or_else(|| narrow(context::current_task()), |p| p.at.task),
            },
            depth: parent.map_or(0, |p| p.depth.saturating_add(1)),
            state: State::Start.encode(),
        }
    }

    fn live(&self) -> Live {
        Live {
            id: u64::from(self.at.call),
            depth: self.depth as usize,
            parent: u64::from(self.at.parent),
            meta: self.meta,
            state: State::decode(self.state),
            task: u64::from(self.at.task),
        }
    }
}

/// The invocations in flight, keyed by process-wide invocation id; an invocation is dropped
/// when it ends, so long runs stay small.
///
/// Every recorded poll looks its invocation up, so most live in a direct-mapped table indexed
/// by the id's low bits: ids are handed out in consecutive blocks per thread, so those in flight
/// in one scope rarely share a slot. An invocation whose slot is taken goes to the map.
#[derive(Debug)]
pub(crate) struct Invocations {
    /// `(call, invocation)` by `call % SLOTS`; call 0 (never an invocation id) marks a free
    /// slot. Allocated at the first invocation.
    slots: Option<Box<[(u64, Entry); SLOTS]>>,
    overflow: FxHashMap<u64, Entry>,
    next_id: u64,
}

/// A 32-bit number as transitions store it: saturated.
fn narrow(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Invocations {
    pub(crate) fn new() -> Self {
        Invocations {
            slots: None,
            overflow: FxHashMap::default(),
            next_id: 1,
        }
    }

    /// Invocation `call` starts its first poll, awaited by `parent` (0 for none): number it
    /// now, so that callers number before callees (unless it is in flight already).
    #[inline]
    pub(crate) fn begin(&mut self, meta: &'static FnMeta, call: u64, parent: u64) {
        // The common case inline: the invocation's slot is free and no id waits in the map (so
        // a parent in flight is in its slot). Everything else out of line, so that this path
        // keeps its values in registers.
        if let (Some(slots), true) = (&mut self.slots, self.overflow.is_empty()) {
            let slot = &mut slots[slot_of(call)];
            if slot.0 == 0 && parent == 0 {
                let entry = Entry::new(meta, self.next_id, None);
                self.next_id += 1;
                *slot = (call, entry);
                return;
            }
            let parent = match &slots[slot_of(parent)] {
                (key, entry) if *key == parent && parent != 0 => Some(*entry),
                _ => None,
            };
            let slot = &mut slots[slot_of(call)];
            if slot.0 == 0 {
                let entry = Entry::new(meta, self.next_id, parent);
                self.next_id += 1;
                *slot = (call, entry);
                return;
            }
        }
        self.begin_elsewhere(meta, call, parent);
    }

    /// [`begin`](Self::begin) for the first invocation, one whose slot is taken, or while ids
    /// wait in the map.
    #[inline(never)]
    fn begin_elsewhere(&mut self, meta: &'static FnMeta, call: u64, parent: u64) {
        let parent = match parent {
            0 => None,
            parent => self.get(parent).copied(),
        };
        self.insert(meta, call, parent);
    }

    /// The number of invocation `call` in flight, if it is.
    pub(crate) fn number_of(&mut self, call: u64) -> Option<u64> {
        self.get(call).map(|entry| u64::from(entry.at.call))
    }

    /// Invocation `call` moved to `to` (encoded), by a poll unless it was cancelled: what the
    /// move's transition carries (the poll counted) and the invocation's depth. One that ended
    /// is forgotten. Run on every poll a collector records.
    #[inline]
    pub(crate) fn number(&mut self, meta: &'static FnMeta, call: u64, to: u16) -> (Numbered, u32) {
        self.advance(meta, call, to, to != State::Cancelled.encode())
    }

    /// [`number`](Self::number) for the end of a poll (never a cancellation, so counted
    /// without a compare).
    #[inline]
    pub(crate) fn number_poll(
        &mut self,
        meta: &'static FnMeta,
        call: u64,
        to: u16,
    ) -> (Numbered, u32) {
        debug_assert_ne!(to, State::Cancelled.encode());
        self.advance(meta, call, to, true)
    }

    /// [`number`](Self::number)'s work: inline for an invocation in its slot (the common case:
    /// one lookup, and an ended one's slot freed in place), out of line otherwise.
    #[inline]
    fn advance(
        &mut self,
        meta: &'static FnMeta,
        call: u64,
        to: u16,
        counted: bool,
    ) -> (Numbered, u32) {
        if let Some(slots) = &mut self.slots {
            let slot = &mut slots[slot_of(call)];
            if slot.0 == call {
                let entry = moved(&mut slot.1, to, counted);
                if State::is_final_code(to) {
                    slot.0 = 0;
                }
                return entry;
            }
        }
        self.advance_elsewhere(meta, call, to, counted)
    }

    /// [`advance`](Self::advance) for an invocation in the map, or not seen to begin.
    #[inline(never)]
    fn advance_elsewhere(
        &mut self,
        meta: &'static FnMeta,
        call: u64,
        to: u16,
        counted: bool,
    ) -> (Numbered, u32) {
        let entry = match self.get(call) {
            Some(entry) => entry,
            // Recording began while the invocation was in flight: its caller is unknown.
            None => self.insert(meta, call, None),
        };
        let entry = moved(entry, to, counted);
        if State::is_final_code(to) {
            self.remove(call);
        }
        entry
    }

    #[inline]
    fn get(&mut self, call: u64) -> Option<&mut Entry> {
        match &mut self.slots {
            Some(slots) => match &mut slots[slot_of(call)] {
                (key, entry) if *key == call => Some(entry),
                _ => self.overflow.get_mut(&call),
            },
            None => None,
        }
    }

    /// Numbers the new invocation `call`, awaited by `parent`; an invocation in flight already
    /// keeps its entry.
    #[inline(never)]
    fn insert(&mut self, meta: &'static FnMeta, call: u64, parent: Option<Entry>) -> &mut Entry {
        let entry = Entry::new(meta, self.next_id, parent);
        let Invocations {
            slots,
            overflow,
            next_id,
        } = self;
        let slot = &mut slots.get_or_insert_with(|| new_slots(entry))[slot_of(call)];
        if slot.0 == call {
            return &mut slot.1;
        }
        if slot.0 == 0 && (overflow.is_empty() || !overflow.contains_key(&call)) {
            *next_id += 1;
            *slot = (call, entry);
            return &mut slot.1;
        }
        overflow.entry(call).or_insert_with(|| {
            *next_id += 1;
            entry
        })
    }

    #[inline]
    fn remove(&mut self, call: u64) {
        if let Some(slots) = &mut self.slots {
            let slot = &mut slots[slot_of(call)];
            if slot.0 == call {
                slot.0 = 0;
                return;
            }
        }
        self.overflow.remove(&call);
    }

    /// The invocations in flight, in the order they started.
    pub(crate) fn in_flight(&self) -> Vec<Live> {
        let slotted = self.slots.iter().flat_map(|slots| slots.iter());
        let mut live: Vec<Live> = slotted
            .filter(|(call, _)| *call != 0)
            .map(|(_, entry)| entry.live())
            .chain(self.overflow.values().map(Entry::live))
            .collect();
        live.sort_by_key(|l| l.id);
        live
    }
}

/// Moves `entry` to `to` (encoded): a poll `counted` unless it was a cancellation. Returns what
/// the move's transition carries and the invocation's depth.
#[inline]
fn moved(entry: &mut Entry, to: u16, counted: bool) -> (Numbered, u32) {
    // Read the numbers before writing the poll count back: reading them after the write (a
    // wider load over a narrow store) would stall on the store instead of forwarding it.
    let before = entry.at;
    let counted = u32::from(counted);
    let at = Numbered {
        poll: before.poll + counted,
        ..before
    };
    entry.state = to;
    entry.at.poll = at.poll;
    (at, entry.depth)
}

/// The direct-mapped table, all slots free (their entries copies of `fill`, never read: a
/// free slot's key is 0). Allocated once per recorder, out of line, so that building the table
/// does not weigh on every [`Invocations::insert`].
#[cold]
#[inline(never)]
fn new_slots(fill: Entry) -> Box<[(u64, Entry); SLOTS]> {
    // Filled in place: `Box::new([..; SLOTS])` builds the 10 KiB table on the stack first and
    // copies it, once per scope.
    let slots = vec![(0, fill); SLOTS].into_boxed_slice();
    match slots.try_into() {
        Ok(slots) => slots,
        Err(_) => unreachable!("a table of SLOTS entries"),
    }
}

/// The slot of invocation `call` in the direct-mapped table.
#[inline]
fn slot_of(call: u64) -> usize {
    // The low bits only: the truncation is the point.
    (call as usize) % SLOTS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::AwaitMeta;

    static AWAITS: [AwaitMeta; 0] = [];
    static META: FnMeta = FnMeta::new("f", "tests", "t.rs", 1, &AWAITS, false);

    /// Ids that share a slot of the direct-mapped table are numbered and forgotten like any.
    #[test]
    fn ids_sharing_a_slot() {
        let mut invocations = Invocations::new();
        let outer = 7;
        let inner = outer + SLOTS as u64;
        invocations.begin(&META, outer, 0);
        invocations.begin(&META, inner, outer);
        let ids: Vec<(u64, u64, usize)> = invocations
            .in_flight()
            .iter()
            .map(|l| (l.id, l.parent, l.depth))
            .collect();
        assert_eq!(ids, [(1, 0, 0), (2, 1, 1)]);
        let returned = State::Returned.encode();
        let (done, depth) = invocations.number(&META, inner, returned);
        assert_eq!((done.call, done.parent, done.poll, depth), (2, 1, 1, 1));
        assert_eq!(invocations.in_flight().len(), 1);
        let (suspended, _) = invocations.number(&META, outer, State::Hidden.encode());
        assert_eq!((suspended.call, suspended.poll), (1, 1));
        let (cancelled, _) = invocations.number(&META, outer, State::Cancelled.encode());
        assert_eq!(cancelled.poll, 1, "a cancellation is not a poll");
        assert!(invocations.in_flight().is_empty());
        // A new invocation in the freed slot is numbered next.
        assert_eq!(invocations.number(&META, inner, returned).0.call, 3);
    }

    /// A second begin of an invocation in flight keeps its number, in its slot or in the map
    /// (also once its slot is free again).
    #[test]
    fn a_second_begin_keeps_the_entry() {
        let mut invocations = Invocations::new();
        let (first, second) = (9, 9 + SLOTS as u64);
        invocations.begin(&META, first, 0);
        invocations.begin(&META, first, 0);
        invocations.begin(&META, second, first);
        let returned = State::Returned.encode();
        assert_eq!(invocations.number(&META, first, returned).0.call, 1);
        // `second` lives in the map; its slot is free now.
        invocations.begin(&META, second, 0);
        let (at, depth) = invocations.number(&META, second, returned);
        assert_eq!((at.call, at.parent, depth), (2, 1, 1));
        assert!(invocations.in_flight().is_empty());
        invocations.begin(&META, first, 0);
        assert_eq!(invocations.number(&META, first, returned).0.call, 3);
    }
}
