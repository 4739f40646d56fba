//! The wrapper the attribute puts around each awaited expression: when the awaited future
//! returns `Pending`, it tells the enclosing traced frame which await point suspended.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::future::FusedFuture;

use crate::activity;
use crate::context;
use crate::marks;
use crate::meta::FnMeta;

/// Whether the poll context listens to await points: a recorder may record, or (feature
/// `tracing`) a subscriber may want spans, whose suspension events name the await point.
#[inline(always)]
fn listening() -> bool {
    #[cfg(feature = "tracing")]
    return activity::any() || crate::bridge::maybe();
    #[cfg(not(feature = "tracing"))]
    activity::any()
}

/// Await point number `N` of a traced fn: `expr.await` becomes
/// `AwaitPoint::<_, N>::new(expr).await`.
///
/// Adds no bytes to the awaited future; `Send`, `Sync` and `Unpin` exactly when it is.
// pin-project-lite cannot take a const generic, so the one projection is written by hand below.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct AwaitPoint<F, const N: u16> {
    future: F,
}

impl<F: Future, const N: u16> AwaitPoint<F, N> {
    #[doc(hidden)]
    /// Called by the attribute's expansion with the awaited expression.
    #[inline]
    pub fn new<I: IntoFuture<IntoFuture = F>>(awaited: I) -> Self {
        AwaitPoint {
            future: awaited.into_future(),
        }
    }
}

impl<F: Future, const N: u16> Future for AwaitPoint<F, N> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `future` is structurally pinned. `AwaitPoint` never moves it out of a pinned
        // `self` (no method takes it by value or swaps it), has no `Drop` impl that could, is not
        // `repr(packed)`, and is `Unpin` only when `F` is (the auto-trait rule, no manual impl).
        let future = unsafe { self.map_unchecked_mut(|point| &mut point.future) };
        let poll = future.poll(cx);
        if poll.is_pending() && listening() {
            context::suspended_at(N);
        }
        poll
    }
}

/// Branches of `futures::select!` must be fused; a wrapped branch stays fused.
impl<F: FusedFuture, const N: u16> FusedFuture for AwaitPoint<F, N> {
    fn is_terminated(&self) -> bool {
        self.future.is_terminated()
    }
}

#[doc(hidden)]
/// Marks entry into the statement holding await point `index` (one plain `.await`, left as
/// written) or into suspending macro call `index`: a suspension no [`AwaitPoint`] reports is
/// blamed on the last await point entered.
#[inline]
pub fn enter_await(index: u16) {
    // With no recorder anywhere, one load: the thread-local write is for the frame's
    // recorded poll to read.
    if listening() {
        context::enter_region(index);
    }
}

#[doc(hidden)]
/// Marks entry into a macro call the attribute knows nothing about: a suspension inside it is
/// shown as `await#?`, not blamed on an earlier macro call.
#[inline]
pub fn enter_unseen_macro() {
    if listening() {
        context::enter_region(marks::NO_REGION);
    }
}

#[doc(hidden)]
/// Notes the `Self` type of a traced method, so that output can say `Type::method`. Called by
/// the expansion of a method's body; one load while no recorder is active.
#[inline]
pub fn note_owner(meta: &'static FnMeta, type_name: fn() -> &'static str) {
    if activity::any() {
        meta.note_owner(type_name);
    }
}
