//! Make the state machines of `async fn` visible.
//!
//! `#[traced_async]` on an `async fn` counts every poll of its future and numbers every `.await`
//! in its body as an *await point*; every poll is one transition of the fn's state machine
//! (`start -> await#0 -> await#1 -> returned`, or `panicked`, or `cancelled`).
//!
//! ```
//! use traced_async::traced_async;
//!
//! #[traced_async]
//! async fn hello_world() {
//!     println!("hello, world!");
//! }
//!
//! let (_, trace) = traced_async::capture(hello_world());
//! assert_eq!(trace.function("hello_world").polls(), 1);
//! ```
//!
//! [`block_on`] prints the transitions as they happen (`hello_world#1  poll 1  start -> returned
//! 3.1µs`), then a summary per fn.
//!
//! Where to go next:
//! - Watch: [`block_on`] on the current thread, or [`Runtime`], an executor that explains
//!   itself (virtual clock, wake tracking, deadlock, lost wake-up and blocking poll reports,
//!   the tree of who waits where).
//! - Test: [`capture`] and [`Captured`] return a [`Trace`] to assert on.
//! - Production, any executor: [`init`] (configured by `TRACED_ASYNC`) counts into lock-free
//!   per-thread tables; [`report`] reads them.

#![warn(missing_docs)]

pub use traced_async_macros::traced_async;
pub use traced_async_runtime::{
    AlreadyInstalled, Anomaly, AnomalyKind, AwaitKind, AwaitMeta, AwaitPoint, AwaitPointTrace,
    AwaitStats, Captured, Elapsed, FnMeta, FnStats, Format, FunctionTrace, Guard, JoinHandle, Mode,
    RecorderBuilder, Report, RunError, Runtime, RuntimeBuilder, Sleep, State, TaskWakes, Timeout,
    Trace, Traced, Transition, YieldNow, block_on, capture, dump, init, report, set_recording,
    sleep, spawn, spawn_named, timeout, yield_now,
};

#[doc(hidden)]
pub use traced_async_runtime::__private;
