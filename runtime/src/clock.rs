//! Poll timing. A TSC read (through `quanta`) costs about a third of `Instant::now()`, and the
//! poll path takes two per poll when timing is on.

use std::sync::OnceLock;

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

/// Sets the clock up now rather than inside the first timed poll.
pub(crate) fn calibrate() {
    clock();
}
