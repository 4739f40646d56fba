//! Lost wake-up: a task returned `Pending`, and its waker was neither woken nor kept by
//! anything. No one can wake it, so it will never be polled again.
//!
//! Detected after each poll from the task's tracking waker: no wake is pending and the only
//! strong references to it are the task's own (see `executor::waker`).

use crate::executor::task::TaskInfo;
use crate::invocations::Live;
use crate::output::place::Place;

/// The report for `task`, naming the await point its innermost traced invocation is at.
pub(crate) fn report(task: &TaskInfo, live: &[Live]) -> String {
    let mut out = format!(
        "⚠ lost wake-up in task {} ({}): it returned Pending, but its waker was never woken and \
         no clone of it is kept, so nothing can ever poll it again",
        task.label(),
        task.id
    );
    match where_suspended(task.id, live) {
        Some(path) => {
            out.push_str("\n  suspended at: ");
            out.push_str(&path);
            out.push_str(
                "\n  the future awaited there returned Pending without keeping cx.waker()",
            );
        }
        None => out.push_str("\n  (no traced fn in this task says where it stopped)"),
    }
    out
}

/// `outer#1 await#1 → inner#2 await#0 (line 12: Forgetful)`: the chain of the task's traced
/// invocations down to the innermost one.
pub(crate) fn where_suspended(task: u64, live: &[Live]) -> Option<String> {
    let mine: Vec<&Live> = live.iter().filter(|l| l.task == task).collect();
    let leaf = mine.iter().max_by_key(|l| (l.depth, l.id))?;
    let mut chain = vec![*leaf];
    while let Some(parent) = mine.iter().find(|p| p.id == chain[chain.len() - 1].parent) {
        chain.push(parent);
    }
    let steps: Vec<String> = chain.iter().rev().map(|l| step(l)).collect();
    Some(steps.join(" → "))
}

fn step(inv: &Live) -> String {
    format!(
        "{}#{} {}",
        inv.meta.display_name(),
        inv.id,
        Place::of(inv.meta, inv.state).with_source()
    )
}
