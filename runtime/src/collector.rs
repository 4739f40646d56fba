//! Collects the transitions of one capture scope: numbers invocations within the trace, tracks
//! nesting depth, and hands each transition to the live output.

use rustc_hash::FxHashMap;

use crate::context;
use crate::meta::FnMeta;
use crate::output::Output;
use crate::record::Mode;
use crate::state::State;
use crate::trace::Trace;
use crate::transition::Transition;

/// An invocation that has started and not yet ended, as this trace numbers it. Enough to draw
/// the tree of who waits where (task → invocation → nested invocation → await point).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Live {
    /// Number within this trace, from 1.
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

impl Live {
    /// The invocation moved to `to`: by a poll, unless it was cancelled.
    fn note(&mut self, to: State) {
        self.state = to;
        if to != State::Cancelled {
            self.polls += 1;
        }
    }
}

pub(crate) struct Collector {
    mode: Mode,
    transitions: Vec<Transition>,
    /// Invocations in flight, by process-wide id; dropped when they end, so long runs stay small.
    live: FxHashMap<u64, Live>,
    next_id: u64,
    output: Option<Output>,
    /// Whether transitions are kept for the trace (not when only streaming them out).
    keep: bool,
}

impl Collector {
    pub(crate) fn new(mode: Mode, output: Option<Output>) -> Self {
        Collector {
            mode,
            transitions: Vec::new(),
            live: FxHashMap::default(),
            next_id: 1,
            output,
            keep: true,
        }
    }

    /// A collector that only numbers transitions and writes them out, keeping none: memory
    /// stays bounded by the invocations in flight.
    pub(crate) fn streaming(mode: Mode, output: Output) -> Self {
        Collector {
            keep: false,
            ..Collector::new(mode, Some(output))
        }
    }

    pub(crate) fn mode(&self) -> Mode {
        self.mode
    }

    /// An invocation's first poll begins: number it now, so that callers number before callees.
    pub(crate) fn begin(&mut self, meta: &'static FnMeta, call: u64, parent: u64) {
        let parent = self.live.get(&parent).copied();
        self.start(meta, call, parent);
    }

    pub(crate) fn record(&mut self, transition: &Transition) {
        let mut t = *transition;
        let live = match self.live.get_mut(&t.call) {
            Some(live) => {
                live.note(t.to);
                *live
            }
            // Recording began while the invocation was in flight.
            None => {
                let parent = self.live.get(&t.parent).copied();
                self.start(t.meta, t.call, parent);
                let live = self.live.get_mut(&t.call).expect("just started");
                live.note(t.to);
                *live
            }
        };
        if t.to.is_final() {
            self.live.remove(&t.call);
        }
        t.parent = live.parent;
        t.call = live.id;
        t.poll = live.polls;
        if let Some(output) = &mut self.output {
            output.transition(&t, live.depth);
        }
        if self.keep {
            self.transitions.push(t);
        }
    }

    /// The invocation `call` as this trace numbers it, numbering it now if it is new.
    fn start(&mut self, meta: &'static FnMeta, call: u64, parent: Option<Live>) -> Live {
        let next_id = &mut self.next_id;
        *self.live.entry(call).or_insert_with(|| {
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
    pub(crate) fn live(&self) -> Vec<Live> {
        let mut live: Vec<Live> = self.live.values().copied().collect();
        live.sort_by_key(|l| l.id);
        live
    }

    /// Every transition recorded so far.
    pub(crate) fn transitions(&self) -> &[Transition] {
        &self.transitions
    }

    /// Writes what the output buffered during one poll of the scope.
    pub(crate) fn flush(&mut self) {
        if let Some(output) = &mut self.output {
            output.flush();
        }
    }

    /// Ends the scope: prints the summary if the output wants one and returns the trace.
    pub(crate) fn finish(self) -> Trace {
        let trace = Trace::new(self.transitions);
        if let Some(output) = self.output {
            output.summary(&trace);
        }
        trace
    }
}
