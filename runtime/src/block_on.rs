//! Running a future on the current thread while watching it.

use std::future::Future;

use crate::activity::Mode;
use crate::captured::Captured;
use crate::output::Format;
use crate::trace::Trace;

/// Runs `future` to completion on the current thread, printing each transition of every traced
/// future inside it to stderr as it happens, then a summary per function.
///
/// The format comes from `TRACED_ASYNC_FORMAT`: `pretty` (the default; coloured when stderr is
/// a terminal and `NO_COLOR` is unset), `json` (one object per transition per line) or `off`.
///
/// ```
/// use traced_async::traced_async;
///
/// #[traced_async]
/// async fn hello_world() {
///     println!("hello, world!");
/// }
///
/// let future = hello_world(); // nothing happens yet: futures are lazy
/// traced_async::block_on(future); // prints "hello, world!" and `hello_world#1 poll 1 start -> returned`
/// ```
///
/// # Panics
/// If `TRACED_ASYNC_FORMAT` holds an unknown value, or when called from inside another
/// `futures` executor.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let format = Format::from_env().unwrap_or_else(|value| {
        panic!("TRACED_ASYNC_FORMAT={value:?} is not a format: use pretty, json or off")
    });
    let mode = if format == Format::Off {
        Mode::Count
    } else {
        Mode::Timing
    };
    futures::executor::block_on(Captured::with(future, mode, format)).0
}

/// Runs `future` to completion on the current thread without printing, and returns its output
/// with the [`Trace`] of every traced future that ran inside it.
///
/// ```
/// use traced_async::traced_async;
///
/// #[traced_async]
/// async fn twice() -> u32 {
///     let a = futures::future::ready(1).await;
///     let b = futures::future::ready(2).await;
///     a + b
/// }
///
/// let (out, trace) = traced_async::capture(twice());
/// assert_eq!(out, 3);
/// assert_eq!(trace.function("twice").await_points().len(), 2);
/// ```
///
/// # Panics
/// When called from inside another `futures` executor.
pub fn capture<F: Future>(future: F) -> (F::Output, Trace) {
    futures::executor::block_on(Captured::new(future))
}
