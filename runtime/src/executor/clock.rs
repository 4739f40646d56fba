//! The runtime's clock: real time since the run began, or a virtual clock that only moves when
//! every task waits on a timer, or when a blocking poll held the thread (deterministic mode).

use std::cell::Cell;
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
    ///
    /// A task poll that holds the thread longer than `grain` (the blocking threshold) moves it
    /// too, by the poll's measured real duration rounded down to a whole number of grains:
    /// the tasks it held up are polled that much later, as they would be on a real clock, and
    /// the transcript stays the same from run to run as long as the blocking call's duration
    /// stays within the same multiple of the threshold.
    Virtual {
        now: Arc<AtomicU64>,
        grain: u64,
        /// The raw timestamp at which the task poll in progress began, if one is.
        poll_began: Cell<Option<u64>>,
    },
}

impl Clock {
    /// A real clock, or a virtual one charging blocking polls in whole `grain`s of ns (0: never).
    pub(crate) fn new(deterministic: bool, grain: u64) -> Self {
        if deterministic {
            Clock::Virtual {
                now: Arc::new(AtomicU64::new(0)),
                grain,
                poll_began: Cell::new(None),
            }
        } else {
            Clock::Real {
                origin: crate::clock::now(),
            }
        }
    }

    /// The time now, in nanoseconds since the runtime was built. On the virtual clock, during a
    /// task poll that has already held the thread past the threshold, the charge for it so far
    /// is included: a timer set after a blocking call counts from after it.
    pub(crate) fn now(&self) -> u64 {
        match self {
            Clock::Real { origin } => crate::clock::nanos_between(*origin, crate::clock::now()),
            Clock::Virtual { now, .. } => now.load(Ordering::Relaxed) + self.charge(),
        }
    }

    /// A task poll begins (the virtual clock measures it, to charge it if it blocks).
    pub(crate) fn begin_poll(&self) {
        if let Clock::Virtual { poll_began, .. } = self {
            poll_began.set(Some(crate::clock::now()));
        }
    }

    /// The task poll ended: the virtual clock moves by its charge, returned (0 on a real clock,
    /// or for a poll within the threshold).
    pub(crate) fn end_poll(&self) -> u64 {
        let charge = self.charge();
        if let Clock::Virtual {
            now, poll_began, ..
        } = self
        {
            poll_began.set(None);
            now.fetch_add(charge, Ordering::Relaxed);
        }
        charge
    }

    /// What the task poll in progress costs the virtual clock: its real duration so far in
    /// whole grains, once it exceeds one grain; 0 otherwise.
    fn charge(&self) -> u64 {
        match self {
            Clock::Virtual {
                grain, poll_began, ..
            } if *grain > 0 => poll_began.get().map_or(0, |began| {
                let held = crate::clock::nanos_between(began, crate::clock::now());
                charge_for(held, *grain)
            }),
            _ => 0,
        }
    }

    /// The same clock, for stamping the run's transitions.
    pub(crate) fn trace_clock(&self) -> TraceClock {
        match self {
            Clock::Real { origin } => TraceClock::Real { origin: *origin },
            Clock::Virtual { now, .. } => TraceClock::Virtual(Arc::clone(now)),
        }
    }

    pub(crate) fn is_virtual(&self) -> bool {
        matches!(self, Clock::Virtual { .. })
    }

    /// Moves virtual time forward to `to`; real time moves by itself.
    pub(crate) fn advance_to(&self, to: u64) {
        if let Clock::Virtual { now, .. } = self {
            now.fetch_max(to, Ordering::Relaxed);
        }
    }
}

/// A poll that held the thread `held` ns costs the virtual clock this much: nothing up to one
/// `grain`, else `held` rounded down to a whole number of grains.
pub(crate) fn charge_for(held: u64, grain: u64) -> u64 {
    if grain == 0 || held <= grain {
        0
    } else {
        held / grain * grain
    }
}

/// A duration in nanoseconds, saturating (584 years fit in a u64).
pub(crate) fn nanos(duration: std::time::Duration) -> u64 {
    duration.as_nanos().try_into().unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blocking_poll_is_charged_in_whole_thresholds() {
        let ms = 1_000_000;
        assert_eq!(charge_for(3 * ms, 50 * ms), 0);
        assert_eq!(charge_for(50 * ms, 50 * ms), 0);
        assert_eq!(charge_for(100 * ms + 180_000, 50 * ms), 100 * ms);
        assert_eq!(charge_for(149 * ms, 50 * ms), 100 * ms);
        assert_eq!(charge_for(60 * ms, 50 * ms), 50 * ms);
        assert_eq!(charge_for(60 * ms, 0), 0);
    }

    #[test]
    fn the_virtual_clock_moves_by_the_charge_when_the_poll_ends() {
        let clock = Clock::new(true, 1_000_000);
        clock.begin_poll();
        std::thread::sleep(std::time::Duration::from_millis(3));
        let during = clock.now();
        let charged = clock.end_poll();
        assert!(
            charged >= 3_000_000 && charged.is_multiple_of(1_000_000),
            "{charged}"
        );
        assert!(during >= 3_000_000, "{during}");
        assert_eq!(clock.now(), charged);
        // A poll within the grain costs nothing.
        clock.begin_poll();
        assert_eq!(clock.end_poll(), 0);
        assert_eq!(clock.now(), charged);
    }
}
