//! Wait ages as a report reads them: the table of invocations in flight (`ages.rs`) turned into
//! the list [`Report::invocations`](crate::Report::invocations) gives, oldest first, and per
//! await point the age of its oldest waiter; and the report's section of them, in its width.

use std::fmt::Write;

use crate::clock;
use crate::global::{ages, counters};
use crate::meta::FnMeta;
use crate::output::place::{Place, segment_end};
use crate::output::units::human_nanos;
use crate::output::width;
use crate::state::State;
use crate::stats::FnStats;

/// How many invocations the report's text lists; the JSON has them all.
pub(crate) const SHOWN: usize = 20;

/// An invocation in flight, as [`Report::invocations`](crate::Report::invocations) lists them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct InvocationInFlight {
    /// The fn, as the summary names it.
    #[serde(rename = "fn")]
    pub function: String,
    /// The invocation's id, unique among the invocations in flight (not the live output's
    /// numbering).
    pub invocation: u32,
    /// How long ago its first poll started, in ns.
    pub age_nanos: u64,
    /// Whether it is in a poll now (else it waits at `place`).
    pub polling: bool,
    /// Where it waits (`await#0 (line 37)`, `await#? (inside a macro)`), or, in a poll, where
    /// that poll resumed from (`the start (line 5)` for its first).
    pub place: String,
    /// How long it has waited there, or been in the poll, in ns.
    pub for_nanos: u64,
    /// The thread that polled it last (the one polling it, in a poll), from 1.
    pub thread: u32,
    /// That thread's name, if it has one.
    pub thread_name: Option<String>,
    /// Its tokio task's id, with the feature `tokio` and polled inside a tokio task; `None`
    /// otherwise (no task is claimed that is not known).
    pub task: Option<u64>,
    /// The fn's metadata and the encoded state, for the oldest waiter per await point.
    #[serde(skip)]
    pub(crate) at: (&'static FnMeta, u16),
}

/// Whether the report can give wait ages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ages {
    /// Every poll is timed: the table lists the timed fns' invocations.
    Listed,
    /// Polls are not timed (counting only, or no recorder).
    NotTimed,
    /// One poll in this many is timed: a slot's state would go stale between timed polls.
    Sampled(u64),
    /// Live output is on: every poll takes the full path, whose frames keep invocation ids,
    /// not slots; the report's tree of who awaits whom numbers the invocations instead.
    Live,
}

/// The invocations in flight now, oldest first, with `functions`' oldest waiter per await
/// point filled in.
pub(crate) fn read(functions: &mut [FnStats], ages: Ages) -> Vec<InvocationInFlight> {
    if ages != Ages::Listed {
        return Vec::new();
    }
    let listed = ages::read();
    if listed.is_empty() {
        return Vec::new();
    }
    let now = clock::now();
    let fns = counters::fns();
    let threads = counters::thread_names();
    let mut invocations: Vec<InvocationInFlight> = listed
        .iter()
        .filter_map(|seen| {
            let meta = *fns.get((seen.number as usize).checked_sub(1)?)?;
            let state = State::decode(seen.state);
            let (place, since) = if seen.polling {
                (segment_end(meta, state), seen.polled)
            } else {
                (waits_at(meta, state), seen.ended)
            };
            let thread_name = threads
                .iter()
                .find(|(number, _)| *number == seen.thread)
                .and_then(|(_, name)| name.clone());
            Some(InvocationInFlight {
                function: meta.display_name().into_owned(),
                invocation: seen.call,
                age_nanos: clock::nanos_between(seen.first, now),
                polling: seen.polling,
                place,
                for_nanos: clock::nanos_between(since, now),
                thread: seen.thread,
                thread_name,
                task: (seen.task != 0).then_some(seen.task),
                at: (meta, seen.state),
            })
        })
        .collect();
    invocations.sort_by_key(|i| std::cmp::Reverse(i.age_nanos));
    for i in invocations.iter().filter(|i| !i.polling) {
        let (meta, code) = i.at;
        let Some(f) = functions.iter_mut().find(|f| std::ptr::eq(f.meta, meta)) else {
            continue;
        };
        if let State::Await(index) = State::decode(code)
            && let Some(point) = f.awaits.get_mut(usize::from(index))
        {
            let oldest = point.oldest_waiting_nanos.get_or_insert(0);
            *oldest = (*oldest).max(i.for_nanos);
        }
    }
    invocations
}

/// `await#0 (line 37)`, `await#? (inside a macro)`.
fn waits_at(meta: &'static FnMeta, state: State) -> String {
    match state {
        State::Await(_) => Place::of(meta, state).with_line(),
        other => segment_end(meta, other),
    }
}

impl InvocationInFlight {
    /// `waiting_normally (invocation 5) for 3.20s: waiting at await#0 (line 37) for 3.20s`.
    pub(crate) fn sentence(&self) -> String {
        let doing = match (self.polling, self.place.starts_with("the start")) {
            (false, _) => format!(
                "waiting at {} for {}",
                self.place,
                human_nanos(self.for_nanos)
            ),
            (true, true) => format!("in its first poll for {}", human_nanos(self.for_nanos)),
            (true, false) => format!(
                "in a poll for {}, after {}",
                human_nanos(self.for_nanos),
                self.place
            ),
        };
        format!(
            "{} (invocation {}) for {}: {doing}",
            self.function,
            self.invocation,
            human_nanos(self.age_nanos)
        )
    }

    /// `on thread 2 (tokio-rt-worker), task 7` in a poll, `last polled on thread 2` waiting;
    /// the task only when known.
    pub(crate) fn whereabouts(&self) -> String {
        let on = if self.polling { "on" } else { "last polled on" };
        let mut line = format!("{on} thread {}", self.thread);
        if let Some(name) = &self.thread_name {
            let _ = write!(line, " ({name})");
        }
        if let Some(task) = self.task {
            let _ = write!(line, ", task {task}");
        }
        line
    }
}

/// The report's section: the oldest [`SHOWN`] invocations in flight, then how many more, and
/// how many the full table could not list; or, without ages, why not, once.
pub(crate) fn write(
    out: &mut String,
    invocations: &[InvocationInFlight],
    ages: Ages,
    dropped: u64,
    columns: usize,
) {
    match ages {
        Ages::NotTimed => {
            out.push_str("(no wait ages: polls are not timed, and ages need timing)\n");
            return;
        }
        Ages::Sampled(n) => {
            let _ = writeln!(
                out,
                "(no wait ages: one poll in {n} is timed, and ages need every poll timed)"
            );
            return;
        }
        Ages::Live => {
            out.push_str(
                "(no wait ages with live output: the tree below shows where each invocation \
                 last suspended)\n",
            );
            return;
        }
        Ages::Listed => {}
    }
    if invocations.is_empty() && dropped == 0 {
        return;
    }
    let _ = writeln!(out, "── in flight, oldest first ──");
    for invocation in invocations.iter().take(SHOWN) {
        let _ = writeln!(out, "{}", width::wrap(&invocation.sentence(), columns));
        let _ = writeln!(out, "  {}", invocation.whereabouts());
    }
    if invocations.len() > SHOWN {
        let _ = writeln!(
            out,
            "… and {} more (the {SHOWN} oldest listed)",
            invocations.len() - SHOWN
        );
    }
    if dropped > 0 {
        let line = format!(
            "{dropped} invocation{} found the table of {} full and could not be listed",
            crate::output::units::plural(dropped),
            ages::SLOTS
        );
        let _ = writeln!(out, "{}", width::wrap(&line, columns));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{AwaitKind, AwaitMeta};

    static AWAITS: [AwaitMeta; 1] = [AwaitMeta::new(0, "0", 37, 9, "rx", AwaitKind::Await)];
    static META: FnMeta = FnMeta::new("waiting_normally", "app", "src/app.rs", 36, &AWAITS, true);

    fn invocation(n: u32, polling: bool) -> InvocationInFlight {
        InvocationInFlight {
            function: "waiting_normally".to_owned(),
            invocation: n,
            age_nanos: 3_200_000_000,
            polling,
            place: "await#0 (line 37)".to_owned(),
            for_nanos: 3_100_000_000,
            thread: 2,
            thread_name: Some("tokio-rt-worker".to_owned()),
            task: None,
            at: (&META, 0),
        }
    }

    #[test]
    fn without_ages_the_report_says_why_once() {
        for (ages, why) in [
            (Ages::NotTimed, "polls are not timed"),
            (Ages::Sampled(16), "one poll in 16 is timed"),
            (Ages::Live, "with live output"),
        ] {
            let mut out = String::new();
            write(&mut out, &[invocation(1, false)], ages, 0, 100);
            assert_eq!(out.lines().count(), 1, "{out}");
            assert!(out.contains(why), "{out}");
        }
    }

    #[test]
    fn the_list_is_capped_fits_the_width_and_names_no_unknown_task() {
        let many: Vec<_> = (1..=25).map(|n| invocation(n, n == 1)).collect();
        let mut out = String::new();
        write(&mut out, &many, Ages::Listed, 3, 100);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "── in flight, oldest first ──");
        assert_eq!(
            lines[1],
            "waiting_normally (invocation 1) for 3.20s: in a poll for 3.10s, after await#0 (line 37)"
        );
        assert_eq!(lines[2], "  on thread 2 (tokio-rt-worker)");
        assert_eq!(
            lines[3],
            "waiting_normally (invocation 2) for 3.20s: waiting at await#0 (line 37) for 3.10s"
        );
        assert_eq!(lines[4], "  last polled on thread 2 (tokio-rt-worker)");
        assert!(
            out.contains("… and 5 more (the 20 oldest listed)\n"),
            "{out}"
        );
        assert!(
            out.contains("3 invocations found the table of 4096 full and could not be listed"),
            "{out}"
        );
        assert!(lines.iter().all(|l| width::columns(l) <= 100), "{out}");
        assert!(!out.contains("task"), "{out}");
    }
}
