//! Follows the recorded transitions as a run goes, adding what only the runtime knows: when
//! each happened on the runtime's clock, since when each invocation sits in its state, and how
//! long each fn waited in total. Numbers, depth and task are the collector's; the transitions
//! stay in the collector, read by index, not copied.

use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::meta::FnMeta;
use crate::state::State;
use crate::transition::Transition;

/// A transition with its depth and the time the runtime took it at, for printing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seen {
    pub(crate) t: Transition,
    pub(crate) depth: usize,
    pub(crate) at: u64,
}

impl Seen {
    /// The task the transition's invocation belongs to (0 for none).
    pub(crate) fn task(&self) -> u64 {
        self.t.task().unwrap_or(0)
    }
}

#[derive(Default)]
pub(crate) struct Watch {
    /// When each transition of the run was taken, ns on the runtime's clock; indexed like the
    /// collector's transitions.
    at: Vec<u64>,
    /// Per invocation in flight (by number), when its last poll ended, leaving it in its
    /// current state.
    since: FxHashMap<u64, u64>,
    /// Time each fn spent suspended (from the end of one poll to the start of the next), summed
    /// over its invocations.
    idle: Vec<(&'static FnMeta, u64)>,
}

impl Watch {
    /// Takes the transitions recorded since the last call at `now`; returns their indices.
    pub(crate) fn take(&mut self, transitions: &[Transition], now: u64) -> Range<usize> {
        let new = self.at.len()..transitions.len().max(self.at.len());
        for t in transitions.get(new.clone()).unwrap_or_default() {
            let since = self.since.entry(t.call()).or_insert(now);
            if matches!(t.from(), State::Await(_) | State::Hidden) {
                // Suspended from the end of the last poll to the start of this one: the poll
                // itself was busy, not idle. A cancellation is no poll: it ends the wait now.
                let resumed = t.start().map_or(now, |start| {
                    u64::try_from(start.as_nanos()).unwrap_or(u64::MAX)
                });
                let waited = resumed.min(now).saturating_sub(*since);
                match self.idle.iter_mut().find(|(m, _)| std::ptr::eq(*m, t.meta)) {
                    Some((_, idle)) => *idle += waited,
                    None => self.idle.push((t.meta, waited)),
                }
            }
            *since = now;
            if t.to().is_final() {
                self.since.remove(&t.call());
            }
            self.at.push(now);
        }
        new
    }

    /// How many transitions were taken in this run so far.
    pub(crate) fn taken(&self) -> usize {
        self.at.len()
    }

    /// The transitions at `range` with their depths and times, for printing.
    pub(crate) fn seen(
        &self,
        transitions: &[Transition],
        depths: &[u16],
        range: Range<usize>,
    ) -> Vec<Seen> {
        range
            .filter_map(|i| {
                Some(Seen {
                    t: *transitions.get(i)?,
                    depth: depths.get(i).copied().map_or(0, usize::from),
                    at: *self.at.get(i)?,
                })
            })
            .collect()
    }

    /// A new run starts with a new collector, whose transitions count from the start again.
    pub(crate) fn restart(&mut self) {
        self.at.clear();
        self.since.clear();
    }

    /// Since when invocation `call` (numbered in this run) sits in its state, while in flight.
    pub(crate) fn since(&self, call: u64) -> Option<u64> {
        self.since.get(&call).copied()
    }

    /// Time `meta`'s invocations spent suspended, ns.
    pub(crate) fn idle(&self, meta: &'static FnMeta) -> u64 {
        self.idle
            .iter()
            .find(|(m, _)| std::ptr::eq(*m, meta))
            .map_or(0, |(_, idle)| *idle)
    }
}
