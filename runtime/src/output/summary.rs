//! The summary printed when a run ends: per function calls, polls and busy time, and per await
//! point how often it suspended.

use std::fmt::Write;

use crate::output::human_nanos;
use crate::trace::Trace;

pub(crate) fn write_summary(out: &mut String, trace: &Trace) {
    let functions = trace.functions();
    if functions.is_empty() {
        return;
    }
    let _ = writeln!(out, "── summary ──");
    let width = functions.iter().map(|f| f.meta().name().len()).max().unwrap_or(0);
    for f in &functions {
        let calls = f.calls();
        let polls = f.polls();
        let _ = write!(
            out,
            "{:<width$}  {calls} call{}, {polls} poll{}",
            f.meta().name(),
            plural(calls),
            plural(polls),
        );
        if let Some(busy) = f.busy() {
            let _ = write!(out, ", busy {}", human_nanos(busy.as_nanos().try_into().unwrap_or(u64::MAX)));
        }
        for (what, n) in [("panicked", f.panicked()), ("cancelled", f.cancelled())] {
            if n > 0 {
                let _ = write!(out, ", {n} {what}");
            }
        }
        let _ = writeln!(out);
        for point in f.await_points() {
            let meta = point.meta();
            let _ = write!(
                out,
                "{:width$}    await#{:<4} line {:<4} {}  suspended {}",
                "",
                meta.label(),
                meta.line(),
                meta.expr(),
                point.suspensions(),
            );
            if point.cancellations() > 0 {
                let _ = write!(out, ", cancelled {}", point.cancellations());
            }
            let _ = writeln!(out);
        }
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}
