//! The two instrumented functions every variant runs, stamped out by one macro so that their
//! bodies are the same token for token; only the attribute above them differs.

use std::future::Future;
use std::hint::black_box;

/// Calls made by one `calls100k` run.
pub const CALLS: u64 = 100_000;

/// Defines `yield1000` (awaits [`YIELDS`](crate::drive::YIELDS) self-waking yield points) and
/// `leaf` (a trivial fn around a ready future), each under the given attributes.
///
/// `workload!(@points [.method()] ...)` appends the given tokens to each awaited expression
/// before its `.await` (the floors' hand-written await points, `floor.rs`: both fns have one,
/// index 0). The plain form appends none, so an attribute sees the bodies token for token.
macro_rules! workload {
    ($(#[$attr:meta])*) => {
        $crate::workload::workload!(@points [] $(#[$attr])*);
    };
    (@points [$($point:tt)*] $(#[$attr:meta])*) => {
        $(#[$attr])*
        pub async fn yield1000() -> u64 {
            let mut yields = 0;
            for _ in 0..$crate::drive::YIELDS {
                ::traced_async::yield_now() $($point)*.await;
                yields += 1;
            }
            yields
        }

        $(#[$attr])*
        pub async fn leaf(x: u64) -> u64 {
            ::std::future::ready(x + 1) $($point)*.await
        }
    };
}
pub(crate) use workload;

/// The `calls100k` loop: awaits `call(i)` for [`CALLS`] values of `i`. The loop itself is not
/// instrumented; `call` is the variant's `leaf`, wrapped at the call site where the peer wants.
pub async fn call_loop<F: Future<Output = u64>>(mut call: impl FnMut(u64) -> F) -> u64 {
    let mut sum = 0u64;
    for i in 0..CALLS {
        sum = sum.wrapping_add(call(black_box(i)).await);
    }
    sum
}
