//! The activity switch: how much a recorder records ([`Mode`]), and who records anywhere in the
//! process ([`ACTIVE`]), read by every traced poll with one relaxed load.

use std::sync::atomic::{AtomicUsize, Ordering};

/// How much is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Mode {
    /// Nothing: traced futures only poll their body.
    #[default]
    Off,
    /// Transitions, without timestamps.
    Count,
    /// Transitions with the start and duration of each poll.
    Timing,
}

/// The process-wide recorder's state, as [`ACTIVE`] holds it. Live output is the highest, so
/// that the full path's check ([`Activity::is_full`]) is one compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub(crate) enum Global {
    /// Not installed, or paused.
    Off = 0,
    /// Only counts.
    Count = 1,
    /// Only counts, and times polls.
    Time = 2,
    /// Records with live output: every transition numbered and written.
    Live = 3,
}

/// Who records anywhere: the number of capture scopes times [`SCOPE_UNIT`], plus the
/// process-wide recorder's [`Global`] state. While it is 0, a traced poll costs this one
/// relaxed load on top of the plain poll; while it is only a counting state, the same load
/// decides the lean path. Only this file reads or writes it, through [`Activity`].
static ACTIVE: AtomicUsize = AtomicUsize::new(0);

/// One capture scope in [`ACTIVE`]; the low bits hold the [`Global`] state.
const SCOPE_UNIT: usize = 4;

/// The capture scopes alive that show invocations' fields (they print start lines, or keep
/// fields for a `Runtime`'s output): with none, and no live output, a body under a quiet scope
/// does not ask its target about fields on every call (see [`fields_maybe_shown`]).
static SHOWING_FIELDS: AtomicUsize = AtomicUsize::new(0);

/// One reading of [`ACTIVE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Activity(usize);

impl Activity {
    /// Reads [`ACTIVE`].
    #[inline(always)]
    pub(crate) fn now() -> Self {
        Activity(ACTIVE.load(Ordering::Relaxed))
    }

    /// Whether no recorder could record anything.
    #[inline(always)]
    pub(crate) const fn is_idle(self) -> bool {
        self.0 == 0
    }

    /// The process-wide recorder's state.
    #[inline(always)]
    pub(crate) const fn global(self) -> Global {
        match self.0 % SCOPE_UNIT {
            0 => Global::Off,
            1 => Global::Count,
            2 => Global::Time,
            _ => Global::Live,
        }
    }

    /// Whether a poll takes the full path (neither idle nor [`is_counting`](Self::is_counting)):
    /// someone records beyond the process-wide recorder's counting.
    #[inline(always)]
    pub(crate) const fn is_full(self) -> bool {
        // Off and the two counting states are the values below live output, and only they.
        self.0 >= Global::Live as usize
    }

    /// Whether a poll takes the lean path: only the process-wide recorder records, and only
    /// counts (no capture scope anywhere, so none on this thread), timing polls or not (the
    /// fn's key says whether its polls are timed, see `counters`). One compare: only the global
    /// state is set exactly when the reading is below [`SCOPE_UNIT`], and the two counting
    /// states are its values 1 and 2.
    #[inline(always)]
    pub(crate) const fn is_counting(self) -> bool {
        self.0.wrapping_sub(Global::Count as usize)
            <= Global::Time as usize - Global::Count as usize
    }
}

/// Whether anyone could show an invocation's fields now: someone records beyond counting
/// (one relaxed load), and it is the process-wide recorder's live output or a capture scope
/// that shows fields. Only past the first load's branch is the second read, so recorder-off
/// pays what it paid for [`Activity::is_full`] alone.
#[inline(always)]
pub(crate) fn fields_maybe_shown() -> bool {
    let activity = Activity::now();
    activity.is_full()
        && (activity.global() == Global::Live || SHOWING_FIELDS.load(Ordering::Relaxed) != 0)
}

/// Whether any recorder could record anything (the await points' and markers' check).
#[inline(always)]
pub(crate) fn any() -> bool {
    !Activity::now().is_idle()
}

/// Sets the process-wide recorder's state, leaving the count of scopes as it is.
pub(crate) fn set_global(state: Global) {
    let _ = ACTIVE.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |active| {
        Some(active - active % SCOPE_UNIT + state as usize)
    });
}

/// Counts one capture scope in [`ACTIVE`] from its creation to its drop, not per poll, so that
/// entering a scope stays free of atomics; and in [`SHOWING_FIELDS`] when it shows fields.
#[derive(Debug)]
pub(crate) struct ScopeCount {
    shows_fields: bool,
}

impl ScopeCount {
    pub(crate) fn new(shows_fields: bool) -> Self {
        if shows_fields {
            SHOWING_FIELDS.fetch_add(1, Ordering::Relaxed);
        }
        ACTIVE.fetch_add(SCOPE_UNIT, Ordering::Relaxed);
        ScopeCount { shows_fields }
    }
}

impl Drop for ScopeCount {
    fn drop(&mut self) {
        ACTIVE.fetch_sub(SCOPE_UNIT, Ordering::Relaxed);
        if self.shows_fields {
            SHOWING_FIELDS.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_encoding_decides_paths_and_global_state() {
        let at = |scopes: usize, global: Global| Activity(scopes * SCOPE_UNIT + global as usize);
        assert!(at(0, Global::Off).is_idle());
        assert!(at(0, Global::Count).is_counting());
        assert!(at(0, Global::Time).is_counting());
        for (scopes, global) in [(0, Global::Off), (0, Global::Live), (1, Global::Count)] {
            assert!(!at(scopes, global).is_counting());
        }
        for (scopes, global) in [(0, Global::Live), (1, Global::Count), (1, Global::Off)] {
            assert!(at(scopes, global).is_full());
        }
        for global in [Global::Off, Global::Count, Global::Time] {
            assert!(!at(0, global).is_full());
        }
        for global in [Global::Off, Global::Live, Global::Count, Global::Time] {
            assert_eq!(at(3, global).global(), global);
        }
    }
}
