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
            write_inv(&mut out, root, &mine, watch, now, 1);
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

fn write_inv(out: &mut String, inv: &Live, all: &[&Live], watch: &Watch, now: u64, depth: usize) {
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
    let since = watch.inv(inv.id).map(|i| i.since);
    let for_how_long = since
        .map(|s| format!("  for {}", time(now.saturating_sub(s))))
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
        write_inv(out, child, all, watch, now, depth + 1);
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
