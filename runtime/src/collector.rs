//! Collects the transitions of one capture scope: numbers them through the invocations in
//! flight (number, depth, task), keeps them for the trace and hands them to the live output.

use crate::activity::Mode;
use crate::clock::{self, TraceClock};
use crate::context;
use crate::deferred::Deferred;
use crate::event::Event;
use crate::invocations::{Invocations, Live};
use crate::marks::Pended;
use crate::meta::FnMeta;
use crate::output::Output;
use crate::sink::Sink;
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
    /// The clock poll starts are stamped on; read only for timed polls.
    clock: TraceClock,
    /// The depth of each kept transition's invocation, when asked for (by the runtime, whose
    /// output prints it later).
    depths: Option<Vec<u16>>,
    /// Per fn and await point, the polls in which the point returned `Pending` beside other
    /// points of one `join!` or `select!` (see [`Sink::pended`]): few entries, looked up in
    /// order.
    pended: Vec<(&'static FnMeta, u16, u64)>,
    /// When nothing reads the transitions before the trace is built (no output, no depths, the
    /// real clock), the raw events, numbered and converted to ns by
    /// [`finish`](Self::finish) rather than one by one as they are recorded; `None` otherwise.
    deferred: Option<Deferred>,
}

impl Collector {
    /// A collector stamping poll starts in real time since now.
    pub(crate) fn new(mode: Mode, output: Option<Output>) -> Self {
        Self::on_clock(mode, output, TraceClock::real())
    }

    /// A collector stamping poll starts on `clock`.
    pub(crate) fn on_clock(mode: Mode, output: Option<Output>, clock: TraceClock) -> Self {
        Collector {
            deferred: (output.is_none() && matches!(clock, TraceClock::Real { .. }))
                .then(Deferred::default),
            clock,
            depths: None,
            mode,
            transitions: Vec::new(),
            invocations: Invocations::new(),
            output,
            keep: true,
            pended: Vec::new(),
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

    /// Keeps each transition's depth too (see [`depths`](Self::depths)).
    pub(crate) fn with_depths(self) -> Self {
        Collector {
            depths: Some(Vec::new()),
            deferred: None,
            ..self
        }
    }

    /// The depth of each transition's invocation, indexed like the transitions; empty unless
    /// asked for by [`with_depths`](Self::with_depths).
    pub(crate) fn depths(&self) -> &[u16] {
        self.depths.as_deref().unwrap_or_default()
    }

    pub(crate) fn mode(&self) -> Mode {
        self.mode
    }

    /// Whether transitions are written out as they come (an output is set).
    pub(crate) fn prints(&self) -> bool {
        self.output.is_some()
    }

    /// The invocations in flight, in the order they started.
    pub(crate) fn live(&self) -> Vec<Live> {
        self.invocations.in_flight()
    }

    /// Every transition recorded so far (for a collector with depths: the runtime's, whose
    /// transitions are in ns as they come).
    pub(crate) fn transitions(&self) -> &[Transition] {
        debug_assert!(
            self.deferred.is_none(),
            "deferred transitions are numbered only by `finish`"
        );
        &self.transitions
    }

    /// One poll ended: [`Sink::record`] for the poll path, given the clock's raw readings at
    /// the poll's start and end when timed. Kept raw (see [`deferred`](Self::deferred)) when
    /// it can be, which spares numbering and converting per poll.
    #[inline]
    pub(crate) fn record_timed(
        &mut self,
        meta: &'static FnMeta,
        call: u32,
        thread: u32,
        moved: (u16, u16),
        (started, ended): (Option<u64>, Option<u64>),
    ) {
        if let Some(deferred) = &mut self.deferred {
            let task = context::current_task();
            deferred.moved(meta, (call, thread, task), moved, (started, ended));
        } else {
            let nanos = started.zip(ended).map(|(s, e)| clock::nanos_between(s, e));
            self.record(&Event::new(meta, call, thread, moved, started, nanos));
        }
    }

    /// Writes what the output buffered during one poll of the scope.
    pub(crate) fn flush(&mut self) {
        if let Some(output) = &mut self.output {
            output.flush();
        }
    }

    /// Ends the scope: prints the summary if the output wants one and returns the trace.
    pub(crate) fn finish(self) -> Trace {
        let deterministic = matches!(self.clock, TraceClock::Virtual(_));
        let transitions = match (self.deferred, &self.clock) {
            (Some(deferred), TraceClock::Real { origin }) => {
                let mut invocations = self.invocations;
                deferred.number(&mut invocations, *origin, clock::Scale::now())
            }
            _ => self.transitions,
        };
        let trace = Trace::new(transitions, deterministic).with_pended(self.pended);
        if let Some(output) = self.output {
            output.summary(&trace.stats());
        }
        trace
    }
}

impl Sink for Collector {
    /// An invocation's first poll begins: number it now, so that callers number before callees.
    /// Deferred (see [`deferred`](Self::deferred)), the begin is kept, to be numbered in order.
    #[inline]
    fn begin(&mut self, meta: &'static FnMeta, call: u64, parent: u64) {
        match &mut self.deferred {
            Some(deferred) => deferred.begin(meta, call, parent, context::current_task()),
            None => {
                let task = context::current_task;
                self.invocations.begin(meta, call, parent, task);
            }
        }
    }

    /// An event with times comes only from [`record_timed`](Self::record_timed) while kept in
    /// ns; others (cancellations) have none.
    #[inline]
    fn record(&mut self, e: &Event) {
        if let Some(deferred) = &mut self.deferred {
            debug_assert!(e.started.is_none());
            let task = context::current_task();
            let moved = (e.from, e.to);
            deferred.moved(e.meta, (e.call, e.thread, task), moved, (None, None));
            return;
        }
        let task = context::current_task;
        let (at, depth) = self.invocations.number(e.meta, u64::from(e.call), e.to, task);
        let start = e.started.map(|raw| self.clock.at(raw));
        let t = Transition::new(e.meta, (e.from, e.to), at, e.thread, start, e.nanos);
        if let Some(output) = &mut self.output {
            output.transition(&t, depth as usize);
        }
        if self.keep {
            self.transitions.push(t);
            if let Some(depths) = &mut self.depths {
                depths.push(u16::try_from(depth).unwrap_or(u16::MAX));
            }
        }
    }

    fn pended(&mut self, meta: &'static FnMeta, points: Pended) {
        for index in points.indices() {
            match self
                .pended
                .iter_mut()
                .find(|(m, i, _)| std::ptr::eq(*m, meta) && *i == index)
            {
                Some((_, _, n)) => *n += 1,
                None => self.pended.push((meta, index, 1)),
            }
        }
    }
}
