//! Deadlock: nothing is runnable, no timer is set, and no waker that is still held has fired
//! (in deterministic mode at once; otherwise within the deadlock timeout, since a waker held by
//! another thread could still fire). The run fails with the tree of who waits where instead
//! of hanging.

use std::time::Duration;

use crate::executor::clock::nanos;
use crate::output::units::{human_nanos, plural};

/// The report: the reason, then the tree from [`dump`](crate::diagnostics::dump).
pub(crate) fn report(tree: &str, held: usize, waited: Option<Duration>) -> String {
    let mut out = String::from(
        "✖ deadlock: no task can make progress: nothing is runnable and no timer is set",
    );
    match (held, waited) {
        (0, _) => out.push_str(", and no task's waker is held anywhere"),
        (n, Some(waited)) => out.push_str(&format!(
            ", and none of the {n} waker{} still held fired within {}",
            plural(n as u64),
            human_nanos(nanos(waited))
        )),
        (n, None) => out.push_str(&format!(
            "; the {n} waker{} still held can only be woken by tasks that are themselves waiting",
            plural(n as u64)
        )),
    }
    out.push('\n');
    out.push_str(tree);
    out
}
