//! Poll timing. A TSC read (through `quanta`) costs about a third of `Instant::now()`, and the
//! poll path takes two per poll when timing is on.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

fn clock() -> &'static quanta::Clock {
    static CLOCK: OnceLock<quanta::Clock> = OnceLock::new();
    CLOCK.get_or_init(quanta::Clock::new)
}

/// A raw timestamp, only meaningful to [`nanos_between`].
#[inline]
pub(crate) fn now() -> u64 {
    clock().raw()
}

/// Nanoseconds between two [`now`] readings.
#[inline]
pub(crate) fn nanos_between(start: u64, end: u64) -> u64 {
    clock().delta_as_nanos(start, end)
}

/// The clock a trace's transitions are stamped on.
#[derive(Debug, Clone)]
pub(crate) enum TraceClock {
    /// Real time since the raw reading `origin`.
    Real {
        /// Raw reading when the trace began.
        origin: u64,
    },
    /// A virtual clock in ns, moved by its owner (a deterministic runtime).
    Virtual(Arc<AtomicU64>),
}

impl TraceClock {
    /// Real time from now on.
    pub(crate) fn real() -> Self {
        TraceClock::Real { origin: now() }
    }

    /// The time in ns since the trace began of a poll that started at raw reading `raw`.
    pub(crate) fn at(&self, raw: u64) -> u64 {
        match self {
            TraceClock::Real { origin } => nanos_between(*origin, raw),
            TraceClock::Virtual(now) => now.load(Ordering::Relaxed),
        }
    }
}

/// Sets the clock up now rather than inside the first timed poll.
pub(crate) fn calibrate() {
    clock();
}
