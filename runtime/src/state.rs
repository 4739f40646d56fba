//! The states of a traced invocation's state machine, and their two-byte encoding in a frame.

use std::fmt;

use crate::meta::{AwaitMeta, FnMeta};

/// A state of one invocation of a traced `async fn`.
///
/// Every poll moves an invocation from one state to the next:
/// `start -> await#0 -> await#1 -> returned`, or to `panicked`, or, when the future is dropped
/// while suspended, to `cancelled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Created, not yet polled.
    Start,
    /// Suspended at the await point with this index (see [`FnMeta::awaits`]).
    Await(u16),
    /// Suspended inside code the attribute could not see (a macro it does not know that
    /// expands to an `.await`); shown as `await#?`.
    Hidden,
    /// The body ran to its end: the future is `Ready`.
    Returned,
    /// A poll panicked; the panic went on to the caller unchanged.
    Panicked,
    /// The future was dropped while suspended.
    Cancelled,
}

// Two-byte codes: await indices count up from 0, the other states count down from u16::MAX;
// the codes a frame drops quietly with (see `drops_quietly_code`) are the top five.
const START: u16 = u16::MAX;
/// A frame's code, never a transition's: the invocation's first poll was not recorded (no one
/// recorded then, or nobody selected it), so later polls are not either: counting it from the
/// middle would report a call that never started (`main 1 in flight` for a `main` that
/// installed the recorder in its first poll).
const UNSEEN: u16 = u16::MAX - 1;
const RETURNED: u16 = u16::MAX - 2;
const PANICKED: u16 = u16::MAX - 3;
const CANCELLED: u16 = u16::MAX - 4;
const HIDDEN: u16 = u16::MAX - 5;

/// The most await points one function can have; the attribute rejects more. The poll context
/// uses the top bit of an await point's code to mark several branches pending at once.
pub const MAX_AWAITS: u16 = 0x8000;

/// Set on the suspended await point's code when more than one await point of the frame
/// returned `Pending` in one poll: several branches of a `join!` or `select!`.
pub(crate) const SEVERAL: u16 = 0x8000;

impl State {
    /// `true` for the states an invocation never leaves: returned, panicked, cancelled.
    pub fn is_final(self) -> bool {
        matches!(self, State::Returned | State::Panicked | State::Cancelled)
    }

    /// The await point this state is suspended at, looked up in `meta`.
    pub fn await_meta(self, meta: &'static FnMeta) -> Option<&'static AwaitMeta> {
        match self {
            State::Await(i) => meta.awaits().get(usize::from(i)),
            _ => None,
        }
    }

    /// The name used in output: `start`, `await#3`, `await#3.1`, `await#?`, `returned`, ...
    pub fn name(self, meta: &'static FnMeta) -> String {
        match self {
            State::Await(i) => match meta.awaits().get(usize::from(i)) {
                Some(point) => format!("await#{}", point.label()),
                None => format!("await#{i}"),
            },
            other => other.to_string(),
        }
    }

    /// Whether an encoded state is `start`: the invocation has had no recorded poll.
    #[inline(always)]
    pub(crate) const fn is_start_code(code: u16) -> bool {
        code == START
    }

    /// The frame code of an invocation whose first poll nobody recorded: none of its polls is
    /// recorded (see `UNSEEN`).
    #[inline(always)]
    pub(crate) const fn unseen_code() -> u16 {
        UNSEEN
    }

    /// Whether an encoded state is `start` or the unseen mark: one compare, the two are the
    /// top codes.
    #[inline(always)]
    pub(crate) const fn is_start_or_unseen_code(code: u16) -> bool {
        code >= UNSEEN
    }

    /// Whether dropping a frame in this state records nothing: never polled (`start`), never
    /// recorded (unseen) or finished. One compare: the codes from `cancelled` up are these.
    #[inline(always)]
    pub(crate) const fn drops_quietly_code(code: u16) -> bool {
        code >= CANCELLED
    }

    /// Whether an encoded state is suspended at an await point.
    #[inline(always)]
    pub(crate) const fn is_await_code(code: u16) -> bool {
        code < MAX_AWAITS
    }

    /// Whether `from` and `to` are the same await point: one test of bits, not two
    /// compares (the await codes are those without the top bit).
    #[inline(always)]
    pub(crate) const fn is_same_await_code(from: u16, to: u16) -> bool {
        const { assert!(MAX_AWAITS == 0x8000) };
        (from ^ to) | (to & MAX_AWAITS) == 0
    }

    /// [`is_final`](Self::is_final) on an encoded state.
    #[inline]
    pub(crate) const fn is_final_code(code: u16) -> bool {
        code >= CANCELLED && code <= RETURNED
    }

    #[inline(always)]
    pub(crate) const fn encode(self) -> u16 {
        match self {
            State::Start => START,
            State::Await(i) => i,
            State::Hidden => HIDDEN,
            State::Returned => RETURNED,
            State::Panicked => PANICKED,
            State::Cancelled => CANCELLED,
        }
    }

    #[inline(always)]
    pub(crate) const fn decode(code: u16) -> Self {
        match code {
            START => State::Start,
            HIDDEN => State::Hidden,
            RETURNED => State::Returned,
            PANICKED => State::Panicked,
            CANCELLED => State::Cancelled,
            i => State::Await(i),
        }
    }
}

/// Without the function's metadata a state prints by index: `await#3`.
impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            State::Start => f.write_str("start"),
            State::Await(i) => write!(f, "await#{i}"),
            State::Hidden => f.write_str("await#?"),
            State::Returned => f.write_str("returned"),
            State::Panicked => f.write_str("panicked"),
            State::Cancelled => f.write_str("cancelled"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_round_trips() {
        for state in [
            State::Start,
            State::Await(0),
            State::Hidden,
            State::Returned,
            State::Panicked,
            State::Cancelled,
        ] {
            assert_eq!(State::is_final_code(state.encode()), state.is_final());
            let quiet = state.is_final() || state == State::Start;
            assert_eq!(State::drops_quietly_code(state.encode()), quiet, "{state}");
        }
        assert!(State::drops_quietly_code(State::unseen_code()));
        assert!(State::is_start_or_unseen_code(State::unseen_code()));
        for state in [
            State::Await(0),
            State::Hidden,
            State::Returned,
            State::Cancelled,
        ] {
            assert!(!State::is_start_or_unseen_code(state.encode()), "{state}");
        }
        assert!(State::is_start_or_unseen_code(State::Start.encode()));
        assert!(!State::drops_quietly_code(MAX_AWAITS - 1));
        for state in [
            State::Start,
            State::Await(0),
            State::Await(MAX_AWAITS - 1),
            State::Hidden,
            State::Returned,
            State::Panicked,
            State::Cancelled,
        ] {
            assert_eq!(State::decode(state.encode()), state);
        }
    }
}
