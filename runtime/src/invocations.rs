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

/// The invocations in flight, keyed by process-wide invocation id; an invocation is dropped
/// when it ends, so long runs stay small.
#[derive(Debug)]
pub(crate) struct Invocations {
    live: FxHashMap<u64, Live>,
    next_id: u64,
}

impl Invocations {
    pub(crate) fn new() -> Self {
        Invocations {
            live: FxHashMap::default(),
            next_id: 1,
        }
    }

    /// Invocation `call` starts its first poll, awaited by `parent` (0 for none): number it
    /// now, so that callers number before callees.
    pub(crate) fn begin(&mut self, meta: &'static FnMeta, call: u64, parent: u64) {
        let parent = self.live.get(&parent).copied();
        self.start(meta, call, parent);
    }

    /// Invocation `call` moved to `to`, by a poll unless it was cancelled: the invocation as
    /// numbered, after the move. One that ended is forgotten.
    pub(crate) fn note(&mut self, meta: &'static FnMeta, call: u64, to: State) -> Live {
        // Recording began while the invocation was in flight: its caller is unknown.
        let live = self.start(meta, call, None);
        live.state = to;
        if to != State::Cancelled {
            live.polls += 1;
        }
        let live = *live;
        if to.is_final() {
            self.live.remove(&call);
        }
        live
    }

    /// The invocation `call`, numbering it now if it is new.
    fn start(&mut self, meta: &'static FnMeta, call: u64, parent: Option<Live>) -> &mut Live {
        let next_id = &mut self.next_id;
        self.live.entry(call).or_insert_with(|| {
            let live = Live {
                id: *next_id,
                depth: parent.map_or(0, |p| p.depth + 1),
                parent: parent.map_or(0, |p| p.id),
                meta,
                state: State::Start,
                polls: 0,
                task: parent.map_or_else(context::current_task, |p| p.task),
            };
            *next_id += 1;
            live
        })
    }

    /// The invocations in flight, in the order they started.
    pub(crate) fn in_flight(&self) -> Vec<Live> {
        let mut live: Vec<Live> = self.live.values().copied().collect();
        live.sort_by_key(|l| l.id);
        live
    }
}
