//! The watchdog (`TRACED_ASYNC=...,watchdog=1s`): a background thread that reads every
//! thread's polls in progress a few times per period and prints, once per poll stuck longer
//! than the period, the thread, the fn, the segment it runs and for how long; and again when
//! that poll returns. It only reads: a poll never waits for it, and it never stops the process.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::global::in_progress::{self, PollInProgress};
use crate::output::stream::Stream;
use crate::output::units::human_nanos;

/// Set when the recorder's guard drops: the watchdog stops at its next look.
static STOP: AtomicBool = AtomicBool::new(false);

/// Starts the watchdog for polls longer than `after` ns; the error when the thread cannot be
/// started.
pub(crate) fn start(after: u64) -> Result<(), String> {
    let period =
        Duration::from_nanos(after / 4).clamp(Duration::from_millis(1), Duration::from_millis(250));
    std::thread::Builder::new()
        .name("traced-async-watchdog".to_owned())
        .spawn(move || watch(after, period))
        .map(drop)
        .map_err(|e| format!("`watchdog=`: cannot start its thread ({e}); no watchdog"))
}

/// Stops the watchdog, if one runs.
pub(crate) fn stop() {
    STOP.store(true, Ordering::Relaxed);
}

fn watch(after: u64, period: Duration) {
    // The polls reported stuck, with how long they had run when last seen.
    let mut stuck: HashMap<(u32, usize, u32), (PollInProgress, u64)> = HashMap::new();
    while !STOP.load(Ordering::Relaxed) {
        std::thread::sleep(period);
        let polls = in_progress::read();
        let mut lines = String::new();
        for poll in &polls {
            let age = poll.for_nanos.or(poll.seen_for_nanos).unwrap_or(0);
            let key = (poll.thread, poll.depth, poll.seq);
            if let Some((_, last)) = stuck.get_mut(&key) {
                *last = age;
            } else if age >= after {
                lines.push_str(&stuck_line(poll, age));
                stuck.insert(key, (poll.clone(), age));
            }
        }
        stuck.retain(|key, (poll, last)| {
            let running = polls.iter().any(|p| (p.thread, p.depth, p.seq) == *key);
            if !running {
                lines.push_str(&format!(
                    "✓ watchdog: {}: the poll of {} {} returned, after at least {}\n",
                    poll.thread_text(),
                    poll.function,
                    resumed(poll),
                    human_nanos(*last),
                ));
            }
            running
        });
        if !lines.is_empty() {
            Stream::new().write_wrapped(&lines);
        }
    }
}

/// `after await#0 (line 8)`, or `from the start (line 5)` for a first poll.
fn resumed(poll: &PollInProgress) -> String {
    if poll.resumed_from.starts_with("the start") {
        format!("from {}", poll.resumed_from)
    } else {
        format!("after {}", poll.resumed_from)
    }
}

fn stuck_line(poll: &PollInProgress, age: u64) -> String {
    let dated = if poll.for_nanos.is_some() {
        ""
    } else {
        " (not timed: counted from when the watchdog first saw it)"
    };
    format!(
        "⚠ watchdog: {} has been in one poll of {} for {}{dated}, {}\n",
        poll.thread_text(),
        poll.function,
        human_nanos(age),
        resumed(poll),
    )
}
