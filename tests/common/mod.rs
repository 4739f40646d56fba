//! Helpers shared by the integration tests.
#![allow(dead_code)] // Each test file uses a different subset.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use traced_async::Trace;

/// A future that is pending `polls` times (waking itself each time), then ready with `value`.
pub struct Io<T> {
    polls: u32,
    value: Option<T>,
}

impl<T: Unpin> Future for Io<T> {
    type Output = T;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if self.polls == 0 {
            return Poll::Ready(self.value.take().expect("polled after completion"));
        }
        self.polls -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Ready with `value` after `polls` pending polls.
pub fn io<T>(polls: u32, value: T) -> Io<T> {
    Io {
        polls,
        value: Some(value),
    }
}

/// The states `name` went through, by label: `["await#0.1", "await#1", "returned"]`.
pub fn states(trace: &Trace, name: &str) -> Vec<String> {
    let function = trace.function(name);
    let meta = function.meta();
    function.transitions().map(|t| t.to().name(meta)).collect()
}

/// Each await point of `name` as `label kind line text`.
pub fn points(trace: &Trace, name: &str) -> Vec<String> {
    let meta = trace.function(name).meta();
    meta.awaits()
        .iter()
        .map(|p| format!("{} {:?} {}", p.label(), p.kind(), p.expr()))
        .collect()
}
