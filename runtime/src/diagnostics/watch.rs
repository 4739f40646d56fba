//! Follows the recorded transitions as a run goes: which task each invocation belongs to, how
//! deep it is nested, since when it sits in its state, and how long each fn waited in total.

use std::collections::HashMap;

use crate::meta::FnMeta;
use crate::state::State;
use crate::transition::Transition;

/// One invocation in flight, as the runtime sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Inv {
    pub(crate) task: u64,
    pub(crate) depth: usize,
    /// When its last poll ended, leaving it in its current state (ns on the runtime's clock).
    pub(crate) since: u64,
}

/// A transition with what the runtime adds to it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seen {
    pub(crate) t: Transition,
    pub(crate) depth: usize,
    pub(crate) task: u64,
    pub(crate) at: u64,
}

#[derive(Default)]
pub(crate) struct Watch {
    /// Transitions already taken from the collector.
    seen: usize,
    invs: HashMap<u64, Inv>,
    /// Time each fn spent suspended, summed over its invocations.
    idle: Vec<(&'static FnMeta, u64)>,
    /// Every transition so far, as the runtime saw it.
    history: Vec<Seen>,
}

impl Watch {
    /// Takes the transitions recorded since the last call, all made while `task` was polled
    /// (or dropped) at `now`; returns how many there were.
    pub(crate) fn take(&mut self, transitions: &[Transition], task: u64, now: u64) -> usize {
        let new = transitions.get(self.seen..).unwrap_or_default();
        self.seen = transitions.len();
        // A callee's first transition is recorded before its caller's (its poll ends first), so
        // parents are looked up among this batch's starts as well as among known invocations.
        let parents: HashMap<u64, u64> = new
            .iter()
            .filter(|t| t.from() == State::Start)
            .map(|t| (t.call(), t.parent().unwrap_or(0)))
            .collect();
        for t in new {
            let depth = self.depth(t.call(), &parents);
            let inv = self.invs.entry(t.call()).or_insert(Inv {
                task,
                depth,
                since: now,
            });
            if matches!(t.from(), State::Await(_) | State::Hidden) {
                let waited = now.saturating_sub(inv.since);
                match self.idle.iter_mut().find(|(m, _)| std::ptr::eq(*m, t.meta)) {
                    Some((_, idle)) => *idle += waited,
                    None => self.idle.push((t.meta, waited)),
                }
            }
            inv.since = now;
            self.history.push(Seen {
                t: *t,
                depth,
                task: inv.task,
                at: now,
            });
        }
        for t in new {
            if t.to().is_final() {
                self.invs.remove(&t.call());
            }
        }
        new.len()
    }

    fn depth(&self, call: u64, parents: &HashMap<u64, u64>) -> usize {
        if let Some(inv) = self.invs.get(&call) {
            return inv.depth;
        }
        match parents.get(&call) {
            Some(&parent) if parent != 0 && parent != call => self.depth(parent, parents) + 1,
            _ => 0,
        }
    }

    /// A new run starts with a new collector, whose transitions count from the start again.
    pub(crate) fn restart(&mut self) {
        self.seen = 0;
        self.invs.clear();
    }

    /// The invocation numbered `call` in this run, while in flight.
    pub(crate) fn inv(&self, call: u64) -> Option<Inv> {
        self.invs.get(&call).copied()
    }

    /// Time `meta`'s invocations spent suspended, ns.
    pub(crate) fn idle(&self, meta: &'static FnMeta) -> u64 {
        self.idle
            .iter()
            .find(|(m, _)| std::ptr::eq(*m, meta))
            .map_or(0, |(_, idle)| *idle)
    }

    /// The last `n` transitions taken.
    pub(crate) fn last(&self, n: usize) -> &[Seen] {
        &self.history[self.history.len().saturating_sub(n)..]
    }

    /// Every transition taken, in order.
    pub(crate) fn history(&self) -> &[Seen] {
        &self.history
    }
}
