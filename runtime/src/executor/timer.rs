//! Timers: `sleep` and `timeout`, driven by the runtime's clock (real or virtual).

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use pin_project_lite::pin_project;

use crate::executor::clock::nanos;
use crate::executor::current;

/// Registered timers, ordered by deadline, then by registration: the firing order is fixed.
#[derive(Default)]
pub(crate) struct Timers {
    entries: BTreeMap<(u64, u64), Waker>,
    next_seq: u64,
}

impl Timers {
    /// Registers (or re-registers) a timer; returns its key.
    fn register(&mut self, key: Option<(u64, u64)>, deadline: u64, waker: &Waker) -> (u64, u64) {
        let key = key.unwrap_or_else(|| {
            self.next_seq += 1;
            (deadline, self.next_seq)
        });
        match self.entries.get_mut(&key) {
            Some(old) if old.will_wake(waker) => {}
            _ => {
                self.entries.insert(key, waker.clone());
            }
        }
        key
    }

    fn cancel(&mut self, key: (u64, u64)) {
        self.entries.remove(&key);
    }

    /// The earliest deadline, if any timer is registered.
    pub(crate) fn next_deadline(&self) -> Option<u64> {
        self.entries.keys().next().map(|&(deadline, _)| deadline)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes the timers due at `now`, with their deadlines; the caller wakes them once no
    /// borrow is held.
    pub(crate) fn take_due(&mut self, now: u64) -> Vec<(u64, Waker)> {
        let later = self.entries.split_off(&(now.saturating_add(1), 0));
        std::mem::replace(&mut self.entries, later)
            .into_iter()
            .map(|((deadline, _), waker)| (deadline, waker))
            .collect()
    }
}

/// Waits until `duration` has passed on the runtime's clock.
///
/// In deterministic mode the clock is virtual: when every task waits on a timer, it jumps to
/// the next deadline, so a sleep takes no real time.
///
/// # Panics
/// When polled outside a [`Runtime`](crate::Runtime).
pub fn sleep(duration: Duration) -> Sleep {
    Sleep {
        duration,
        deadline: None,
        key: None,
    }
}

/// The future [`sleep`] returns.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Sleep {
    duration: Duration,
    /// Set at the first poll: the clock reading then plus `duration`.
    deadline: Option<u64>,
    key: Option<(u64, u64)>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        let ready = current::with(|shared| {
            let now = shared.clock.now();
            let deadline = *this
                .deadline
                .get_or_insert(now.saturating_add(nanos(this.duration)));
            let mut timers = shared.timers.borrow_mut();
            if now >= deadline {
                if let Some(key) = this.key.take() {
                    timers.cancel(key);
                }
                true
            } else {
                this.key = Some(timers.register(this.key, deadline, cx.waker()));
                false
            }
        })
        .expect("traced_async::sleep must be polled inside a traced_async::Runtime");
        if ready {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            current::with(|shared| {
                if let Ok(mut timers) = shared.timers.try_borrow_mut() {
                    timers.cancel(key);
                }
            });
        }
    }
}

/// Runs `future` for at most `duration`: `Err(Elapsed)` if the time runs out first, in which
/// case `future` is dropped (and its traced invocations recorded as cancelled).
///
/// # Panics
/// When polled outside a [`Runtime`](crate::Runtime).
pub fn timeout<F: Future>(duration: Duration, future: F) -> Timeout<F> {
    Timeout {
        future,
        sleep: sleep(duration),
    }
}

pin_project! {
    /// The future [`timeout`] returns.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Timeout<F> {
        #[pin]
        future: F,
        sleep: Sleep,
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(output) = this.future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        match Pin::new(this.sleep).poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed(()))),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// The error of a [`timeout`] whose time ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed(());

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl std::error::Error for Elapsed {}
