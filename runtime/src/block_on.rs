//! Running a future on the current thread while watching it.

use std::future::Future;

use crate::activity::Mode;
use crate::captured::Captured;
use crate::output::Format;
use crate::trace::Trace;

/// Runs `future` to completion on the current thread, printing each transition of every traced
/// future inside it to stderr as it happens, then a summary per function.
///
/// The format comes from `TRACED_ASYNC` ([`Format::from_env`]): `pretty` (the default;
/// coloured when stderr is a terminal and `NO_COLOR` is unset), `json` (one object per
/// transition per line, then the summary) or `off`; `out=PATH` writes to that file instead.
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
/// When called from inside another `futures` executor. (A word of `TRACED_ASYNC` it cannot use
/// is warned about, never a panic.)
pub fn block_on<F: Future>(future: F) -> F::Output {
    // An unknown format was warned about when the variable was read: print pretty lines.
    let format = Format::from_env().unwrap_or(Format::Pretty);
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
