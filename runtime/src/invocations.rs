//! The invocations in flight of one recorder, as it numbers them: number, parent, depth, task,
//! state and polls so far. Enough to number transitions and to draw the tree of who waits
//! where (task → invocation → nested invocation → await point).

use rustc_hash::FxHashMap;

use crate::context;
use crate::meta::FnMeta;
use crate::state::State;

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
    /// Polls recorded so far.
    pub(crate) polls: u32,
    /// The executor's task that first polled it (0 outside a traced-async executor).
    pub(crate) task: u64,
}

/// Slots of the direct-mapped table in front of the map: a power of two.
const SLOTS: usize = 256;

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
    slots: Vec<(u64, Live)>,
    overflow: FxHashMap<u64, Live>,
    next_id: u64,
}

impl Invocations {
    pub(crate) fn new() -> Self {
        Invocations {
            slots: Vec::new(),
            overflow: FxHashMap::default(),
            next_id: 1,
        }
    }

    /// Invocation `call` starts its first poll, awaited by `parent` (0 for none): number it
    /// now, so that callers number before callees.
    pub(crate) fn begin(&mut self, meta: &'static FnMeta, call: u64, parent: u64) {
        let parent = match parent {
            0 => None,
            parent => self.get(parent).copied(),
        };
        if self.get(call).is_none() {
            self.insert(meta, call, parent);
        }
    }

    /// Invocation `call` moved to `to`, by a poll unless it was cancelled: the invocation as
    /// numbered, after the move. One that ended is forgotten.
    #[inline]
    pub(crate) fn note(&mut self, meta: &'static FnMeta, call: u64, to: State) -> Live {
        let live = match self.get(call) {
            Some(live) => live,
            // Recording began while the invocation was in flight: its caller is unknown.
            None => self.insert(meta, call, None),
        };
        live.state = to;
        if to != State::Cancelled {
            live.polls += 1;
        }
        let live = *live;
        if to.is_final() {
            self.remove(call);
        }
        live
    }

    #[inline]
    fn get(&mut self, call: u64) -> Option<&mut Live> {
        match self.slots.get_mut(slot_of(call)) {
            Some((key, live)) if *key == call => Some(live),
            _ => self.overflow.get_mut(&call),
        }
    }

    /// Numbers the new invocation `call`, awaited by `parent`.
    fn insert(&mut self, meta: &'static FnMeta, call: u64, parent: Option<Live>) -> &mut Live {
        let live = Live {
            id: self.next_id,
            depth: parent.map_or(0, |p| p.depth + 1),
            parent: parent.map_or(0, |p| p.id),
            meta,
            state: State::Start,
            polls: 0,
            task: parent.map_or_else(context::current_task, |p| p.task),
        };
        self.next_id += 1;
        if self.slots.is_empty() {
            self.slots = vec![(0, live); SLOTS];
        }
        let slot = &mut self.slots[slot_of(call)];
        if slot.0 == 0 {
            *slot = (call, live);
            &mut slot.1
        } else {
            self.overflow.entry(call).or_insert(live)
        }
    }

    #[inline]
    fn remove(&mut self, call: u64) {
        match self.slots.get_mut(slot_of(call)) {
            Some(slot) if slot.0 == call => slot.0 = 0,
            _ => {
                self.overflow.remove(&call);
            }
        }
    }

    /// The invocations in flight, in the order they started.
    pub(crate) fn in_flight(&self) -> Vec<Live> {
        let slotted = self.slots.iter().filter(|(call, _)| *call != 0);
        let mut live: Vec<Live> = slotted
            .map(|(_, live)| *live)
            .chain(self.overflow.values().copied())
            .collect();
        live.sort_by_key(|l| l.id);
        live
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
        let done = invocations.note(&META, inner, State::Returned);
        assert_eq!((done.id, done.polls), (2, 1));
        assert_eq!(invocations.in_flight().len(), 1);
        let suspended = invocations.note(&META, outer, State::Hidden);
        assert_eq!((suspended.id, suspended.polls), (1, 1));
        invocations.note(&META, outer, State::Returned);
        assert!(invocations.in_flight().is_empty());
        // A new invocation in the freed slot is numbered next.
        assert_eq!(invocations.note(&META, inner, State::Returned).id, 3);
    }
}
