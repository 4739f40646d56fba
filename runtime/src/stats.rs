//! Totals per traced function: what a summary prints, whether they were added up from a
//! [`Trace`](crate::Trace)'s transitions or from the process-wide recorder's counters.

use std::time::Duration;

use crate::histogram::Latency;
use crate::meta::FnMeta;
use crate::state::State;
use crate::transition::Transition;

/// Totals for one traced function.
#[derive(Debug, Clone)]
pub struct FnStats {
    pub(crate) meta: &'static FnMeta,
    pub(crate) calls: u64,
    pub(crate) polls: u64,
    pub(crate) returned: u64,
    pub(crate) panicked: u64,
    pub(crate) cancelled: u64,
    pub(crate) hidden: u64,
    pub(crate) hidden_waiting: u64,
    pub(crate) busy_nanos: Option<u64>,
    /// Busy time less the time of traced polls nested in it (the process-wide recorder's
    /// timed counting only).
    pub(crate) self_nanos: Option<u64>,
    /// Poll durations (the process-wide recorder's timing only).
    pub(crate) poll_latency: Option<Latency>,
    pub(crate) awaits: Vec<AwaitStats>,
}

/// Totals for one await point.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AwaitStats {
    pub(crate) suspensions: u64,
    pub(crate) cancellations: u64,
    pub(crate) waiting: u64,
    pub(crate) suspended_latency: Option<Latency>,
    /// How long the invocation waiting here longest has waited, in ns (the process-wide
    /// recorder's timing only).
    pub(crate) oldest_waiting_nanos: Option<u64>,
}

impl AwaitStats {
    /// Polls that returned `Pending` at this await point. For a branch of a `join!` or
    /// `select!`, the polls in which that branch returned `Pending` (alone or beside other
    /// branches); for the macro call, the polls that returned `Pending` inside it.
    pub fn suspensions(&self) -> u64 {
        self.suspensions
    }

    /// Invocations dropped while suspended here.
    pub fn cancellations(&self) -> u64 {
        self.cancellations
    }

    /// Invocations suspended here when the totals were taken: where stuck tasks wait.
    ///
    /// An invocation that ends while the process-wide recorder is paused
    /// ([`set_recording`](crate::set_recording)) is still counted where it last waited.
    pub fn waiting(&self) -> u64 {
        self.waiting
    }

    /// How long invocations stayed suspended here (from the end of the poll that suspended to
    /// the start of the next), when the process-wide recorder timed both polls on its lean
    /// path; `None` otherwise. Its maximum is the upper end of the top bucket holding a wait
    /// (within 1/16), not an exact one. An invocation listed in the table of invocations in
    /// flight (every timed one, until 4 096 are in flight at once) is measured to the clock
    /// tick; one the full table could not list (or under `sample=`) at a resolution of 1 024
    /// raw clock ticks (the summary's line says it in ns), so a wait of a few resolutions is
    /// coarse, and a wait longer than 2^30 resolutions (about 6 minutes on a 3 GHz TSC) is
    /// counted modulo that.
    pub fn suspended_latency(&self) -> Option<Latency> {
        self.suspended_latency
    }

    /// How long the invocation suspended here the longest has waited, in ns, from the end of
    /// the poll that suspended it: the process-wide recorder's wait ages, known with timing on
    /// (every poll timed: not under `sample=`) for the invocations its table lists (see
    /// [`Report::invocations`](crate::Report::invocations)); `None` otherwise or when none
    /// waits here.
    pub fn oldest_waiting_nanos(&self) -> Option<u64> {
        self.oldest_waiting_nanos
    }
}

/// The resolution of [`AwaitStats::suspended_latency`] is 2^`SUSPENDED_SHIFT` raw clock ticks:
/// a suspended invocation's frame keeps its last timed poll's end reading in 30 bits, in these
/// units, when the table of invocations in flight (which keeps it whole) had no slot for it.
pub(crate) const SUSPENDED_SHIFT: u32 = 10;

impl FnStats {
    pub(crate) fn new(meta: &'static FnMeta) -> Self {
        FnStats {
            meta,
            calls: 0,
            polls: 0,
            returned: 0,
            panicked: 0,
            cancelled: 0,
            hidden: 0,
            hidden_waiting: 0,
            busy_nanos: None,
            self_nanos: None,
            poll_latency: None,
            awaits: vec![AwaitStats::default(); meta.awaits().len()],
        }
    }

    /// Adds one transition of this function.
    pub(crate) fn add(&mut self, t: &Transition) {
        if t.from() == State::Start {
            self.calls += 1;
        }
        if t.from() != t.to() {
            // A trace that began mid-flight sees departures without their arrival.
            if let Some(was) = self.waiting_at(t.from()) {
                *was = was.saturating_sub(1);
            }
            if let Some(now) = self.waiting_at(t.to()) {
                *now += 1;
            }
        }
        if let Some(nanos) = t.nanos() {
            *self.busy_nanos.get_or_insert(0) += nanos;
        }
        match t.to() {
            State::Cancelled => {
                self.cancelled += 1;
                if let State::Await(i) = t.from()
                    && let Some(a) = self.awaits.get_mut(usize::from(i))
                {
                    a.cancellations += 1;
                }
                return;
            }
            State::Await(i) => {
                if let Some(a) = self.awaits.get_mut(usize::from(i)) {
                    a.suspensions += 1;
                }
                self.add_in_call(i, 1);
            }
            State::Hidden => self.hidden += 1,
            State::Returned => self.returned += 1,
            State::Panicked => self.panicked += 1,
            State::Start => {}
        }
        self.polls += 1;
    }

    /// Adds `n` polls in which await point `index` returned `Pending` beside other points of
    /// one `join!` or `select!`: suspensions there, in polls counted at the whole call.
    pub(crate) fn add_pended(&mut self, index: u16, n: u64) {
        if let Some(a) = self.awaits.get_mut(usize::from(index)) {
            a.suspensions += n;
        }
    }

    /// Adds `n` suspensions at branch `index` to its `join!`/`select!` call too: the call was
    /// pending as well.
    pub(crate) fn add_in_call(&mut self, index: u16, n: u64) {
        let call = self.meta.branch_call(index);
        if call != index
            && let Some(a) = self.awaits.get_mut(usize::from(call))
        {
            a.suspensions += n;
        }
    }

    /// The count of invocations waiting at `state`, if it is a place to wait.
    fn waiting_at(&mut self, state: State) -> Option<&mut u64> {
        match state {
            State::Await(i) => self.awaits.get_mut(usize::from(i)).map(|a| &mut a.waiting),
            State::Hidden => Some(&mut self.hidden_waiting),
            _ => None,
        }
    }

    /// The function's compile-time description.
    pub fn meta(&self) -> &'static FnMeta {
        self.meta
    }

    /// Invocations polled at least once.
    pub fn calls(&self) -> u64 {
        self.calls
    }

    /// Polls of all invocations together.
    pub fn polls(&self) -> u64 {
        self.polls
    }

    /// Invocations that ran to their end.
    pub fn returned(&self) -> u64 {
        self.returned
    }

    /// Invocations whose poll panicked.
    pub fn panicked(&self) -> u64 {
        self.panicked
    }

    /// Invocations dropped while suspended.
    pub fn cancelled(&self) -> u64 {
        self.cancelled
    }

    /// Suspensions at await points the attribute could not see (`await#?`).
    pub fn hidden_suspensions(&self) -> u64 {
        self.hidden
    }

    /// Invocations suspended at `await#?` when the totals were taken.
    pub fn hidden_waiting(&self) -> u64 {
        self.hidden_waiting
    }

    /// Invocations polled at least once that had not returned, panicked or been cancelled
    /// when the totals were taken: suspended (see [`AwaitStats::waiting`]) or being polled.
    pub fn in_flight(&self) -> u64 {
        self.calls
            .saturating_sub(self.returned + self.panicked + self.cancelled)
    }

    /// Time spent inside this function's polls, when timing was on.
    pub fn busy(&self) -> Option<Duration> {
        self.busy_nanos.map(Duration::from_nanos)
    }

    /// Time spent in this function's own code: [`busy`](Self::busy) less the time of the
    /// traced polls nested in its polls. Known when the process-wide recorder times polls
    /// without live output (its counting path).
    pub fn self_busy(&self) -> Option<Duration> {
        self.self_nanos.map(Duration::from_nanos)
    }

    /// Count, percentiles and maximum of this function's poll durations, when the
    /// process-wide recorder timed them.
    pub fn poll_latency(&self) -> Option<Latency> {
        self.poll_latency
    }

    /// Totals per await point, indexed like [`FnMeta::awaits`].
    pub fn awaits(&self) -> &[AwaitStats] {
        &self.awaits
    }
}
