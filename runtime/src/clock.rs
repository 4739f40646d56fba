//! Poll timing. A TSC read (through `quanta`) costs about a third of `Instant::now()`, and the
//! poll path takes two per poll when timing is on.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

static CLOCK: OnceLock<quanta::Clock> = OnceLock::new();

#[inline]
fn clock() -> &'static quanta::Clock {
    CLOCK.get_or_init(quanta::Clock::new)
}

/// A clock that tests move by hand, in place of the TSC, for the whole process: every poll's
/// duration is then exactly what the test says. Not a public API (it is in `__private`).
#[derive(Debug, Clone)]
pub struct TestClock(Arc<quanta::Mock>);

impl TestClock {
    /// Makes this process's clock one the test moves (starting at 1 s); `None` when the clock
    /// was already read, so a test installs it first.
    pub fn install() -> Option<TestClock> {
        let (clock, mock) = quanta::Clock::mock();
        mock.increment(1_000_000_000u64);
        CLOCK.set(clock).ok()?;
        Some(TestClock(mock))
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: std::time::Duration) {
        self.0.increment(by);
    }
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

/// The clock, looked up once for a timed poll's two readings and their difference (each
/// [`now`] checks that the clock is set up).
#[derive(Clone, Copy)]
pub(crate) struct Reader(&'static quanta::Clock);

impl Reader {
    /// The clock, set up if it was not.
    #[inline]
    pub(crate) fn get() -> Self {
        Reader(clock())
    }

    /// [`now`].
    #[inline]
    pub(crate) fn now(self) -> u64 {
        self.0.raw()
    }

    /// [`nanos_between`].
    #[inline]
    pub(crate) fn nanos_between(self, start: u64, end: u64) -> u64 {
        self.0.delta_as_nanos(start, end)
    }
}

/// Raw ticks between two [`now`] readings: `nanos_between(0, ticks(start, end))` is
/// `nanos_between(start, end)`, converted later.
#[inline]
pub(crate) fn ticks(start: u64, end: u64) -> u64 {
    end.saturating_sub(start)
}

/// [`nanos_between`] for many readings at once: the clock's scale read once, as ns per 2^32
/// raw ticks (exact when raw readings are ns; within a nanosecond per 4.3 s of ticks on the
/// TSC), then a multiply and a shift per conversion.
#[derive(Clone, Copy)]
pub(crate) struct Scale {
    per_2_32: u64,
}

impl Scale {
    /// The scale of a recorder that times nothing: converts everything to 0.
    pub(crate) const NONE: Scale = Scale { per_2_32: 0 };

    /// The clock's scale now.
    pub(crate) fn now() -> Self {
        Scale {
            per_2_32: nanos_between(0, 1 << 32),
        }
    }

    /// The ns between raw readings `start` and `end` (0 when `end` is not later; at most
    /// `u64::MAX`).
    #[inline]
    pub(crate) fn between(self, start: u64, end: u64) -> u64 {
        let ticks = u128::from(end.saturating_sub(start));
        let ns = (ticks * u128::from(self.per_2_32)) >> 32;
        // Clamped first, so the cast keeps the value.
        ns.min(u128::from(u64::MAX)) as u64
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scale_converts_as_the_clock_does_within_a_nanosecond_per_second() {
        let scale = Scale::now();
        let start = now();
        for ticks in [0, 1, 7, 1_000, 123_456, 3_000_000_000, 1 << 40] {
            let exact = nanos_between(start, start + ticks);
            let ours = scale.between(start, start + ticks);
            assert!(
                exact.abs_diff(ours) <= 1 + exact / 1_000_000_000,
                "{ticks}: {exact} {ours}"
            );
        }
        assert_eq!(scale.between(start + 5, start), 0);
        // The longest span does not wrap around.
        assert!(scale.between(0, u64::MAX) >= scale.between(0, u64::MAX / 2));
    }
}
