//! The run queue: tasks whose wakers fired, in the order they fired. Wakers may fire on any
//! thread, so it is behind a mutex and wakes the runtime's thread when it parks.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Wake;
use std::thread::Thread;
use std::time::{Duration, Instant};

/// Something the runtime can run: a spawned task, or the future passed to `block_on`.
pub(crate) enum Job {
    /// The `block_on` future, polled in place (it need not be `'static`).
    Main,
    /// A spawned task; its metadata is the task id.
    Task(async_task::Runnable<u64>),
}

pub(crate) struct Queue {
    jobs: Mutex<VecDeque<Job>>,
    /// The thread running the runtime, unparked when a job arrives.
    thread: Thread,
    /// The main future is already in `jobs`: one entry is enough however often it is woken.
    main_queued: AtomicBool,
}

impl Queue {
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Queue {
            jobs: Mutex::new(VecDeque::new()),
            thread: std::thread::current(),
            main_queued: AtomicBool::new(false),
        })
    }

    pub(crate) fn push(&self, job: Job) {
        if matches!(job, Job::Main) && self.main_queued.swap(true, Ordering::SeqCst) {
            return;
        }
        self.jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push_back(job);
        self.thread.unpark();
    }

    pub(crate) fn pop(&self) -> Option<Job> {
        let job = self
            .jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front();
        if matches!(job, Some(Job::Main)) {
            self.main_queued.store(false, Ordering::SeqCst);
        }
        job
    }

    /// Takes task `id`'s queued turn out of the queue, wherever it is.
    pub(crate) fn take_task(&self, id: u64) -> Option<async_task::Runnable<u64>> {
        let mut jobs = self.jobs.lock().unwrap_or_else(PoisonError::into_inner);
        let at = jobs
            .iter()
            .position(|job| matches!(job, Job::Task(r) if *r.metadata() == id))?;
        match jobs.remove(at) {
            Some(Job::Task(runnable)) => Some(runnable),
            _ => None,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    }

    /// Sleeps until a job arrives or `timeout` passes. `park_timeout` returns early on a
    /// leftover unpark (every push unparks, even while the runtime is busy) or spuriously, so it
    /// is called again until one of the two really happened.
    pub(crate) fn park(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while self.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            std::thread::park_timeout(left);
        }
    }
}

/// The executor's waker for the main future: queues it.
pub(crate) struct MainWaker(pub(crate) Arc<Queue>);

impl Wake for MainWaker {
    fn wake(self: Arc<Self>) {
        self.0.push(Job::Main);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.push(Job::Main);
    }
}
