//! A single-threaded executor that explains itself: it runs many tasks on the current thread,
//! records every transition of the traced futures inside them, counts who wakes whom, and
//! reports deadlocks, lost wake-ups and blocking polls.

mod builder;
pub(crate) mod clock;
pub(crate) mod current;
mod join_handle;
mod queue;
mod run;
mod scope;
pub(crate) mod shared;
pub(crate) mod task;
mod timer;
mod waker;
mod yield_now;

use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

pub use builder::RuntimeBuilder;
pub use join_handle::JoinHandle;
pub use timer::{Elapsed, Sleep, Timeout, sleep, timeout};
pub use yield_now::{YieldNow, yield_now};

use crate::diagnostics::{Anomaly, RunError};
use crate::executor::builder::Options;
use crate::executor::shared::Shared;
use crate::trace::Trace;

/// A single-threaded runtime that runs many tasks and shows what they do.
///
/// Every traced future polled by its tasks is recorded; each transition is printed as it
/// happens, prefixed with the clock and the task, and kept in a [`transcript`](Self::transcript).
/// When the run ends it prints a summary (per fn, per await point, per task, anomalies).
///
/// A run keeps what it recorded (every transition, for [`trace`](Self::trace), the dump and
/// the summary) until it ends: the runtime is for watching, testing and debugging runs of
/// bounded length. For a long-running service, run it on its production executor with the
/// process-wide recorder ([`init`](crate::init)), whose memory does not grow with time.
///
/// ```
/// use std::time::Duration;
/// use traced_async::{Runtime, sleep, traced_async};
///
/// #[traced_async]
/// async fn fetch(ms: u64) -> u64 {
///     sleep(Duration::from_millis(ms)).await;
///     ms
/// }
///
/// let rt = Runtime::builder().deterministic(true).summary(false).build();
/// let total = rt.block_on(async {
///     let a = traced_async::spawn(fetch(10));
///     let b = traced_async::spawn(fetch(20));
///     a.await + b.await
/// });
/// assert_eq!(total, 30);
/// assert!(rt.transcript().contains("── clock 10.00ms → 20.00ms"));
/// ```
pub struct Runtime {
    shared: Rc<Shared>,
}

impl Runtime {
    /// A runtime with the default options: real clock, pretty output, 5 ms blocking threshold.
    pub fn new() -> Runtime {
        RuntimeBuilder::new().build()
    }

    /// Options: deterministic mode, output format, thresholds, what to print at the end.
    pub fn builder() -> RuntimeBuilder {
        RuntimeBuilder::new()
    }

    pub(crate) fn with_options(options: Options) -> Runtime {
        Runtime {
            shared: Shared::new(options),
        }
    }

    /// Runs `future` on this thread, with every spawned task, until all have finished; returns
    /// the future's output.
    ///
    /// # Panics
    /// On a deadlock (with the report of [`try_block_on`](Self::try_block_on)), when `future`
    /// panics, or when called inside a running runtime.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.try_block_on(future)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// Like [`block_on`](Self::block_on), but a deadlock comes back as an error (whose
    /// `Display` is the report with the tree of who waits where) after every task left is
    /// cancelled.
    ///
    /// # Errors
    /// [`RunError::Deadlock`] when no task can make progress.
    pub fn try_block_on<F: Future>(&self, future: F) -> Result<F::Output, RunError> {
        run::run(&self.shared, future)
    }

    /// Spawns a task; it starts running at the next `block_on`, or at once if one is running.
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.shared.spawn(None, future)
    }

    /// Spawns a task with a name, used in the output instead of `task#N`.
    pub fn spawn_named<F>(&self, name: impl Into<String>, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.shared.spawn(Some(name.into()), future)
    }

    /// "Where is everyone?": every task still alive, the traced invocations inside it, and the
    /// await point each is suspended at, for how long. Callable from inside a task.
    pub fn dump(&self) -> String {
        self.shared.dump()
    }

    /// Everything printed so far (transitions, runtime events, reports, summaries), without
    /// colour. In deterministic mode it is the same on every run.
    pub fn transcript(&self) -> String {
        self.shared.run.borrow().output.transcript().to_owned()
    }

    /// The summary of the last run (what is printed at its end).
    pub fn summary(&self) -> String {
        self.shared.summary()
    }

    /// A Mermaid `stateDiagram-v2` per traced fn of the last run, with the observed transition
    /// counts on the edges, as Markdown.
    pub fn state_diagrams(&self) -> String {
        self.shared.state_diagrams()
    }

    /// The runtime's clock: virtual time in deterministic mode (it moves only when every task
    /// waits on a timer, or by a blocking poll's charge: see
    /// [`RuntimeBuilder::deterministic`]), real time since the runtime was built otherwise.
    pub fn elapsed(&self) -> Duration {
        Duration::from_nanos(self.shared.clock.now())
    }

    /// The last run laid out in time: a lane per task (`main (1)`), each task poll with the
    /// traced polls it made nested inside, suspensions, wakes as arrows from the poll or timer
    /// that woke a task, anomalies as instants. Write it with
    /// [`Timeline::chrome_json`](crate::timeline::Timeline::chrome_json) or
    /// [`Timeline::svg`](crate::timeline::Timeline::svg).
    pub fn timeline(&self) -> crate::timeline::Timeline {
        self.shared.timeline()
    }

    /// What the last run recorded, for tests to ask questions of.
    pub fn trace(&self) -> Trace {
        self.shared.run.borrow().trace.clone()
    }

    /// The problems noticed so far: lost wake-ups, blocking polls, unobserved panics, deadlocks.
    pub fn anomalies(&self) -> Vec<Anomaly> {
        self.shared.run.borrow().anomalies.clone()
    }

    /// Per-task wake counts, in task order: `(name, woken by itself, woken from elsewhere,
    /// polls, spurious polls)`.
    pub fn wakes(&self) -> Vec<TaskWakes> {
        self.shared
            .tasks
            .borrow()
            .iter()
            .map(|t| TaskWakes {
                name: t.label(),
                by_itself: t.tracker.self_wakes(),
                from_elsewhere: t.tracker.other_wakes(),
                polls: t.polls,
                spurious: t.spurious,
                wake_to_poll: (!self.shared.options.deterministic && t.latency_count > 0).then(
                    || {
                        (
                            Duration::from_nanos(t.latency_total / t.latency_count),
                            Duration::from_nanos(t.latency_max),
                        )
                    },
                ),
            })
            .collect()
    }
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime::new()
    }
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("options", &self.shared.options)
            .finish_non_exhaustive()
    }
}

/// How one task was woken and polled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskWakes {
    /// The task's name (`main` for the `block_on` future).
    pub name: String,
    /// Wakes that came during the task's own poll (`yield_now`, a future waking itself).
    pub by_itself: u64,
    /// Wakes from anywhere else: timers, other tasks, other threads.
    pub from_elsewhere: u64,
    /// Polls of the task.
    pub polls: u64,
    /// Mean and longest time from a wake to the poll it asked for (real time; `None` in
    /// deterministic mode, where real durations are hidden, or before any wake). A timer that
    /// fired late, because a poll held the thread past its deadline, counts from the deadline.
    /// Wakes after the task was cancelled are not counted, here or in the wake counts.
    pub wake_to_poll: Option<(Duration, Duration)>,
    /// Polls that no wake asked for (the first poll is not one). This runtime polls a task only
    /// after a wake reached it, so a count above 0 means the runtime itself went wrong.
    pub spurious: u64,
}

/// Spawns a task on the runtime running on this thread.
///
/// # Panics
/// Outside a [`Runtime`].
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    current::with(|shared| shared.spawn(None, future))
        .expect("traced_async::spawn must be called inside a traced_async::Runtime")
}

/// Spawns a named task on the runtime running on this thread.
///
/// # Panics
/// Outside a [`Runtime`].
pub fn spawn_named<F>(name: impl Into<String>, future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let name = name.into();
    current::with(|shared| shared.spawn(Some(name), future))
        .expect("traced_async::spawn_named must be called inside a traced_async::Runtime")
}

/// The tree of [`Runtime::dump`] for the runtime running on this thread, `None` outside one.
pub fn dump() -> Option<String> {
    current::with(|shared| shared.dump())
}
