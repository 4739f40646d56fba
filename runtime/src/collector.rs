//! Collects the transitions of one capture scope: numbers them through the invocations in
//! flight (number, depth, task), keeps them for the trace and hands them to the live output.

use rustc_hash::FxHashMap;

use crate::activity::Mode;
use crate::clock::{Scale, TraceClock};
use crate::event::Event;
use crate::fields::Fields;
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
    /// The clock's scale, read once when a timing collector is built (a counting one reads no
    /// clock): a timed poll's readings become ns with a multiply each, not a call into the
    /// clock.
    scale: Scale,
    /// The fields of invocations (by number) not yet printed, when kept for a `Runtime`'s
    /// output (see [`with_fields`](Self::with_fields)); an output keeps its own.
    fields: Option<FxHashMap<u64, Fields>>,
}

impl Collector {
    /// A collector stamping poll starts in real time since now.
    pub(crate) fn new(mode: Mode, output: Option<Output>) -> Self {
        Self::on_clock(mode, output, TraceClock::real())
    }

    /// A collector stamping poll starts on `clock`.
    pub(crate) fn on_clock(mode: Mode, output: Option<Output>, clock: TraceClock) -> Self {
        Collector {
            scale: if mode == Mode::Timing {
                Scale::now()
            } else {
                Scale::NONE
            },
            clock,
            depths: None,
            mode,
            transitions: Vec::new(),
            invocations: Invocations::new(),
            output,
            keep: true,
            pended: Vec::new(),
            fields: None,
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
            ..self
        }
    }

    /// The depth of each transition's invocation, indexed like the transitions; empty unless
    /// asked for by [`with_depths`](Self::with_depths).
    pub(crate) fn depths(&self) -> &[u16] {
        self.depths.as_deref().unwrap_or_default()
    }

    /// Keeps invocations' fields for whoever prints the transitions later (a `Runtime`), until
    /// [`take_fields`](Self::take_fields).
    pub(crate) fn with_fields(self) -> Self {
        Collector {
            fields: Some(FxHashMap::default()),
            ..self
        }
    }

    /// Invocation `number`'s fields, kept by [`with_fields`](Self::with_fields), taken once.
    pub(crate) fn take_fields(&mut self, number: u64) -> Option<Fields> {
        self.fields.as_mut()?.remove(&number)
    }

    /// Whether invocations' fields are shown: printed, or kept for whoever prints.
    pub(crate) fn shows_fields(&self) -> bool {
        self.output.is_some() || self.fields.is_some()
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

    /// Every transition recorded so far.
    pub(crate) fn transitions(&self) -> &[Transition] {
        &self.transitions
    }

    /// One poll ended: [`Sink::record`] for the poll path, given the clock's raw readings at
    /// the poll's start and end when timed, converted here with the scale read once.
    #[inline(always)]
    pub(crate) fn record_poll(
        &mut self,
        meta: &'static FnMeta,
        call: u32,
        thread: u32,
        moved: (u16, u16),
        (started, ended): (Option<u64>, Option<u64>),
    ) {
        let (start, nanos) = match (started, ended) {
            (Some(started), Some(ended)) => (
                Some(self.start_of(started)),
                Some(self.scale.between(started, ended)),
            ),
            _ => (None, None),
        };
        self.keep(meta, call, thread, moved, (start, nanos), true);
    }

    /// The time since the trace began of a poll that started at raw reading `raw`.
    #[inline]
    fn start_of(&self, raw: u64) -> u64 {
        match &self.clock {
            TraceClock::Real { origin } => self.scale.between(*origin, raw),
            virtual_clock => virtual_clock.at(raw),
        }
    }

    /// Numbers a transition of invocation `call`, started at `start` ns on the trace's clock
    /// and lasting `nanos` when timed, prints it and keeps it; `polled` when it ends a poll.
    #[inline(always)]
    fn keep(
        &mut self,
        meta: &'static FnMeta,
        call: u32,
        thread: u32,
        moved: (u16, u16),
        (start, nanos): (Option<u64>, Option<u64>),
        polled: bool,
    ) {
        let (at, depth) = if polled {
            self.invocations.number_poll(meta, u64::from(call), moved.1)
        } else {
            self.invocations.number(meta, u64::from(call), moved.1)
        };
        let t = Transition::new(meta, moved, at, thread, start, nanos);
        if let Some(output) = &mut self.output {
            output.transition(&t, depth as usize);
        }
        if self.keep {
            // Room checked here, so that the push in hand cannot grow the vector: its call to
            // grow, moved out of line, no longer makes the poll copy the transition first.
            if self.transitions.len() < self.transitions.capacity() {
                self.transitions.push(t);
            } else {
                push_growing(&mut self.transitions, t);
            }
            if let Some(depths) = &mut self.depths {
                depths.push(u16::try_from(depth).unwrap_or(u16::MAX));
            }
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
        let trace = Trace::new(self.transitions, deterministic).with_pended(self.pended);
        if let Some(output) = self.output {
            output.summary(&trace.stats());
        }
        trace
    }
}

/// Keeps `t` in a full vector, which grows.
#[cold]
#[inline(never)]
fn push_growing(transitions: &mut Vec<Transition>, t: Transition) {
    transitions.push(t);
}

impl Sink for Collector {
    /// An invocation's first poll begins: number it now, so that callers number before callees.
    #[inline(always)]
    fn begin(&mut self, meta: &'static FnMeta, call: u64, parent: u64) {
        self.invocations.begin(meta, call, parent);
    }

    /// An event of the poll path comes through [`record_poll`](Self::record_poll); others
    /// (cancellations) have no times.
    #[inline]
    fn record(&mut self, e: &Event) {
        let start = e.started.map(|raw| self.start_of(raw));
        let moved = (e.from, e.to);
        self.keep(e.meta, e.call, e.thread, moved, (start, e.nanos), false);
    }

    /// Fields go with the invocation's number to the output, or wait for the `Runtime`.
    fn fields(&mut self, call: u64, fields: Fields) {
        let Some(number) = self.invocations.number_of(call) else {
            return;
        };
        if let Some(output) = &mut self.output {
            output.fields(number, fields);
        } else if let Some(kept) = &mut self.fields {
            kept.insert(number, fields);
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
