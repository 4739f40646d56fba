//! "Where is everyone?": the tree task → traced invocation → nested invocation → the await point
//! each one is suspended at, and for how long.

use std::fmt::Write;

use crate::diagnostics::watch::Watch;
use crate::executor::task::{TaskInfo, TaskState};
use crate::invocations::Live;
use crate::output::tree::write_tree;
use crate::output::units::clock_time;

/// The tree for the tasks still alive. `running` is the task whose poll is in progress (when
/// the dump is taken from inside a task).
pub(crate) fn render(
    tasks: &[&TaskInfo],
    live: &[Live],
    watch: &Watch,
    now: u64,
    running: u64,
) -> String {
    let mut out = format!("── where is everyone? (at {}) ──\n", clock_time(now));
    let alive: Vec<&&TaskInfo> = tasks
        .iter()
        .filter(|t| t.state == TaskState::Alive)
        .collect();
    if alive.is_empty() {
        out.push_str("no task is alive\n");
    }
    for task in alive {
        let _ = writeln!(
            out,
            "task {} ({}): {}",
            task.label(),
            task.id,
            status(task, running)
        );
        let mine: Vec<&Live> = live.iter().filter(|l| l.task == task.id).collect();
        if mine.is_empty() && task.joining.is_none() {
            out.push_str("  (no traced fn in flight)\n");
        }
        let age = |inv: &Live| Some(now.saturating_sub(watch.since(inv.id)?));
        write_tree(&mut out, &mine, 1, &age);
        if let Some(joined) = task.joining {
            let name = tasks
                .iter()
                .find(|t| t.id == joined)
                .map_or_else(String::new, |t| t.label());
            let _ = writeln!(out, "  awaits the JoinHandle of task {name} ({joined})");
        }
    }
    out
}

fn status(task: &TaskInfo, running: u64) -> String {
    if task.id == running {
        return "running (this dump is taken inside its poll)".to_owned();
    }
    if task.tracker.wake_pending() {
        return "runnable: woken, waiting for its turn".to_owned();
    }
    match task.tracker.outstanding() {
        0 => "waiting, and nothing holds its waker".to_owned(),
        1 => "waiting; 1 waker held".to_owned(),
        n => format!("waiting; {n} wakers held"),
    }
}
