//! Collects the transitions of one capture scope: numbers invocations within the trace, tracks
//! nesting depth, and hands each transition to the live output.

use std::collections::HashMap;

use crate::output::Output;
use crate::record::Mode;
use crate::state::State;
use crate::trace::Trace;
use crate::transition::Transition;

/// An invocation that has started and not yet ended, as this trace numbers it.
#[derive(Clone, Copy)]
struct Live {
    id: u64,
    depth: usize,
}

pub(crate) struct Collector {
    mode: Mode,
    transitions: Vec<Transition>,
    /// Invocations in flight, by process-wide id; dropped when they end, so long runs stay small.
    live: HashMap<u64, Live>,
    next_id: u64,
    output: Option<Output>,
}

impl Collector {
    pub(crate) fn new(mode: Mode, output: Option<Output>) -> Self {
        Collector { mode, transitions: Vec::new(), live: HashMap::new(), next_id: 1, output }
    }

    pub(crate) fn mode(&self) -> Mode {
        self.mode
    }

    pub(crate) fn record(&mut self, transition: &Transition) {
        let mut t = *transition;
        let live = match self.live.get(&t.call) {
            Some(live) => *live,
            None => {
                let parent = self.live.get(&t.parent).copied();
                let live = Live { id: self.next_id, depth: parent.map_or(0, |p| p.depth + 1) };
                self.next_id += 1;
                self.live.insert(t.call, live);
                t.parent = parent.map_or(0, |p| p.id);
                live
            }
        };
        if t.from != State::Start {
            t.parent = 0;
        }
        if t.to.is_final() {
            self.live.remove(&t.call);
        }
        t.call = live.id;
        if let Some(output) = &mut self.output {
            output.transition(&t, live.depth);
        }
        self.transitions.push(t);
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
