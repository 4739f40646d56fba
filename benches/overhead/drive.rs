//! The executor every variant runs on, and the yield point the `yield1000` workload awaits.
//! Both are as small as they can be, so that what differs between variants is the
//! instrumentation alone.

use std::future::Future;
use std::hint::black_box;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

/// Yield points awaited by one `yield1000` run; the run takes one poll more than this.
pub const YIELDS: u64 = 1000;

/// Polls `future` on this thread until it is ready. The waker does nothing: every workload here
/// wakes itself before returning `Pending`, so polling again at once is what a real executor
/// would do next, minus its queue.
///
/// The future is polled through an opaque `dyn Future`, as executors poll their tasks: inlined
/// into this loop, the uninstrumented `yield1000` folded to a constant and measured 0 ns.
pub fn run<F: Future>(future: F) -> F::Output {
    let future: Pin<&mut dyn Future<Output = F::Output>> = pin!(future);
    let mut future = black_box(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

/// Returns `Pending` once, after waking its task, then `Ready`: the cheapest real suspension.
pub struct YieldOnce {
    yielded: bool,
}

impl YieldOnce {
    pub fn new() -> Self {
        YieldOnce { yielded: false }
    }
}

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
