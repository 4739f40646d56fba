//! A future that records the traced futures polled inside it, on any executor.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::activity::Mode;
use crate::clock;
use crate::collector::Collector;
use crate::output::{Format, Output};
use crate::record::Scope;
use crate::trace::Trace;

pin_project! {
    /// Runs `future` as a capture scope: every traced future polled inside one of its polls is
    /// recorded, whichever thread the poll runs on, and the output comes back with the
    /// [`Trace`]. Awaitable on any executor (tokio, smol, `futures`).
    ///
    /// Tasks spawned from inside run outside the scope and are not recorded.
    ///
    /// ```
    /// use traced_async::{traced_async, Captured};
    ///
    /// #[traced_async]
    /// async fn answer() -> u32 { 42 }
    ///
    /// let (n, trace) = futures::executor::block_on(Captured::new(answer()));
    /// assert_eq!(n, 42);
    /// assert_eq!(trace.function("answer").polls(), 1);
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Captured<F> {
        #[pin]
        future: F,
        scope: Option<Scope>,
    }
}

impl<F: Future> Captured<F> {
    /// Records silently, with poll durations.
    pub fn new(future: F) -> Self {
        Self::with(future, Mode::Timing, Format::Off)
    }

    /// Records in `mode`, and prints each transition live to stderr in `format`.
    pub fn with(future: F, mode: Mode, format: Format) -> Self {
        let output = if mode == Mode::Off {
            None
        } else {
            Output::new(format)
        };
        if mode == Mode::Timing {
            clock::calibrate();
        }
        Captured {
            future,
            scope: Some(Scope::new(Collector::new(mode, output))),
        }
    }
}

impl<F: Future> Future for Captured<F> {
    type Output = (F::Output, Trace);

    /// Every poll of the scope pays for this one: the end of the scope (building the trace)
    /// and the misuse are kept out of line.
    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let Some(scope) = this.scope.as_ref() else {
            polled_after_completion()
        };
        let future = this.future;
        let poll = {
            let _flush = FlushOnExit(scope);
            scope.enter(|| future.poll(cx))
        };
        match poll {
            Poll::Ready(output) => Poll::Ready((output, finish(this.scope))),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// The scope's future is ready: the trace, from the collector taken out of `scope`.
#[inline(never)]
fn finish(scope: &mut Option<Scope>) -> Trace {
    match scope.take() {
        Some(scope) => scope.into_collector().finish(),
        None => polled_after_completion(),
    }
}

#[cold]
#[inline(never)]
fn polled_after_completion() -> ! {
    panic!("`Captured` polled after it completed")
}

/// Writes what one poll of the scope recorded when the poll ends, also when it unwinds: the
/// transitions up to a panic (the last of them `panicked`) are the lines a user most wants, so
/// they are printed before the panic propagates.
struct FlushOnExit<'a>(&'a Scope);

impl Drop for FlushOnExit<'_> {
    #[inline]
    fn drop(&mut self) {
        self.0.flush();
    }
}
