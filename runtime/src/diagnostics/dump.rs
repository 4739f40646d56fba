//! "Where is everyone?": the tree task → traced invocation → nested invocation → the await point
//! each one is suspended at, and for how long.

use std::fmt::Write;

use crate::collector::Live;
use crate::diagnostics::report::time;
use crate::diagnostics::watch::Watch;
use crate::executor::task::{TaskInfo, TaskState};
use crate::state::State;

/// The tree for the tasks still alive. `running` is the task whose poll is in progress (when
/// the dump is taken from inside a task).
pub(crate) fn render(
    tasks: &[&TaskInfo],
    live: &[Live],
    watch: &Watch,
    now: u64,
    running: u64,
) -> String {
    let mut out = format!("── where is everyone? (at {}) ──\n", time(now));
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
        for root in mine
            .iter()
            .filter(|l| !mine.iter().any(|p| p.id == l.parent))
        {
            write_inv(&mut out, root, &mine, Some((watch, now)), 1);
        }
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

/// The invocations in flight as a tree (each under the one that awaits it), for the
/// process-wide recorder's report, which knows no tasks and no durations.
pub(crate) fn write_tree(out: &mut String, live: &[Live]) {
    let all: Vec<&Live> = live.iter().collect();
    for root in all.iter().filter(|l| !all.iter().any(|p| p.id == l.parent)) {
        write_inv(out, root, &all, None, 0);
    }
}

/// One invocation and, below it, the ones it awaits; with `ages` (the run's watch and the time
/// now), how long each has waited.
fn write_inv(
    out: &mut String,
    inv: &Live,
    all: &[&Live],
    ages: Option<(&Watch, u64)>,
    depth: usize,
) {
    let meta = inv.meta;
    let place = match inv.state {
        State::Await(_) => match inv.state.await_meta(meta) {
            Some(p) => format!("at await#{} (line {}: {})", p.label(), p.line(), p.expr()),
            None => format!("at {}", inv.state),
        },
        State::Hidden => "at await#? (inside a macro the attribute cannot see into)".to_owned(),
        State::Start => "starting (first poll in progress)".to_owned(),
        other => other.to_string(),
    };
    let for_how_long = ages
        .and_then(|(watch, now)| {
            let since = watch.inv(inv.id)?.since;
            Some(format!("  for {}", time(now.saturating_sub(since))))
        })
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{:indent$}{}#{} {place}{for_how_long}",
        "",
        meta.display_name(),
        inv.id,
        indent = depth * 2
    );
    for child in all.iter().filter(|c| c.parent == inv.id) {
        write_inv(out, child, all, ages, depth + 1);
    }
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
