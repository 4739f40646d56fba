//! The run loop: poll what was woken, in the order it was woken; fire due timers; when nothing
//! can run, move the virtual clock, park, or call it a deadlock.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use futures::FutureExt;

use crate::activity::Mode;
use crate::collector::Collector;
use crate::context;
use crate::diagnostics::{AnomalyKind, RunError, blocking, deadlock, lost_wakeup};
use crate::executor::current;
use crate::executor::queue::{Job, MainWaker};
use crate::executor::shared::{MAIN, Shared, index};
use crate::executor::task::{TaskInfo, TaskState, Tracked};
use crate::executor::waker::{self, Source, Tracker, wake_late};
use crate::output::units::{clock_time, plural};
use crate::timeline::model::{Step, TaskPoll, TimerFire, Woken};

/// Runs `main` and every task until all have finished, or fails on a deadlock.
pub(crate) fn run<F: Future>(shared: &Rc<Shared>, main: F) -> Result<F::Output, RunError> {
    let _current = current::enter(shared);
    crate::clock::calibrate();
    begin(shared, std::mem::size_of::<F>());
    let tracker = Arc::clone(&shared.tasks.borrow()[0].tracker);
    let mut main = Some(Box::pin(Tracked::new(tracker, main)));
    let mut output = None;
    shared.queue.push(Job::Main);
    loop {
        fire_due_timers(shared);
        if let Some(job) = shared.queue.pop() {
            match job {
                Job::Main => {
                    if let Some(future) = main.as_mut().filter(|_| output.is_none()) {
                        let poll = poll_task(shared, MAIN, || poll_main(future.as_mut()));
                        drop_aborted(shared);
                        if let Poll::Ready(value) = poll {
                            output = Some(value);
                            main = None;
                            finished(shared, MAIN, None);
                            if shared.options.dump_at_end {
                                let dump = shared.dump();
                                shared.event(&dump);
                            }
                        } else {
                            check_lost_wakeup(shared, MAIN);
                        }
                    }
                }
                Job::Task(runnable) => run_task(shared, runnable),
            }
            continue;
        }
        if output.is_some() && !any_alive(shared) {
            break;
        }
        let next = shared.timers.borrow().next_deadline();
        if let Some(deadline) = next {
            wait_for_timer(shared, deadline);
            continue;
        }
        // Nothing runnable, no timer: only a held waker can still wake someone.
        let held = held_wakers(shared);
        let waited = if shared.options.deterministic || held == 0 {
            None
        } else {
            shared.queue.park(shared.options.deadlock_timeout);
            if !shared.queue.is_empty() || !shared.timers.borrow().is_empty() {
                continue;
            }
            Some(shared.options.deadlock_timeout)
        };
        let report = deadlock::report(&shared.dump(), held, waited);
        let first_stuck = shared
            .tasks
            .borrow()
            .iter()
            .find(|t| t.state == TaskState::Alive)
            .map_or(MAIN, |t| t.id);
        shared.anomaly(AnomalyKind::Deadlock, first_stuck, report.clone());
        shut_down(shared, main.take());
        end(shared);
        return Err(RunError::Deadlock { report });
    }
    end(shared);
    Ok(output.expect("the loop ends only once the main future returned"))
}

/// A fresh collector and main task for this run.
fn begin(shared: &Shared, main_size: usize) {
    let clock = shared.clock.trace_clock();
    let collector = Collector::on_clock(Mode::Timing, None, clock).with_depths();
    // Invocations' fields are formatted only for a run whose lines go somewhere.
    let shows_fields = shared.run.borrow().output.wants_lines();
    shared.begin_scope(if shows_fields {
        collector.with_fields()
    } else {
        collector
    });
    let tracker = Tracker::new();
    tracker.set_inner(Some(Waker::from(Arc::new(MainWaker(Arc::clone(
        &shared.queue,
    ))))));
    let mut tasks = shared.tasks.borrow_mut();
    // The tasks of earlier runs are over: forget them, so a runtime used for many runs keeps a
    // table of one run's tasks (ids start again at 2). Tasks spawned before this run stay.
    if tasks[1..].iter().all(|t| t.state != TaskState::Alive) {
        tasks.truncate(1);
    }
    tasks[0] = TaskInfo::new(MAIN, Some("main".to_owned()), tracker, main_size);
}

fn poll_main<F: Future>(future: Pin<&mut Tracked<F>>) -> Poll<F::Output> {
    // `Tracked` polls with the task's own waker, so the context passed here is never used.
    future.poll(&mut Context::from_waker(Waker::noop()))
}

/// Gives the tasks aborted during the poll that just ended their last turn now, so that their
/// cancellations are recorded right after the abort, not after whatever the queue held before.
fn drop_aborted(shared: &Shared) {
    loop {
        let Some(id) = shared.aborted.borrow_mut().pop() else {
            return;
        };
        if let Some(runnable) = shared.queue.take_task(id) {
            run_task(shared, runnable);
        }
    }
}

fn run_task(shared: &Shared, runnable: async_task::Runnable<u64>) {
    let id = *runnable.metadata();
    let state = shared.tasks.borrow().get(index(id)).map(|t| t.state);
    if state != Some(TaskState::Alive) {
        // An aborted task's last turn: `run` only drops its future, which may record
        // cancellations; it is not a poll.
        in_scope(shared, id, || runnable.run());
        shared.sync();
        return;
    }
    poll_task(shared, id, || runnable.run());
    drop_aborted(shared);
    let output = {
        let mut tasks = shared.tasks.borrow_mut();
        let info = &mut tasks[index(id)];
        match info.handle.as_ref() {
            Some(handle) if handle.is_finished() => info.handle.take(),
            _ => None,
        }
    };
    match output {
        Some(handle) => finished(shared, id, handle.now_or_never().flatten()),
        None => check_lost_wakeup(shared, id),
    }
}

/// Polls task `id` inside the run's capture scope and then does the task's bookkeeping:
/// wake counts, the transitions it made, blocking and lost wake-up checks.
fn poll_task<R>(shared: &Shared, id: u64, poll: impl FnOnce() -> R) -> R {
    // The table is borrowed only around the poll, not across it (the task may spawn), and the
    // tracker is not cloned: a clone is two atomic operations on every poll.
    let (begun, first) = {
        let mut tasks = shared.tasks.borrow_mut();
        let info = &mut tasks[index(id)];
        info.joining = None;
        (info.tracker.begin_poll(), info.polls == 0)
    };
    let latency = begun.map(|(latency, _)| latency);
    let (before, step) = {
        let run = shared.run.borrow();
        (run.watch.taken(), run.log.steps.len())
    };
    let clock_before = shared.clock.now();
    let start = clock_before;
    shared.clock.begin_poll();
    let started = crate::clock::now();
    let result = {
        // The main task's panic is not caught (it propagates out of `block_on`): print what it
        // recorded up to the panic first, `panicked` included.
        let _unwinding = SyncOnUnwind(shared);
        let _sending = waker::sending_as(Source::step(step));
        in_scope(shared, id, poll)
    };
    let busy = crate::clock::nanos_between(started, crate::clock::now());
    let elapsed = Duration::from_nanos(busy);
    let charged = shared.clock.end_poll();
    // After the charge: a poll that held the thread spans the time it held it.
    let end = shared.clock.now();
    shared.tasks.borrow()[index(id)].tracker.end_poll();
    if charged > 0 {
        shared.event(&format!(
            "── clock {} → {}: a poll of task {} held the thread",
            clock_time(clock_before),
            clock_time(clock_before + charged),
            shared.label(id),
        ));
    }
    shared.sync();
    {
        let mut run = shared.run.borrow_mut();
        let woken = match begun.map(|(_, by)| by.as_step()) {
            _ if first => Woken::First,
            None => Woken::Unasked,
            Some(None) => Woken::Elsewhere,
            Some(Some(by)) => match run.log.steps.get(by) {
                Some(Step::Poll(p)) if p.task == id => Woken::Itself,
                Some(Step::Poll(_)) => Woken::Poll(by),
                Some(Step::Timers(_)) => Woken::Timers(by),
                None => Woken::Elsewhere,
            },
        };
        let polls = shared.tasks.borrow()[index(id)].polls + 1;
        let after = run.watch.taken();
        run.log.steps.push(Step::Poll(TaskPoll {
            task: id,
            poll: polls,
            transitions: before..after,
            start,
            end,
            woken,
        }));
    }
    {
        let mut tasks = shared.tasks.borrow_mut();
        let info = &mut tasks[index(id)];
        if latency.is_none() && info.polls > 0 {
            info.spurious += 1;
        }
        info.polls += 1;
        if let Some(latency) = latency {
            info.latency_total += latency;
            info.latency_max = info.latency_max.max(latency);
            info.latency_count += 1;
        }
        info.busy += busy;
    }
    if elapsed > shared.options.blocking_threshold {
        let batch = shared.seen(before..shared.run.borrow().watch.taken());
        let message = blocking::report(
            &shared.label(id),
            elapsed,
            shared.options.blocking_threshold,
            &batch,
            shared.options.deterministic.then_some(charged),
        );
        shared.anomaly(AnomalyKind::BlockingPoll, id, message);
    }
    result
}

/// Prints a task's transitions when its poll unwinds; a poll that returns is synced below.
struct SyncOnUnwind<'a>(&'a Shared);

impl Drop for SyncOnUnwind<'_> {
    fn drop(&mut self) {
        // A borrow still held by the code that panicked would make `sync` panic again (an
        // abort): then the lines are lost rather than the process.
        if std::thread::panicking() && self.0.run.try_borrow_mut().is_ok() {
            self.0.sync();
        }
    }
}

/// After a poll that returned `Pending`: a task nobody can wake is reported once per
/// suspension. Called for every poll; a finished task has no waker to lose.
fn check_lost_wakeup(shared: &Shared, id: u64) {
    let message = {
        let mut tasks = shared.tasks.borrow_mut();
        let info = &mut tasks[index(id)];
        let stuck = info.state == TaskState::Alive
            && !info.tracker.wake_pending()
            && info.tracker.outstanding() == 0;
        if !stuck {
            info.lost = false;
            return;
        }
        if info.lost {
            return;
        }
        info.lost = true;
        lost_wakeup::report(info, &shared.live())
    };
    shared.anomaly(AnomalyKind::LostWakeup, id, message);
}

/// Runs `f` with the run's collector installed on this thread and `id` as the current task.
fn in_scope<R>(shared: &Shared, id: u64, f: impl FnOnce() -> R) -> R {
    struct Restore(u64);
    impl Drop for Restore {
        fn drop(&mut self) {
            context::set_task(self.0);
        }
    }
    let scope = shared.scope().expect("a run is in progress");
    let restore = Restore(context::set_task(id));
    let result = scope.enter(f);
    drop(restore);
    result
}

/// Task `id` ended; `panic` is its panic message if it panicked.
fn finished(shared: &Shared, id: u64, panic: Option<String>) {
    let wants_line = shared.run.borrow().output.wants_lines();
    let line = {
        let mut tasks = shared.tasks.borrow_mut();
        let info = &mut tasks[index(id)];
        info.state = if panic.is_some() {
            TaskState::Panicked
        } else {
            TaskState::Done
        };
        info.tracker.set_inner(None);
        wants_line.then(|| {
            format!(
                "── task {} ({}) {} after {} poll{}; woken {} by itself, {} from elsewhere",
                info.label(),
                info.id,
                if panic.is_some() {
                    "panicked"
                } else {
                    "finished"
                },
                info.polls,
                plural(info.polls),
                info.tracker.self_wakes(),
                info.tracker.other_wakes(),
            )
        })
    };
    if let Some(line) = line {
        shared.event(&line);
    }
    if let Some(message) = panic {
        let label = shared.label(id);
        shared.anomaly(
            AnomalyKind::Panic,
            id,
            format!("⚠ task {label} ({id}) panicked: {message}"),
        );
    }
}

fn any_alive(shared: &Shared) -> bool {
    shared
        .tasks
        .borrow()
        .iter()
        .any(|t| t.id != MAIN && t.state == TaskState::Alive)
}

/// Waker clones held by anything for tasks still alive.
fn held_wakers(shared: &Shared) -> usize {
    shared
        .tasks
        .borrow()
        .iter()
        .filter(|t| t.state == TaskState::Alive)
        .map(|t| t.tracker.outstanding())
        .sum()
}

fn fire_due_timers(shared: &Shared) {
    let now = shared.clock.now();
    if shared
        .timers
        .borrow()
        .next_deadline()
        .is_none_or(|next| next > now)
    {
        return;
    }
    let due = shared.timers.borrow_mut().take_due(now);
    let step = shared.run.borrow().log.steps.len();
    let count = due.len();
    {
        // Woken after the borrow ends: a wake may run code that registers timers. On the real
        // clock a timer fired past its deadline (a poll held the thread) made its task ready
        // at the deadline: its wake-to-poll latency counts from there.
        let real = !shared.clock.is_virtual();
        let _sending = waker::sending_as(Source::step(step));
        for (deadline, waker) in due {
            let late = if real {
                now.saturating_sub(deadline)
            } else {
                0
            };
            wake_late(waker, late);
        }
    }
    let end = shared.clock.now();
    shared
        .run
        .borrow_mut()
        .log
        .steps
        .push(Step::Timers(TimerFire {
            start: now,
            end,
            count,
        }));
}

/// Nothing is runnable and the next timer is due at `deadline`.
fn wait_for_timer(shared: &Shared, deadline: u64) {
    let now = shared.clock.now();
    if shared.clock.is_virtual() {
        shared.clock.advance_to(deadline);
        shared.event(&format!(
            "── clock {} → {}: every task waits on a timer",
            clock_time(now),
            clock_time(deadline)
        ));
    } else if deadline > now {
        shared.queue.park(Duration::from_nanos(deadline - now));
    }
}

/// Cancels every task still alive and drops the main future, recording their cancellations.
fn shut_down<F: Future>(shared: &Shared, main: Option<Pin<Box<Tracked<F>>>>) {
    let handles: Vec<_> = {
        let mut tasks = shared.tasks.borrow_mut();
        tasks
            .iter_mut()
            .filter(|t| t.state == TaskState::Alive)
            .filter_map(|t| {
                t.state = TaskState::Cancelled;
                t.tracker.close();
                t.handle.take()
            })
            .collect()
    };
    drop(handles);
    while let Some(job) = shared.queue.pop() {
        if let Job::Task(runnable) = job {
            run_task(shared, runnable);
        }
    }
    if let Some(main) = main {
        shared.tasks.borrow()[0].tracker.close();
        in_scope(shared, MAIN, || drop(main));
        shared.sync();
    }
    if let Some(info) = shared.tasks.borrow_mut().first_mut()
        && info.state == TaskState::Alive
    {
        info.state = TaskState::Cancelled;
    }
}

/// Ends the run: keeps the trace, prints the summary, the dump and the state diagrams asked
/// for.
fn end(shared: &Shared) {
    shared.end_scope();
    if shared.options.summary {
        let summary = shared.summary();
        let mut run = shared.run.borrow_mut();
        let functions = run.trace.stats();
        run.output.summary(&summary, &functions);
    }
    if let Some(path) = &shared.options.state_diagrams
        && let Err(error) = std::fs::write(path, shared.state_diagrams())
    {
        let path = path.display();
        shared.event(&format!(
            "⚠ could not write the state diagrams to {path}: {error}"
        ));
    }
    let (chrome, svg) = (&shared.options.chrome_trace, &shared.options.svg);
    if chrome.is_some() || svg.is_some() {
        let timeline = shared.timeline();
        for (path, what, svg) in [(chrome, "Chrome trace", false), (svg, "SVG timeline", true)] {
            let Some(path) = path else { continue };
            let path = &numbered(path);
            let written = std::fs::File::create(path).and_then(|mut file| {
                if svg {
                    std::io::Write::write_all(&mut file, timeline.svg().as_bytes())
                } else {
                    timeline.write_chrome(&mut file)
                }
            });
            if let Err(error) = written {
                let path = path.display();
                shared.event(&format!("⚠ could not write the {what} to {path}: {error}"));
            }
        }
    }
}

/// `path` with `{n}` replaced by how many timeline files this process wrote so far, plus one:
/// a program that runs several runtimes (`TRACED_ASYNC_SVG=run-{n}.svg`) keeps each picture.
fn numbered(path: &std::path::Path) -> std::path::PathBuf {
    static WRITTEN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let text = path.to_string_lossy();
    if !text.contains("{n}") {
        return path.to_owned();
    }
    let n = WRITTEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    text.replace("{n}", &n.to_string()).into()
}
