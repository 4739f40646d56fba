//! The task table: every task of a run, its name, its waker tracker, and what the runtime has
//! counted about its polls. Also the wrapper that makes a task poll with its tracking waker.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use pin_project_lite::pin_project;

use crate::executor::waker::Tracker;

/// What a spawned task's allocation returns: its panic message, if it panicked.
pub(crate) type TaskOutput = Option<String>;

/// Where a task is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TaskState {
    /// Not finished: runnable, or waiting for a wake.
    Alive,
    /// Its future returned.
    Done,
    /// Its future panicked.
    Panicked,
    /// Dropped before it finished (aborted, or cleared when the run failed).
    Cancelled,
}

/// What the runtime knows about one task.
pub(crate) struct TaskInfo {
    pub(crate) id: u64,
    /// The name given to `spawn_named`; unnamed tasks are labelled `task#ID` when shown.
    pub(crate) name: Option<String>,
    pub(crate) tracker: Arc<Tracker>,
    /// The allocation, kept so the runtime can cancel the task; `None` for the main future and
    /// once the task ended.
    pub(crate) handle: Option<async_task::Task<TaskOutput, u64>>,
    pub(crate) state: TaskState,
    /// Size in bytes of the task's future.
    pub(crate) size: usize,
    pub(crate) polls: u64,
    /// Polls that had no wake before them (the first poll excepted).
    pub(crate) spurious: u64,
    /// Sum and maximum of wake-to-poll latency, ns.
    pub(crate) latency_total: u64,
    pub(crate) latency_max: u64,
    pub(crate) latency_count: u64,
    /// Time inside the task's polls, ns of real time.
    pub(crate) busy: u64,
    /// A lost wake-up was reported for its current suspension.
    pub(crate) lost: bool,
    /// The task whose `JoinHandle` its last poll left it waiting on.
    pub(crate) joining: Option<u64>,
}

impl TaskInfo {
    pub(crate) fn new(id: u64, name: Option<String>, tracker: Arc<Tracker>, size: usize) -> Self {
        TaskInfo {
            id,
            name,
            tracker,
            handle: None,
            state: TaskState::Alive,
            size,
            polls: 0,
            spurious: 0,
            latency_total: 0,
            latency_max: 0,
            latency_count: 0,
            busy: 0,
            lost: false,
            joining: None,
        }
    }

    /// `main`, or the task's name, or `task#3`.
    pub(crate) fn label(&self) -> String {
        self.name.clone().unwrap_or_else(|| default_name(self.id))
    }
}

/// The default name of task `id`.
pub(crate) fn default_name(id: u64) -> String {
    format!("task#{id}")
}

pin_project! {
    /// A task's future, polled with the task's tracking waker instead of the executor's.
    pub(crate) struct Tracked<F> {
        #[pin]
        future: F,
        // The tracker as a waker, made once: one of the tracker's two owners (see `OWNERS`).
        waker: Waker,
    }
}

impl<F> Tracked<F> {
    pub(crate) fn new(tracker: Arc<Tracker>, future: F) -> Self {
        Tracked {
            future,
            waker: Waker::from(tracker),
        }
    }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        // The tracker forwards every wake to the executor's waker (the one in `_cx`).
        this.future.poll(&mut Context::from_waker(this.waker))
    }
}
