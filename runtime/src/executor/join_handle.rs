//! The handle `spawn` returns: awaiting it gives the task's output.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use crate::executor::current;

/// Where a task leaves its result for its handle.
pub(crate) struct Slot<T> {
    result: Option<std::thread::Result<T>>,
    waiter: Option<Waker>,
    /// The handle was dropped: nobody will read a result.
    detached: bool,
}

pub(crate) type SharedSlot<T> = Rc<RefCell<Slot<T>>>;

pub(crate) fn slot<T>() -> SharedSlot<T> {
    Rc::new(RefCell::new(Slot {
        result: None,
        waiter: None,
        detached: false,
    }))
}

/// Stores the task's result and wakes whoever awaits the handle. Returns `true` when the result
/// is a panic nobody will see (the handle was dropped), so the runtime reports it.
pub(crate) fn complete<T>(slot: &SharedSlot<T>, result: std::thread::Result<T>) -> bool {
    let mut slot = slot.borrow_mut();
    let unseen_panic = slot.detached && result.is_err();
    slot.result = Some(result);
    if let Some(waiter) = slot.waiter.take() {
        waiter.wake();
    }
    unseen_panic
}

/// An owned permission to await a spawned task's output.
///
/// Awaiting it returns the task's output; if the task panicked, the panic resumes in the task
/// that awaits. Dropping it lets the task run on, detached. [`abort`](JoinHandle::abort)
/// cancels the task: its traced futures are recorded as cancelled at their await points.
#[must_use = "dropping a JoinHandle detaches the task; await it to get its output"]
pub struct JoinHandle<T> {
    id: u64,
    slot: SharedSlot<T>,
}

impl<T> JoinHandle<T> {
    pub(crate) fn new(id: u64, slot: SharedSlot<T>) -> Self {
        JoinHandle { id, slot }
    }

    /// The task's id: 1 is the `block_on` future, spawned tasks count up from 2.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// Whether the task has finished (returned or panicked).
    pub fn is_finished(&self) -> bool {
        self.slot.borrow().result.is_some()
    }

    /// Cancels the task: its future is dropped at the await point it is suspended at.
    ///
    /// # Panics
    /// When called outside the runtime that spawned the task.
    pub fn abort(self) {
        if self.is_finished() {
            return;
        }
        current::with(|shared| shared.abort(self.id))
            .expect("JoinHandle::abort must be called inside the traced_async Runtime that spawned the task");
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut slot = self.slot.borrow_mut();
        match slot.result.take() {
            Some(Ok(output)) => Poll::Ready(output),
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => {
                slot.waiter = Some(cx.waker().clone());
                drop(slot);
                current::with(|shared| shared.note_join(crate::context::current_task(), self.id));
                Poll::Pending
            }
        }
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        if let Ok(mut slot) = self.slot.try_borrow_mut() {
            slot.detached = true;
            slot.waiter = None;
        }
    }
}

impl<T> std::fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}
