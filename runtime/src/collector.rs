//! Collects the transitions of one capture scope: numbers them through the invocations in
//! flight (number, depth, task), keeps them for the trace and hands them to the live output.

use crate::activity::Mode;
use crate::invocations::{Invocations, Live};
use crate::meta::FnMeta;
use crate::output::Output;
use crate::trace::Trace;
use crate::transition::Transition;

pub(crate) struct Collector {
    mode: Mode,
    transitions: Vec<Transition>,
    /// Invocations in flight, numbered within this trace.
    invocations: Invocations,
    output: Option<Output>,
    /// Whether transitions are kept for the trace (not when only streaming them out).
    keep: bool,
}

impl Collector {
    pub(crate) fn new(mode: Mode, output: Option<Output>) -> Self {
        Collector {
            mode,
            transitions: Vec::new(),
            invocations: Invocations::new(),
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
        self.invocations.begin(meta, call, parent);
    }

    pub(crate) fn record(&mut self, transition: &Transition) {
        let mut t = *transition;
        let live = self.invocations.note(t.meta, t.call, t.parent, t.to);
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

    /// The invocations in flight, in the order they started.
    pub(crate) fn live(&self) -> Vec<Live> {
        self.invocations.in_flight()
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
            output.summary(&trace.stats());
        }
        trace
    }
}
