//! Blocking poll: one poll held the thread longer than the threshold. The code that ran is the
//! segment between the await point a traced invocation resumed from and the one it stopped at
//! (or its return): that segment blocked every other task on the thread.
//!
//! Detected by timing each task poll on the real clock. The segment is taken from the
//! transitions made during that poll: the innermost invocation whose own poll took at least the
//! threshold, because each traced poll's duration includes its callees'.

use std::time::Duration;

use crate::diagnostics::watch::Seen;
use crate::executor::clock::nanos;
use crate::output::place::segment_end as end;
use crate::output::units::human_nanos;

/// The report for a poll of `task` that took `elapsed`; `batch` holds that poll's transitions.
/// `charged` is set in deterministic mode, where real time is hidden: the poll's measured
/// duration rounded down to a whole number of thresholds, which the virtual clock moved by.
pub(crate) fn report(
    task: &str,
    elapsed: Duration,
    threshold: Duration,
    batch: &[Seen],
    charged: Option<u64>,
) -> String {
    let limit = nanos(threshold);
    let held = if let Some(charged) = charged {
        format!(
            "for at least {} (measured, rounded down to whole {} thresholds)",
            human_nanos(charged),
            human_nanos(limit)
        )
    } else {
        format!(
            "for {} (threshold {})",
            human_nanos(nanos(elapsed)),
            human_nanos(limit)
        )
    };
    let mut out = format!("⚠ blocking poll in task {task}: one poll held the thread {held}");
    let culprit = batch
        .iter()
        .filter(|s| s.t.nanos().is_some_and(|n| n >= limit))
        .max_by_key(|s| s.depth);
    match culprit {
        Some(s) => {
            let meta = s.t.meta;
            out.push_str(&format!(
                "\n  in {}#{}, from {} to {}: that code ran without reaching an await that suspends",
                meta.display_name(),
                s.t.call(),
                end(meta, s.t.from()),
                end(meta, s.t.to()),
            ));
        }
        None => out.push_str("\n  outside any traced fn's own poll (in the task's untraced code)"),
    }
    out
}
