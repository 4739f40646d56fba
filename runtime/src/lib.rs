//! The runtime half of traced-async: records the transitions of
//! `#[traced_async]` futures and prints them. Use it through the `traced-async` crate, which
//! re-exports everything here beside the attribute.
//!
//! Data flows in one direction: the attribute's expansion wraps a body in
//! [`Traced`](expansion::Traced) and each `.await` in an [`AwaitPoint`](expansion::AwaitPoint)
//! (both in [`expansion`], with the metadata it writes); a poll of `Traced` produces one
//! [`Transition`]; the capture scope active on the polling thread collects it, prints it, and
//! finally returns a [`Trace`].
//!
//! [`Runtime`] is a single-threaded executor built on that: it runs many tasks inside one
//! capture scope, tags each invocation with its task, tracks wakes, and reports deadlocks, lost
//! wake-ups and blocking polls (the `executor` and `diagnostics` modules).

#![warn(missing_docs)]

mod activity;
mod await_point;
mod block_on;
#[cfg(feature = "tracing")]
mod bridge;
mod captured;
mod clock;
mod collector;
mod context;
mod diagnostics;
mod event;
mod executor;
mod fields;
mod global;
mod histogram;
mod in_poll;
mod invocations;
mod marks;
mod meta;
mod one_poll;
mod output;
mod record;
mod replay;
mod sink;
mod start_fields;
mod state;
mod stats;
mod timeline;
mod trace;
mod traced;
mod transition;

pub use crate::activity::Mode;
pub use crate::block_on::{block_on, capture};
pub use crate::captured::Captured;
pub use crate::diagnostics::{Anomaly, AnomalyKind, RunError};
pub use crate::executor::{
    Elapsed, JoinHandle, Runtime, RuntimeBuilder, Sleep, TaskWakes, Timeout, YieldNow, dump, sleep,
    spawn, spawn_named, timeout, yield_now,
};
pub use crate::global::{
    AlreadyInstalled, ConfigError, Guard, InvocationInFlight, PollInProgress, RecorderBuilder,
    Report, SlowPolls, init, report, set_recording,
};
pub use crate::histogram::Latency;
pub use crate::output::Format;
pub use crate::replay::{Replay, ReplayError};
pub use crate::state::State;
pub use crate::stats::{AwaitStats, FnStats};
pub use crate::timeline::Timeline;
pub use crate::trace::{AwaitPointTrace, FunctionTrace, Trace};
pub use crate::transition::Transition;

pub mod expansion {
    //! What `#[traced_async]` and `traced!` expand to: the static metadata the expansion writes
    //! for each traced fn ([`FnMeta`], one [`AwaitMeta`] per await point, of an [`AwaitKind`])
    //! and the futures it wraps the body and awaited expressions in ([`Traced`],
    //! [`AwaitPoint`]).
    //!
    //! Nothing here is needed to trace a fn or to read a trace. The metadata comes back from
    //! [`FunctionTrace::meta`](crate::FunctionTrace::meta) and
    //! [`Transition::function`](crate::Transition::function), for code that wants a fn's file,
    //! line or await points; the futures are here for readers of expanded code.

    pub use crate::await_point::AwaitPoint;
    pub use crate::meta::{AwaitKind, AwaitMeta, FnMeta};
    pub use crate::traced::Traced;
}

#[doc(hidden)]
/// What the attribute's expansion names. Not a public API: it may change in any release.
pub mod __private {
    pub use crate::await_point::{AwaitPoint, enter_await, enter_unseen_macro, note_owner};
    pub use crate::clock::TestClock;
    pub use crate::meta::{AwaitKind, AwaitMeta, FnMeta};
    pub use crate::one_poll::complete_in_one_poll;
    pub use crate::state::MAX_AWAITS;
    pub use crate::traced::{Traced, traced};
    /// What an invocation's start line shows: its fields, formatted only when it is printed.
    pub mod fields {
        pub use crate::fields::{Arg, DebugField, NotDebugField, Shown};
        pub use crate::start_fields::{note, wanted};
    }
    /// The `tracing` bridge's parts the expansion names (feature `tracing`).
    #[cfg(feature = "tracing")]
    pub mod bridge {
        pub use crate::bridge::{Arg, DebugArg, FIXED_FIELDS, NotDebug, Output, SpanSite};
    }
    /// `tracing`, for the expansion's `ret` and `err` events (feature `tracing`).
    #[cfg(feature = "tracing")]
    pub use tracing;
}
