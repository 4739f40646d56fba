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
//! [`traced!`] does the same for an async block or closure:
//! `tokio::spawn(traced!("accept loop", async move { .. }))`.
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
//! - Read expanded code or a fn's static metadata (file, line, await points): [`expansion`].

#![warn(missing_docs)]

pub use traced_async_macros::traced_async;

/// Traces an async block or closure: every poll of its future is a transition, every `.await`
/// in it a numbered await point, recorded exactly as for a `#[traced_async]` fn.
///
/// ```
/// use traced_async::traced;
///
/// # async fn accept() -> u32 { 7 }
/// let accept_loop = traced!("accept loop", async move {
///     let conn = accept().await;
///     conn + 1
/// });
/// let (out, trace) = traced_async::capture(accept_loop);
/// assert_eq!(out, 8);
/// assert_eq!(trace.function("accept loop").polls(), 1);
/// ```
///
/// The forms:
///
/// - `traced!(async move { .. })` or `traced!(async { .. })`: the block's future, traced.
///   Its output type, captures, `Send`-ness and drop order are the plain block's; `?` and
///   `return` leave the block as they would without the macro.
/// - `traced!(async |x| { .. })`, `traced!(async move |x| { .. })` (async closures, Rust 1.85):
///   still an async closure, each of whose futures is traced.
/// - `traced!(|x| async move { .. })`: a closure returning an async block (its body, or the
///   tail of its body), each returned future traced.
///
/// The name comes first, as a string literal: `traced!("accept loop", async move { .. })`.
/// Without one, traces say `<block at src/main.rs:12>` (or `<closure at ..>`), with the file
/// as `file!()` gives it and the line of `async`. Then the options of the attribute, if any:
/// `crate = path::to::traced_async` and `timing = false`
/// (`traced!("tick", timing = false, async { .. })`).
///
/// A traced block awaited inside a traced fn (or block) is nested under it in the output,
/// like a traced fn it calls; a spawned one is a trace of its own. With the `tracing` feature
/// each of its futures is a span named by the block's name, at INFO, with the `code.*` fields
/// and an event per suspension, as a fn's (a block has no arguments to record). With the `off`
/// feature the block or closure is emitted as written.
///
/// `#[traced_async]` cannot go on a closure or block: attributes on expressions are unstable,
/// and the compiler rejects them before the attribute runs. Use `traced!` there.
pub use traced_async_macros::traced;
pub use traced_async_runtime::expansion;
pub use traced_async_runtime::{
    AlreadyInstalled, Anomaly, AnomalyKind, AwaitPointTrace, AwaitStats, Captured, ConfigError,
    Elapsed, FnStats, Format, FunctionTrace, Guard, InvocationInFlight, JoinHandle, Latency, Mode,
    PollInProgress, RecorderBuilder, Replay, ReplayError, Report, RunError, Runtime,
    RuntimeBuilder, Sleep, SlowPolls, State, TaskWakes, Timeline, Timeout, Trace, Transition,
    YieldNow, block_on, capture, dump, init, report, set_recording, sleep, spawn, spawn_named,
    timeout, yield_now,
};

#[doc(hidden)]
pub use traced_async_runtime::__private;
