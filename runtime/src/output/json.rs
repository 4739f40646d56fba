//! JSON lines: one object per line, each with a `type` saying what it is: `transition` (one per
//! poll), `fn` and `await` (the summary: totals per fn and per await point), `lost` (transitions
//! that could not be counted) and `warning` (a problem with the configuration). A stream of
//! them parses line by line, whatever it holds.

use serde::Serialize;

use crate::fields::Fields;
use crate::histogram::Latency;
use crate::invocations::Live;
use crate::meta::FnMeta;
use crate::output::place::Place;
use crate::stats::FnStats;
use crate::transition::Transition;

/// A line of the stream: its `type`, then its fields.
#[derive(Serialize)]
struct Typed<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(flatten)]
    fields: T,
}

/// Which fn a line is about: the first fields of `transition`, `fn` and `await` lines.
#[derive(Serialize)]
struct FnId<'a> {
    #[serde(rename = "fn")]
    function: &'a str,
    /// For a method, the type it is a method of.
    #[serde(rename = "self", skip_serializing_if = "Option::is_none")]
    owner: Option<&'a str>,
    module: &'a str,
}

impl<'a> FnId<'a> {
    fn of(meta: &'a FnMeta) -> Self {
        FnId {
            function: meta.name(),
            owner: meta.owner(),
            module: meta.module_path(),
        }
    }
}

#[derive(Serialize)]
struct Line<'a> {
    #[serde(flatten)]
    id: FnId<'a>,
    /// Where the fn is declared (what a replayed summary and timeline show for it).
    file: &'a str,
    line: u32,
    call: u64,
    parent: Option<u64>,
    poll: u32,
    from: String,
    to: String,
    ns: Option<u64>,
    /// When the poll started, ns on the trace's clock (what a replayed timeline needs).
    start: Option<u64>,
    thread: u32,
    task: Option<u64>,
    #[serde(rename = "await", skip_serializing_if = "Option::is_none")]
    await_point: Option<AwaitPoint<'a>>,
    /// On a start line, the invocation's fields: name to value as its `Debug` (or, for
    /// `fields(x = %expr)`, `Display`) writes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<FieldMap<'a>>,
}

/// [`Fields`] as a JSON object, in their order.
struct FieldMap<'a>(&'a Fields);

impl Serialize for FieldMap<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.pairs())
    }
}

#[derive(Serialize)]
struct AwaitPoint<'a> {
    label: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    expr: &'a str,
}

/// A transition's line; `fields` given for its invocation's start line.
pub(crate) fn line(t: &Transition, fields: Option<&Fields>) -> String {
    let meta = t.function();
    let line = Line {
        id: FnId::of(meta),
        file: meta.file(),
        line: meta.line(),
        call: t.call(),
        parent: t.parent(),
        poll: t.poll(),
        from: Place::of(meta, t.from()).name(),
        to: Place::of(meta, t.to()).name(),
        ns: t
            .duration()
            .map(|d| d.as_nanos().try_into().unwrap_or(u64::MAX)),
        start: t
            .start()
            .map(|d| d.as_nanos().try_into().unwrap_or(u64::MAX)),
        thread: t.thread(),
        task: t.task(),
        await_point: t.await_point().map(|p| AwaitPoint {
            label: p.label(),
            file: meta.file(),
            line: p.line(),
            column: p.column(),
            expr: p.expr(),
        }),
        fields: fields.filter(|f| !f.is_empty()).map(FieldMap),
    };
    to_line("transition", line)
}

/// Totals of one fn, a line of the summary.
#[derive(Serialize)]
struct FnLine<'a> {
    #[serde(flatten)]
    id: FnId<'a>,
    file: &'a str,
    line: u32,
    calls: u64,
    polls: u64,
    returned: u64,
    panicked: u64,
    cancelled: u64,
    in_flight: u64,
    /// Suspensions inside a macro the attribute cannot see into (`await#?`).
    hidden: u64,
    busy_ns: Option<u64>,
    /// Busy time less the timed traced polls nested in it; absent when not measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    self_ns: Option<u64>,
    /// The poll durations' count, p50, p90, p99 and max in ns; absent when not timed.
    #[serde(skip_serializing_if = "Option::is_none")]
    polls_ns: Option<Latency>,
    future_bytes: Option<usize>,
}

impl<'a> FnLine<'a> {
    fn of(f: &'a FnStats) -> Self {
        let meta = f.meta();
        FnLine {
            id: FnId::of(meta),
            file: meta.file(),
            line: meta.line(),
            calls: f.calls(),
            polls: f.polls(),
            returned: f.returned(),
            panicked: f.panicked(),
            cancelled: f.cancelled(),
            in_flight: f.in_flight(),
            hidden: f.hidden_suspensions(),
            busy_ns: f.busy_nanos,
            self_ns: f.self_nanos,
            polls_ns: f.poll_latency(),
            future_bytes: meta.future_size(),
        }
    }
}

/// Totals of one await point of a fn, a line of the summary.
#[derive(Serialize)]
struct AwaitLine<'a> {
    #[serde(flatten)]
    id: FnId<'a>,
    #[serde(flatten)]
    totals: AwaitTotals<'a>,
}

/// An await point and its totals: the fields of an `await` line after the fn's.
#[derive(Serialize)]
struct AwaitTotals<'a> {
    label: &'a str,
    line: u32,
    column: u32,
    expr: &'a str,
    suspended: u64,
    cancelled: u64,
    waiting: u64,
    /// How long invocations stayed suspended here, as `polls_ns`; absent when not measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    suspended_ns: Option<Latency>,
    /// How long the oldest invocation waiting here has waited; absent without wait ages or
    /// waiters.
    #[serde(skip_serializing_if = "Option::is_none")]
    oldest_waiting_ns: Option<u64>,
}

/// Each await point of `f` with its totals.
fn await_totals(f: &FnStats) -> impl Iterator<Item = AwaitTotals<'static>> + '_ {
    let meta = f.meta();
    meta.awaits()
        .iter()
        .zip(f.awaits())
        .map(|(point, stats)| AwaitTotals {
            label: point.label(),
            line: point.line(),
            column: point.column(),
            expr: point.expr(),
            suspended: stats.suspensions(),
            cancelled: stats.cancellations(),
            waiting: stats.waiting(),
            suspended_ns: stats.suspended_latency(),
            oldest_waiting_ns: stats.oldest_waiting_nanos(),
        })
}

/// The summary as JSON lines: per fn one `fn` line, then one `await` line per await point.
pub(crate) fn write_summary(out: &mut String, functions: &[FnStats]) {
    for f in functions {
        push(out, "fn", FnLine::of(f));
        for totals in await_totals(f) {
            let id = FnId::of(f.meta());
            push(out, "await", AwaitLine { id, totals });
        }
    }
}

/// The process-wide recorder's report as one JSON object, the fields `Report`'s documentation
/// lists: `functions` (each a `fn` line's fields and its `awaits`), `in_flight`, `lost`,
/// `timeline_lost`.
#[derive(Serialize)]
pub(crate) struct Report<'a> {
    functions: Vec<FnReport<'a>>,
    in_flight: Vec<InFlight<'a>>,
    lost: u64,
    timeline_lost: u64,
}

impl<'a> Report<'a> {
    /// The report of `functions` and the invocations in flight, numbered (`live`).
    pub(crate) fn new(
        functions: &'a [FnStats],
        live: &'a [Live],
        lost: u64,
        timeline_lost: u64,
    ) -> Self {
        Report {
            functions: functions
                .iter()
                .map(|f| FnReport {
                    totals: FnLine::of(f),
                    awaits: await_totals(f).collect(),
                })
                .collect(),
            in_flight: live
                .iter()
                .map(|l| InFlight {
                    id: FnId::of(l.meta),
                    call: l.id,
                    parent: (l.parent != 0).then_some(l.parent),
                    depth: l.depth,
                    state: Place::of(l.meta, l.state).name(),
                    task: (l.task != 0).then_some(l.task),
                })
                .collect(),
            lost,
            timeline_lost,
        }
    }
}

/// A fn of the report: the fields of its `fn` line, then its await points.
#[derive(Serialize)]
struct FnReport<'a> {
    #[serde(flatten)]
    totals: FnLine<'a>,
    awaits: Vec<AwaitTotals<'a>>,
}

/// An invocation in flight, as the live output numbers it.
#[derive(Serialize)]
struct InFlight<'a> {
    #[serde(flatten)]
    id: FnId<'a>,
    call: u64,
    parent: Option<u64>,
    depth: usize,
    state: String,
    task: Option<u64>,
}

/// `{"type":"lost","transitions":3}`: transitions that could not be counted.
pub(crate) fn lost(transitions: u64) -> String {
    #[derive(Serialize)]
    struct Lost {
        transitions: u64,
    }
    to_line("lost", Lost { transitions })
}

/// `{"type":"event","message":".."}`: one of a `Runtime`'s own lines (a spawn, a clock jump, a
/// task's end), kept inside the JSON stream.
pub(crate) fn event(message: &str) -> String {
    to_line("event", Message { message })
}

/// `{"type":"anomaly","kind":"deadlock","task":"main (1)","message":".."}`: a problem a
/// `Runtime` noticed, with the report it printed.
pub(crate) fn anomaly(kind: &str, task: &str, message: &str) -> String {
    #[derive(Serialize)]
    struct Anomaly<'a> {
        kind: &'a str,
        task: &'a str,
        message: &'a str,
    }
    to_line(
        "anomaly",
        Anomaly {
            kind,
            task,
            message,
        },
    )
}

/// `{"type":"warning","message":".."}`: a warning, kept inside the JSON stream.
pub(crate) fn warning(message: &str) -> String {
    to_line("warning", Message { message })
}

#[derive(Serialize)]
struct Message<'a> {
    message: &'a str,
}

/// One line of type `kind` holding `fields`, without its newline.
fn to_line(kind: &str, fields: impl Serialize) -> String {
    serde_json::to_string(&Typed { kind, fields }).unwrap_or_default()
}

fn push(out: &mut String, kind: &str, fields: impl Serialize) {
    let line = to_line(kind, fields);
    if !line.is_empty() {
        out.push_str(&line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{AwaitKind, AwaitMeta, FnMeta};
    use crate::state::State;

    static AWAITS: [AwaitMeta; 1] = [AwaitMeta::new(0, "0", 4, 9, "sleep(1)", AwaitKind::Await)];
    static META: FnMeta = FnMeta::new("fetch", "app::net", "src/net.rs", 3, &AWAITS, true);

    #[test]
    fn a_start_line_has_its_fields_as_an_object_in_order() {
        let at = crate::transition::Numbered {
            call: 2,
            parent: 1,
            poll: 1,
            task: 0,
        };
        let moved = (State::Start.encode(), State::Await(0).encode());
        let t = Transition::new(&META, moved, at, 1, None, None);
        let fields = Fields::format(&["name", "ms"], &[Some(&"header"), Some(&10)]);
        let text = line(&t, Some(&fields));
        assert!(
            text.ends_with(r#","fields":{"name":"\"header\"","ms":"10"}}"#),
            "{text}"
        );
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["fields"]["ms"], "10");
        assert!(!line(&t, None).contains("fields"));
    }

    #[test]
    fn every_summary_line_is_an_object_with_a_type() {
        let mut stats = FnStats::new(&META);
        stats.calls = 2;
        stats.polls = 3;
        stats.busy_nanos = Some(1200);
        stats.awaits[0].suspensions = 1;
        let mut out = String::new();
        write_summary(&mut out, &[stats]);
        out.push_str(&lost(2));
        out.push('\n');
        out.push_str(&warning("`x` \"quoted\""));
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
            .collect();
        let kinds: Vec<&str> = lines.iter().map(|l| l["type"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["fn", "await", "lost", "warning"]);
        assert_eq!(lines[0]["file"], "src/net.rs");
        assert_eq!(
            (lines[0]["calls"].as_u64(), lines[0]["busy_ns"].as_u64()),
            (Some(2), Some(1200))
        );
        assert_eq!(lines[1]["expr"], "sleep(1)");
        assert_eq!(lines[1]["suspended"], 1);
        assert_eq!(lines[3]["message"], "`x` \"quoted\"");
    }
}
