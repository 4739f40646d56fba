//! Make the state machines of `async fn` visible.
//!
//! `#[traced_async]` on an `async fn` counts every poll of its future and numbers every `.await`
//! in its body as an *await point*; [`block_on`] runs a future and prints each transition
//! (`start -> await#0 -> await#1 -> returned`) as it happens; [`capture`] returns them as a
//! [`Trace`] that tests can assert on.
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
