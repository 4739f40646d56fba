//! The executor every variant runs on, as small as it can be, so that what differs between
//! variants is the instrumentation alone. The `yield1000` workload awaits
//! `traced_async::yield_now`, the cheapest real suspension (wake itself, `Pending` once).

use std::future::Future;
use std::hint::black_box;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use crate::variant::Variant;

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

/// One run of a variant's workload: [`run`], with the variant's recording switched on for it
/// ([`Variant::recording`]).
pub fn run_in<V: Variant, F: Future>(future: F) -> F::Output {
    V::recording(true);
    let output = run(future);
    V::recording(false);
    output
}
