//! The traced body of an `async fn` that has no `.await`: run to completion in the one poll of
//! the fn's own future that runs it.
//!
//! Such a body cannot return `Pending` (only an `.await` suspends an async block), so the
//! expansion does not await it: the fn keeps no `.await` of its own, exactly as written, and
//! clippy's `unused_async` still sees an `async fn` without one.

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

/// Polls `body` once and returns its output. The body is the traced async block of a fn
/// without `.await`, polled inside the poll of the fn's own future, so it is recorded as one
/// poll of its invocation, nested under whatever is being polled, like an awaited body.
///
/// # Panics
/// If `body` returns `Pending`, which an async block without `.await` never does; the
/// expansion calls this only for bodies whose tokens hold no `await` and no macro call.
#[doc(hidden)]
pub fn complete_in_one_poll<F: Future>(body: F) -> F::Output {
    let mut body = pin!(body);
    // No waker is needed: a body that cannot suspend never registers one.
    match body.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => unreachable!("a traced body without `.await` suspended"),
    }
}
