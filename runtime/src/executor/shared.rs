//! The state of one runtime, shared by the run loop, the handles and the free functions:
//! options, clock, timers, run queue, task table, and what has been recorded so far.

use std::cell::RefCell;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::rc::Rc;
use std::sync::Arc;

use futures::FutureExt;

use crate::collector::Collector;
use crate::context;
use crate::diagnostics::run_output::RunOutput;
use crate::diagnostics::watch::{Seen, Watch};
use crate::diagnostics::{Anomaly, AnomalyKind, dump, mermaid, run_summary};
use crate::executor::builder::Options;
use crate::executor::clock::Clock;
use crate::executor::join_handle::{self, JoinHandle};
use crate::executor::queue::{Job, Queue};
use crate::executor::scope::RunScope;
use crate::executor::task::{TaskInfo, TaskState, Tracked, default_name};
use crate::executor::timer::Timers;
use crate::executor::waker::Tracker;
use crate::invocations::Live;
use crate::state::State;
use crate::timeline::Timeline;
use crate::timeline::model::{Notice, RunLog};
use crate::trace::Trace;

/// The id of the `block_on` future's task.
pub(crate) const MAIN: u64 = 1;

pub(crate) struct Shared {
    pub(crate) options: Options,
    pub(crate) clock: Clock,
    /// Origin of the real clock used for wake latency.
    pub(crate) timers: RefCell<Timers>,
    pub(crate) queue: Arc<Queue>,
    /// Every task, `tasks[id - 1]`; entry 0 is the `block_on` future.
    pub(crate) tasks: RefCell<Vec<TaskInfo>>,
    /// Tasks aborted during the poll in progress: their futures are dropped (their last turn)
    /// as soon as that poll ends, before anything else happens.
    pub(crate) aborted: RefCell<Vec<u64>>,
    pub(crate) run: RefCell<RunState>,
}

/// What a run has recorded. Never borrowed across a poll.
pub(crate) struct RunState {
    /// The capture scope of the run in progress; shared so that a poll can run inside it
    /// while the rest of the run state stays borrowable.
    pub(crate) scope: Option<Rc<RunScope>>,
    pub(crate) watch: Watch,
    pub(crate) output: RunOutput,
    pub(crate) anomalies: Vec<Anomaly>,
    /// The run's task polls, timers and anomalies, for its timeline.
    pub(crate) log: RunLog,
    /// The trace of the last finished run.
    pub(crate) trace: Trace,
}

impl Shared {
    pub(crate) fn new(options: Options) -> Rc<Self> {
        let output = RunOutput::new(options.format, options.deterministic, options.transcript);
        let main = TaskInfo::new(MAIN, Some("main".to_owned()), Tracker::new(), 0);
        Rc::new(Shared {
            clock: Clock::new(
                options.deterministic,
                crate::executor::clock::nanos(options.blocking_threshold),
            ),
            timers: RefCell::new(Timers::default()),
            queue: Queue::new(),
            tasks: RefCell::new(vec![main]),
            aborted: RefCell::new(Vec::new()),
            run: RefCell::new(RunState {
                scope: None,
                watch: Watch::default(),
                output,
                anomalies: Vec::new(),
                log: RunLog::default(),
                trace: Trace::default(),
            }),
            options,
        })
    }

    /// Allocates a task and queues its first poll.
    pub(crate) fn spawn<F>(&self, name: Option<String>, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let id = self.tasks.borrow().len() as u64 + 1;
        let size = std::mem::size_of::<F>();
        let slot = join_handle::slot();
        let tracker = Tracker::new();
        let body = {
            let slot = Rc::clone(&slot);
            async move {
                let result = AssertUnwindSafe(future).catch_unwind().await;
                let message = result
                    .as_ref()
                    .err()
                    .map(|panic| panic_message(panic.as_ref()));
                join_handle::complete(&slot, result);
                message
            }
        };
        let queue = Arc::clone(&self.queue);
        let schedule = move |runnable| queue.push(Job::Task(runnable));
        let tracked = Tracked::new(Arc::clone(&tracker), body);
        let (runnable, handle) = async_task::Builder::new()
            .metadata(id)
            .spawn_local(move |_| tracked, schedule);
        tracker.set_inner(Some(runnable.waker()));
        let mut info = TaskInfo::new(id, name, tracker, size);
        info.handle = Some(handle);
        self.tasks.borrow_mut().push(info);
        self.sync();
        self.event_with(|| {
            let name = self.label(id);
            format!("── spawned task {name} ({id}), a future of {size} B")
        });
        runnable.schedule();
        JoinHandle::new(id, slot)
    }

    /// Cancels task `id`: its future is dropped on the runtime's thread at its next turn.
    pub(crate) fn abort(&self, id: u64) {
        let handle = {
            let mut tasks = self.tasks.borrow_mut();
            let Some(info) = tasks.get_mut(index(id)) else {
                return;
            };
            if info.state != TaskState::Alive {
                return;
            }
            info.state = TaskState::Cancelled;
            info.tracker.close();
            info.handle.take()
        };
        self.aborted.borrow_mut().push(id);
        let name = self.label(id);
        self.sync();
        self.event(&format!("── task {name} ({id}) aborted"));
        // Dropping the allocation's handle queues the task once more, to drop its future.
        drop(handle);
    }

    /// Task `waiter`'s poll is waiting on the `JoinHandle` of task `id`.
    pub(crate) fn note_join(&self, waiter: u64, id: u64) {
        if let Ok(mut tasks) = self.tasks.try_borrow_mut()
            && let Some(info) = tasks.get_mut(index(waiter))
        {
            info.joining = Some(id);
        }
    }

    /// Takes the transitions recorded since the last call and prints them.
    pub(crate) fn sync(&self) {
        let now = self.clock.now();
        let Some(scope) = self.scope() else { return };
        let mut run = self.run.borrow_mut();
        let run = &mut *run;
        let wants_lines = run.output.wants_lines();
        let taken = scope.with(|c| {
            let range = run.watch.take(c.transitions(), now);
            if !wants_lines {
                return Vec::new();
            }
            let seen = run.watch.seen(c.transitions(), c.depths(), range);
            // A start line takes its invocation's fields.
            seen.into_iter()
                .map(|s| {
                    let fields = (s.t.from() == State::Start)
                        .then(|| c.take_fields(s.t.call()))
                        .flatten();
                    (s, fields)
                })
                .collect()
        });
        for (seen, fields) in taken.unwrap_or_default() {
            let label = self.label(seen.task());
            run.output.transition(&seen, &label, fields.as_ref());
        }
    }

    /// The transitions taken at `range` in this run, with their depths and times.
    pub(crate) fn seen(&self, range: std::ops::Range<usize>) -> Vec<Seen> {
        let Some(scope) = self.scope() else {
            return Vec::new();
        };
        let run = self.run.borrow();
        scope
            .with(|c| run.watch.seen(c.transitions(), c.depths(), range))
            .unwrap_or_default()
    }

    /// Prints a runtime event and keeps it in the transcript.
    pub(crate) fn event(&self, text: &str) {
        self.run.borrow_mut().output.event(text);
    }

    /// [`event`](Self::event) for the lines written once per task (spawned, finished): not even
    /// formatted when no line goes anywhere.
    pub(crate) fn event_with(&self, text: impl FnOnce() -> String) {
        if self.run.borrow().output.wants_lines() {
            self.event(&text());
        }
    }

    /// Records and prints an anomaly.
    pub(crate) fn anomaly(&self, kind: AnomalyKind, task: u64, message: String) {
        let name = match kind {
            AnomalyKind::LostWakeup => "lost wake-up",
            AnomalyKind::BlockingPoll => "blocking poll",
            AnomalyKind::Panic => "unobserved panic",
            AnomalyKind::Deadlock => "deadlock",
        };
        let label = self.label(task);
        let mut run = self.run.borrow_mut();
        run.output
            .anomaly(name, &format!("{label} ({task})"), &message);
        let after = run.log.steps.len().checked_sub(1);
        run.log.notices.push(Notice {
            name,
            task,
            message: message.clone(),
            after: (kind != AnomalyKind::Deadlock).then_some(after).flatten(),
        });
        run.anomalies.push(Anomaly {
            kind,
            task: label,
            message,
        });
    }

    pub(crate) fn label(&self, id: u64) -> String {
        self.tasks
            .borrow()
            .get(index(id))
            .map_or_else(|| default_name(id), TaskInfo::label)
    }

    /// The traced invocations in flight.
    pub(crate) fn live(&self) -> Vec<Live> {
        self.scope()
            .and_then(|scope| scope.with(|c| c.live()))
            .unwrap_or_default()
    }

    /// The scope of the run in progress.
    pub(crate) fn scope(&self) -> Option<Rc<RunScope>> {
        self.run.borrow().scope.clone()
    }

    /// Starts a run's scope.
    pub(crate) fn begin_scope(&self, collector: Collector) {
        let mut run = self.run.borrow_mut();
        run.watch.restart();
        run.log.clear();
        run.scope = Some(Rc::new(RunScope::new(collector)));
    }

    /// Ends the run's scope and keeps its trace.
    pub(crate) fn end_scope(&self) {
        let scope = self.run.borrow_mut().scope.take();
        let collector = scope
            .and_then(|s| Rc::try_unwrap(s).ok())
            .and_then(RunScope::into_collector);
        if let Some(collector) = collector {
            self.run.borrow_mut().trace = collector.finish();
        }
    }

    /// The tree of tasks and the await points they wait at.
    pub(crate) fn dump(&self) -> String {
        let live = self.live();
        let tasks = self.tasks.borrow();
        let refs: Vec<&TaskInfo> = tasks.iter().collect();
        dump::render(
            &refs,
            &live,
            &self.run.borrow().watch,
            self.clock.now(),
            context::current_task(),
        )
    }

    pub(crate) fn summary(&self) -> String {
        let run = self.run.borrow();
        run_summary::render(&run_summary::Inputs {
            trace: &run.trace,
            watch: &run.watch,
            tasks: &self.tasks.borrow(),
            anomalies: &run.anomalies,
            hide_real: self.options.deterministic,
        })
    }

    /// The timeline of the last run (or of the run in progress, so far).
    pub(crate) fn timeline(&self) -> Timeline {
        let names = |id: u64| format!("{} ({id})", self.label(id));
        let run = self.run.borrow();
        let deterministic = self.options.deterministic;
        match self.scope() {
            Some(scope) => scope
                .with(|c| Timeline::of_run(c.transitions(), &run.log, &names, deterministic))
                .unwrap_or_else(|| Timeline::of_trace(&[], deterministic)),
            None => Timeline::of_run(run.trace.transitions(), &run.log, &names, deterministic),
        }
    }

    pub(crate) fn state_diagrams(&self) -> String {
        mermaid::render_all(&self.run.borrow().trace)
    }
}

/// Position of task `id` in the table.
pub(crate) fn index(id: u64) -> usize {
    usize::try_from(id.saturating_sub(1)).unwrap_or(usize::MAX)
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic payload that is not a string)".to_owned()
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        // Tasks left (spawned but never run, or a failed run) hold the queue through their
        // schedule function; dropping their handles and queued jobs frees them.
        let handles: Vec<_> = self
            .tasks
            .get_mut()
            .iter_mut()
            .filter_map(|t| t.handle.take())
            .collect();
        drop(handles);
        while let Some(job) = self.queue.pop() {
            drop(job);
        }
        for task in self.tasks.get_mut() {
            task.tracker.set_inner(None);
        }
    }
}
