//! What the runtime finds out about a run: the tree of who waits where, deadlocks, lost
//! wake-ups, blocking polls, the end-of-run summary and state diagrams.

pub(crate) mod blocking;
pub(crate) mod deadlock;
pub(crate) mod dump;
pub(crate) mod lost_wakeup;
pub(crate) mod mermaid;
pub(crate) mod run_output;
pub(crate) mod run_summary;
pub(crate) mod watch;

use std::fmt;

/// The kinds of trouble the runtime reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AnomalyKind {
    /// A task returned `Pending` while nothing held its waker: it can never run again.
    LostWakeup,
    /// A poll held the thread longer than the blocking threshold.
    BlockingPoll,
    /// A spawned task panicked and nobody awaited its handle to see it.
    Panic,
    /// No task could make progress.
    Deadlock,
}

/// One problem the runtime noticed during a run, with the report it printed.
#[derive(Debug, Clone)]
pub struct Anomaly {
    pub(crate) kind: AnomalyKind,
    pub(crate) task: String,
    pub(crate) message: String,
}

impl Anomaly {
    /// What kind of problem.
    pub fn kind(&self) -> AnomalyKind {
        self.kind
    }

    /// The name of the task it happened in (`main` for the `block_on` future).
    pub fn task(&self) -> &str {
        &self.task
    }

    /// The report, as printed.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Anomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Why a run failed instead of returning.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum RunError {
    /// No task could make progress: nothing runnable, no timer set, and no waker that could
    /// still fire. `report` explains it and holds the tree of who waits where.
    Deadlock {
        /// The printed explanation.
        report: String,
    },
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Deadlock { report } => f.write_str(report),
        }
    }
}

impl std::error::Error for RunError {}
