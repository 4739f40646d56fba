//! Totals per fn as text: the summary printed when a capture or the process-wide recorder ends
//! (per fn calls, polls and busy time, per await point suspensions and cancellations) and the
//! report's "where is everyone?" (how many wait at each await point now).

use std::fmt::Write;

use crate::output::units::{human_nanos, plural};
use crate::stats::FnStats;

pub(crate) fn write_summary(out: &mut String, functions: &[FnStats]) {
    if functions.is_empty() {
        return;
    }
    let _ = writeln!(out, "── summary ──");
    let width = functions
        .iter()
        .map(|f| f.meta().display_name().chars().count())
        .max()
        .unwrap_or(0);
    for f in functions {
        let (calls, polls) = (f.calls(), f.polls());
        let _ = write!(
            out,
            "{:<width$}  {calls} call{}, {polls} poll{}",
            f.meta().display_name(),
            plural(calls),
            plural(polls),
        );
        if let Some(busy) = f.busy_nanos {
            let _ = write!(out, ", busy {}", human_nanos(busy));
        }
        if let Some(size) = f.meta().future_size() {
            let _ = write!(out, ", future {size} B");
        }
        for (what, n) in [
            ("panicked", f.panicked()),
            ("cancelled", f.cancelled()),
            ("suspended at await#?", f.hidden_suspensions()),
        ] {
            if n > 0 {
                let _ = write!(out, ", {n} {what}");
            }
        }
        let _ = writeln!(out);
        write_awaits(out, f);
    }
}

/// One line per await point of `f`: label, line, expression, suspensions and cancellations.
pub(crate) fn write_awaits(out: &mut String, f: &FnStats) {
    for (meta, stats) in f.meta().awaits().iter().zip(f.awaits()) {
        let _ = write!(
            out,
            "  await#{:<4} line {:<4} {}  suspended {}",
            meta.label(),
            meta.line(),
            meta.expr(),
            stats.suspensions(),
        );
        if stats.cancellations() > 0 {
            let _ = write!(out, ", cancelled {}", stats.cancellations());
        }
        let _ = writeln!(out);
    }
}

/// Where the invocations in flight wait: per fn with any, how many, and per await point how
/// many are suspended there now. Nothing when every invocation has ended.
pub(crate) fn write_waiting(out: &mut String, functions: &[FnStats]) {
    let busy: Vec<&FnStats> = functions.iter().filter(|f| f.in_flight() > 0).collect();
    if busy.is_empty() {
        return;
    }
    let _ = writeln!(out, "── where is everyone? ──");
    for f in busy {
        let in_flight = f.in_flight();
        let _ = writeln!(out, "{}  {in_flight} in flight", f.meta().display_name());
        let mut waiting = 0;
        for (meta, stats) in f.meta().awaits().iter().zip(f.awaits()) {
            if stats.waiting() > 0 {
                waiting += stats.waiting();
                let _ = writeln!(
                    out,
                    "  await#{:<4} line {:<4} {}  {} waiting",
                    meta.label(),
                    meta.line(),
                    meta.expr(),
                    stats.waiting(),
                );
            }
        }
        if f.hidden_waiting() > 0 {
            waiting += f.hidden_waiting();
            let _ = writeln!(out, "  await#?  {} waiting", f.hidden_waiting());
        }
        if in_flight > waiting {
            let _ = writeln!(
                out,
                "  {} being polled, or last polled while recording was off",
                in_flight - waiting
            );
        }
    }
}
