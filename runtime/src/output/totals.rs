//! Totals per fn as text: the summary printed when a capture or the process-wide recorder ends
//! (per fn calls, polls and busy time, per await point suspensions and cancellations) and the
//! report's "where is everyone?" (how many wait at each await point now).

use std::fmt::Write;

use crate::meta::FnMeta;
use crate::output::units::{human_nanos, plural};
use crate::output::width;
use crate::stats::FnStats;

/// Names in a summary's first column are cut to this many columns.
pub(crate) const NAME_COLUMNS: usize = 28;

/// The summary, laid out in `columns` columns: per fn a line of totals ending with where the fn
/// is defined, then its await points.
pub(crate) fn write_summary(out: &mut String, functions: &[FnStats], columns: usize) {
    if functions.is_empty() {
        return;
    }
    let _ = writeln!(out, "── summary ──");
    let width = name_width(functions);
    for f in functions {
        let (calls, polls) = (f.calls(), f.polls());
        let start = out.len();
        let _ = write!(
            out,
            "{:<width$}  {calls} call{}, {polls} poll{}",
            width::cut(&f.meta().display_name(), NAME_COLUMNS),
            plural(calls),
            plural(polls),
        );
        if let Some(busy) = f.busy_nanos {
            let _ = write!(out, ", busy {}", human_nanos(busy));
        }
        if let Some(own) = f.self_nanos {
            let _ = write!(out, " (self {})", human_nanos(own));
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
        let used = out[start..].chars().count();
        let _ = writeln!(out, "{}", source(f.meta(), columns.saturating_sub(used)));
        if let Some(l) = f.poll_latency() {
            let _ = writeln!(
                out,
                "  polls took  p50 {}  p90 {}  p99 {}  max {}",
                human_nanos(l.p50),
                human_nanos(l.p90),
                human_nanos(l.p99),
                human_nanos(l.max)
            );
        }
        write_awaits(out, f, columns);
    }
}

/// The width of a summary's name column: the longest name, cut to [`NAME_COLUMNS`].
pub(crate) fn name_width(functions: &[FnStats]) -> usize {
    functions
        .iter()
        .map(|f| f.meta().display_name().chars().count())
        .max()
        .unwrap_or(0)
        .min(NAME_COLUMNS)
}

/// `  src/net.rs:12`, where `meta` is defined, to end a line with `room` columns left: its
/// start cut to fit, or on a line of its own (`\n  defined at src/net.rs:12`) when too little
/// of it would be left.
pub(crate) fn source(meta: &FnMeta, room: usize) -> String {
    let line = format!(":{}", meta.line());
    let whole = meta.file().chars().count() + line.len();
    let name = meta.file().rsplit('/').next().unwrap_or_default();
    if whole + 2 <= room || name.chars().count() + line.len() + 4 <= room {
        let file = width::cut_start(meta.file(), room.saturating_sub(line.len() + 2));
        format!("  {file}{line}")
    } else {
        format!("\n  defined at {}{line}", width::cut_start(meta.file(), 60))
    }
}

/// One line per await point of `f`: label, line, expression, suspensions and cancellations, the
/// expression shortened so that the line fits `columns`.
pub(crate) fn write_awaits(out: &mut String, f: &FnStats, columns: usize) {
    for (meta, stats) in f.meta().awaits().iter().zip(f.awaits()) {
        let head = format!("  await#{:<4} line {:<4} ", meta.label(), meta.line());
        let mut tail = format!("  suspended {}", stats.suspensions());
        if stats.cancellations() > 0 {
            let _ = write!(tail, ", cancelled {}", stats.cancellations());
        }
        let room = columns.saturating_sub(head.chars().count() + tail.chars().count());
        let _ = writeln!(out, "{head}{}{tail}", width::shorten(meta.expr(), room));
        if let Some(l) = stats.suspended_latency() {
            let _ = writeln!(
                out,
                "    suspended for  p50 {}  p90 {}  p99 {}  max {}  (resolution {})",
                human_nanos(l.p50),
                human_nanos(l.p90),
                human_nanos(l.p99),
                human_nanos(l.max),
                human_nanos(crate::clock::nanos_between(
                    0,
                    1 << crate::stats::SUSPENDED_SHIFT
                )),
            );
        }
    }
}

/// Where the invocations in flight wait: per fn with any, how many, and per await point how
/// many are suspended there now; `polling` says how many of a fn's invocations past their
/// first poll are being polled now, as far as the recorder knows. Nothing when every
/// invocation has ended.
pub(crate) fn write_waiting(
    out: &mut String,
    functions: &[FnStats],
    columns: usize,
    polling: impl Fn(&FnMeta) -> u64,
) {
    let busy: Vec<&FnStats> = functions.iter().filter(|f| f.in_flight() > 0).collect();
    if busy.is_empty() {
        return;
    }
    let _ = writeln!(out, "── where is everyone? ──");
    for f in busy {
        let in_flight = f.in_flight();
        let name = width::cut(&f.meta().display_name(), NAME_COLUMNS);
        let _ = writeln!(out, "{name}  {in_flight} in flight");
        let mut waiting = 0;
        for (meta, stats) in f.meta().awaits().iter().zip(f.awaits()) {
            if stats.waiting() > 0 {
                waiting += stats.waiting();
                let head = format!("  await#{:<4} line {:<4} ", meta.label(), meta.line());
                let tail = match stats.oldest_waiting_nanos() {
                    Some(oldest) => {
                        format!(
                            "  {} waiting, oldest {}",
                            stats.waiting(),
                            human_nanos(oldest)
                        )
                    }
                    None => format!("  {} waiting", stats.waiting()),
                };
                let room = columns.saturating_sub(head.chars().count() + tail.chars().count());
                let _ = writeln!(out, "{head}{}{tail}", width::shorten(meta.expr(), room));
            }
        }
        if f.hidden_waiting() > 0 {
            waiting += f.hidden_waiting();
            let _ = writeln!(out, "  await#?  {} waiting", f.hidden_waiting());
        }
        let polling = polling(f.meta()).min(in_flight.saturating_sub(waiting));
        if polling > 0 {
            let _ = writeln!(out, "  {polling} in a poll now (see below)");
        }
        if in_flight > waiting + polling {
            let _ = writeln!(
                out,
                "  {} being polled, or last polled while recording was off",
                in_flight - waiting - polling
            );
        }
    }
}
