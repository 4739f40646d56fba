//! The invocations in flight as a tree, each under the one that awaits it, with the place it
//! waits at: the body of the runtime's dump and of the process-wide report.

use std::fmt::Write;

use crate::invocations::Live;
use crate::output::place;
use crate::output::units::clock_time;

/// Writes each root of `live` (an invocation whose parent is not in `live`) and, below it, the
/// ones it awaits, indented from `depth`. `age` gives how long an invocation has waited, in ns
/// on the run's clock, when known.
pub(crate) fn write_tree(
    out: &mut String,
    live: &[&Live],
    depth: usize,
    age: &dyn Fn(&Live) -> Option<u64>,
) {
    for root in live
        .iter()
        .filter(|l| !live.iter().any(|p| p.id == l.parent))
    {
        write_inv(out, root, live, depth, age);
    }
}

fn write_inv(
    out: &mut String,
    inv: &Live,
    all: &[&Live],
    depth: usize,
    age: &dyn Fn(&Live) -> Option<u64>,
) {
    let for_how_long = age(inv)
        .map(|nanos| format!("  for {}", clock_time(nanos)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{:indent$}{}#{} {}{for_how_long}",
        "",
        inv.meta.display_name(),
        inv.id,
        place::waiting(inv.meta, inv.state),
        indent = depth * 2
    );
    for child in all.iter().filter(|c| c.parent == inv.id) {
        write_inv(out, child, all, depth + 1, age);
    }
}
