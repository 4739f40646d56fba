//! The summary printed when a run ends: per traced fn its calls, polls, polls per call, busy and
//! idle time, and per await point its suspensions and cancellations; per task its
//! polls and wakes; then every anomaly.

use std::fmt::Write;

use crate::diagnostics::Anomaly;
use crate::diagnostics::watch::Watch;
use crate::executor::task::TaskInfo;
use crate::output::units::{clock_time, human_duration, human_nanos, plural};
use crate::output::{NAME_COLUMNS, source, width, write_awaits};
use crate::trace::Trace;

/// What the summary reads.
pub(crate) struct Inputs<'a> {
    pub(crate) trace: &'a Trace,
    pub(crate) watch: &'a Watch,
    pub(crate) tasks: &'a [TaskInfo],
    pub(crate) anomalies: &'a [Anomaly],
    /// Real-clock durations are replaced by `-` (deterministic mode).
    pub(crate) hide_real: bool,
}

pub(crate) fn render(i: &Inputs<'_>) -> String {
    let mut out = String::from("── summary ──\n");
    let functions = i.trace.functions();
    let width = functions
        .iter()
        .map(|f| f.meta().display_name().chars().count())
        .max()
        .unwrap_or(0)
        .clamp(8, NAME_COLUMNS);
    if !functions.is_empty() {
        let _ = writeln!(
            out,
            "{:<width$}  {:>5}  {:>5}  {:>10}  {:>8}  {:>8}  {:>6}  defined at",
            "fn", "calls", "polls", "polls/call", "busy", "idle", "future"
        );
    }
    for f in &functions {
        let (calls, polls) = (f.calls(), f.polls());
        let busy = match f.busy() {
            Some(busy) if !i.hide_real => human_duration(busy),
            _ => "-".to_owned(),
        };
        let start = out.len();
        let _ = write!(
            out,
            "{:<width$}  {calls:>5}  {polls:>5}  {:>10}  {busy:>8}  {:>8}  {:>6}",
            width::cut(&f.meta().display_name(), NAME_COLUMNS),
            ratio(polls, calls),
            clock_time(i.watch.idle(f.meta())),
            f.meta()
                .future_size()
                .map_or_else(|| "-".to_owned(), |size| format!("{size} B")),
        );
        let mut outcomes = String::new();
        for (what, n) in [("panicked", f.panicked()), ("cancelled", f.cancelled())] {
            if n > 0 {
                let _ = write!(outcomes, "  {n} {what}");
            }
        }
        let used = out[start..].chars().count() + outcomes.chars().count();
        let room = width::DEFAULT.saturating_sub(used);
        let source = source(f.meta(), room);
        if source.starts_with('\n') {
            let _ = writeln!(out, "{outcomes}{source}");
        } else {
            let _ = writeln!(out, "{source}{outcomes}");
        }
        write_awaits(&mut out, &f.stats(), width::DEFAULT);
    }
    out.push_str("tasks\n");
    for task in i.tasks {
        let (own, other) = (task.tracker.self_wakes(), task.tracker.other_wakes());
        let _ = write!(
            out,
            "  {} ({}): {:?}, {} poll{}, woken {} by itself and {} from elsewhere, {} spurious poll{}, {} B",
            task.label(),
            task.id,
            task.state,
            task.polls,
            plural(task.polls),
            own,
            other,
            task.spurious,
            plural(task.spurious),
            task.size,
        );
        if !i.hide_real && task.latency_count > 0 {
            let _ = write!(
                out,
                ", wake-to-poll {} avg / {} max, busy {}",
                human_nanos(task.latency_total / task.latency_count),
                human_nanos(task.latency_max),
                human_nanos(task.busy),
            );
        }
        out.push('\n');
    }
    if i.anomalies.is_empty() {
        out.push_str("anomalies: none\n");
    } else {
        let _ = writeln!(out, "anomalies: {}", i.anomalies.len());
        for anomaly in i.anomalies {
            let first = anomaly.message().lines().next().unwrap_or_default();
            let _ = writeln!(out, "  {first}");
        }
    }
    out
}

/// `2.5`: polls per call, with one decimal.
fn ratio(polls: u64, calls: u64) -> String {
    if calls == 0 {
        return "-".to_owned();
    }
    let tenths = (polls * 10 + calls / 2) / calls;
    format!("{}.{}", tenths / 10, tenths % 10)
}
