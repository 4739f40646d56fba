//! The runtime's clock: real time since the run began, or a virtual clock that only moves when
//! every task waits on a timer (deterministic mode).

use std::cell::Cell;

/// Nanoseconds since the runtime was built, real or virtual.
pub(crate) enum Clock {
    /// Real time since `origin`, a raw timestamp of `crate::clock` (a TSC read: a third of the
    /// cost of `Instant::now()`, and this clock is read on every poll).
    Real { origin: u64 },
    /// Virtual time: starts at 0 and jumps to the next timer's deadline when nothing can run.
    Virtual { now: Cell<u64> },
}

impl Clock {
    pub(crate) fn new(deterministic: bool) -> Self {
        if deterministic {
            Clock::Virtual { now: Cell::new(0) }
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
            Clock::Virtual { now } => now.get(),
        }
    }

    pub(crate) fn is_virtual(&self) -> bool {
        matches!(self, Clock::Virtual { .. })
    }

    /// Moves virtual time forward to `to`; real time moves by itself.
    pub(crate) fn advance_to(&self, to: u64) {
        if let Clock::Virtual { now } = self {
            now.set(now.get().max(to));
        }
    }
}

/// A duration in nanoseconds, saturating (584 years fit in a u64).
pub(crate) fn nanos(duration: std::time::Duration) -> u64 {
    duration.as_nanos().try_into().unwrap_or(u64::MAX)
}
