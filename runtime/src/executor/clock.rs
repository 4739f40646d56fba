//! The runtime's clock: real time since the run began, or a virtual clock that only moves when
//! every task waits on a timer (deterministic mode).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::clock::TraceClock;

/// Nanoseconds since the runtime was built, real or virtual.
pub(crate) enum Clock {
    /// Real time since `origin`, a raw timestamp of `crate::clock` (a TSC read: a third of the
    /// cost of `Instant::now()`, and this clock is read on every poll).
    Real { origin: u64 },
    /// Virtual time: starts at 0 and jumps to the next timer's deadline when nothing can run.
    /// Shared with the run's collector, which stamps poll starts with it.
    Virtual { now: Arc<AtomicU64> },
}

impl Clock {
    pub(crate) fn new(deterministic: bool) -> Self {
        if deterministic {
            Clock::Virtual {
                now: Arc::new(AtomicU64::new(0)),
            }
        } else {
            Clock::Real {
                origin: crate::clock::now(),
            }
        }
    }

    /// The time now, in nanoseconds since the runtime was built.
    pub(crate) fn now(&self) -> u64 {
        match self {
            Clock::Real { origin } => crate::clock::nanos_between(*origin, crate::clock::now()),
            Clock::Virtual { now } => now.load(Ordering::Relaxed),
        }
    }

    /// The same clock, for stamping the run's transitions.
    pub(crate) fn trace_clock(&self) -> TraceClock {
        match self {
            Clock::Real { origin } => TraceClock::Real { origin: *origin },
            Clock::Virtual { now } => TraceClock::Virtual(Arc::clone(now)),
        }
    }

    pub(crate) fn is_virtual(&self) -> bool {
        matches!(self, Clock::Virtual { .. })
    }

    /// Moves virtual time forward to `to`; real time moves by itself.
    pub(crate) fn advance_to(&self, to: u64) {
        if let Clock::Virtual { now } = self {
            now.fetch_max(to, Ordering::Relaxed);
        }
    }
}

/// A duration in nanoseconds, saturating (584 years fit in a u64).
pub(crate) fn nanos(duration: std::time::Duration) -> u64 {
    duration.as_nanos().try_into().unwrap_or(u64::MAX)
}
