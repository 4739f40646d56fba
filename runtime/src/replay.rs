//! Reading a recording back: the JSON lines that `TRACED_ASYNC_FORMAT=json`, a
//! [`Runtime`](crate::Runtime) with [`Format::Json`](crate::Format::Json) or the process-wide
//! recorder's `json` write, turned back into a [`Trace`], for the `traced-async` command to
//! draw and summarise.

use std::fmt;
use std::sync::Mutex;

use rustc_hash::FxHashMap;
use serde::Deserialize;

use crate::meta::{AwaitKind, AwaitMeta, FnMeta};
use crate::state::State;
use crate::trace::Trace;
use crate::transition::{Numbered, Transition};

/// One transition line, as `output/json.rs` writes it.
#[derive(Deserialize)]
struct Line {
    #[serde(rename = "fn")]
    function: String,
    #[serde(rename = "self")]
    owner: Option<String>,
    module: String,
    /// Where the fn is declared; recordings made before these were written lack them.
    file: Option<String>,
    line: Option<u32>,
    call: u64,
    parent: Option<u64>,
    poll: u32,
    from: String,
    to: String,
    ns: Option<u64>,
    start: Option<u64>,
    thread: Option<u32>,
    task: Option<u64>,
    #[serde(rename = "await")]
    await_point: Option<Point>,
}

#[derive(Deserialize, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Point {
    line: u32,
    column: u32,
    label: String,
    file: String,
    expr: String,
}

/// A line of a recording that is not a transition: its number (from 1) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayError {
    line: usize,
    message: String,
}

impl ReplayError {
    /// The line's number, from 1.
    pub fn line(&self) -> usize {
        self.line
    }
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for ReplayError {}

/// A recording read back: the transitions of every line up to the first one that is not a
/// transition (if any), as a [`Trace`].
///
/// ```
/// let text = r#"{"fn":"f","module":"app","call":1,"parent":null,"poll":1,"from":"start","to":"returned","ns":250,"start":0,"thread":1,"task":null}"#;
/// let replay = traced_async::Replay::parse(text);
/// assert!(replay.error().is_none());
/// assert_eq!(replay.trace().function("f").polls(), 1);
/// ```
#[derive(Debug, Clone)]
pub struct Replay {
    trace: Trace,
    error: Option<ReplayError>,
    skipped: usize,
}

/// Fns read back, kept for the process so that reading a recording twice makes no new ones.
static INTERNED: Mutex<Option<FxHashMap<String, &'static FnMeta>>> = Mutex::new(None);

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// What one fn of the recording is known to be, from all its lines.
#[derive(Default)]
struct Known {
    points: Vec<Point>,
    /// Await labels seen only as a `from` (recording began while it was suspended).
    labels: Vec<String>,
}

impl Replay {
    /// Reads `text`, one JSON object per line. Empty lines are ignored, JSON objects that are
    /// not transitions (such as summary lines) are skipped and counted; the first line that is
    /// not JSON, or a transition line that is incomplete, stops the reading: the lines before
    /// it are kept, and [`error`](Self::error) names it.
    pub fn parse(text: &str) -> Replay {
        let mut lines: Vec<Line> = Vec::new();
        let mut error = None;
        let mut skipped = 0;
        for (n, raw) in (1..).zip(text.lines()) {
            let raw = raw.trim();
            if raw.is_empty() {
                continue;
            }
            let value: serde_json::Value = match serde_json::from_str(raw) {
                Ok(value) => value,
                Err(e) => {
                    error = Some(ReplayError {
                        line: n,
                        message: format!("not a JSON line ({e})"),
                    });
                    break;
                }
            };
            let Some(object) = value.as_object() else {
                error = Some(ReplayError {
                    line: n,
                    message: "a JSON value that is not an object".to_owned(),
                });
                break;
            };
            if !(object.contains_key("fn") && object.contains_key("to")) {
                skipped += 1;
                continue;
            }
            match serde_json::from_value::<Line>(value) {
                Ok(line) => lines.push(line),
                Err(e) => {
                    error = Some(ReplayError {
                        line: n,
                        message: format!("not a complete transition ({e})"),
                    });
                    break;
                }
            }
        }
        let trace = build(&lines);
        Replay {
            trace,
            error,
            skipped,
        }
    }

    /// The transitions read.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The line that stopped the reading, if one did.
    pub fn error(&self) -> Option<&ReplayError> {
        self.error.as_ref()
    }

    /// JSON objects skipped because they are not transitions.
    pub fn skipped(&self) -> usize {
        self.skipped
    }
}

fn key(line: &Line) -> String {
    format!(
        "{}\u{0}{}\u{0}{}",
        line.module,
        line.owner.as_deref().unwrap_or(""),
        line.function
    )
}

fn label_of(state: &str) -> Option<&str> {
    state.strip_prefix("await#").filter(|l| *l != "?")
}

fn build(lines: &[Line]) -> Trace {
    let mut known: FxHashMap<String, Known> = FxHashMap::default();
    for line in lines {
        let k = known.entry(key(line)).or_default();
        if let Some(p) = &line.await_point
            && !k.points.contains(p)
        {
            k.points.push(p.clone());
        }
        for state in [&line.from, &line.to] {
            if let Some(label) = label_of(state)
                && !k.labels.iter().any(|l| l == label)
            {
                k.labels.push(label.to_owned());
            }
        }
    }
    let mut metas: FxHashMap<String, &'static FnMeta> = FxHashMap::default();
    let mut interned = INTERNED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let interned = interned.get_or_insert_with(FxHashMap::default);
    for line in lines {
        let k = key(line);
        if metas.contains_key(&k) {
            continue;
        }
        let Some(info) = known.get_mut(&k) else {
            continue;
        };
        info.points.sort();
        info.points.dedup_by(|a, b| a.label == b.label);
        let mut points: Vec<Point> = info.points.clone();
        for label in &info.labels {
            if !points.iter().any(|p| &p.label == label) {
                points.push(Point {
                    line: 0,
                    column: 0,
                    label: label.clone(),
                    file: String::new(),
                    expr: String::new(),
                });
            }
        }
        let full = format!(
            "{k}\u{0}{}\u{0}{}\u{0}{}",
            line.file.as_deref().unwrap_or(""),
            line.line.unwrap_or(0),
            points
                .iter()
                .map(|p| format!("{}:{}:{}:{}:{}", p.label, p.line, p.column, p.file, p.expr))
                .collect::<Vec<_>>()
                .join("\u{1}")
        );
        let meta = *interned.entry(full).or_insert_with(|| {
            let awaits: Vec<AwaitMeta> = (0u16..)
                .zip(&points)
                .map(|(i, p)| {
                    let kind = if p.label.contains('.') {
                        AwaitKind::Branch
                    } else {
                        AwaitKind::Await
                    };
                    AwaitMeta::new(i, leak(&p.label), p.line, p.column, leak(&p.expr), kind)
                })
                .collect();
            let file = match &line.file {
                Some(file) => leak(file),
                None => points
                    .iter()
                    .find(|p| !p.file.is_empty())
                    .map_or("", |p| leak(&p.file)),
            };
            let awaits: &'static [AwaitMeta] = Box::leak(awaits.into_boxed_slice());
            let meta: &'static FnMeta = Box::leak(Box::new(FnMeta::new(
                leak(&line.function),
                leak(&line.module),
                file,
                line.line.unwrap_or(0),
                awaits,
                true,
            )));
            if let Some(owner) = &line.owner {
                meta.note_owner_name(leak(owner));
            }
            meta
        });
        metas.insert(k, meta);
    }
    let timed = lines.iter().any(|l| l.ns.is_some());
    let transitions = lines
        .iter()
        .filter_map(|line| {
            let meta = *metas.get(&key(line))?;
            let state = |s: &str| -> State {
                match s {
                    "start" => State::Start,
                    "await#?" => State::Hidden,
                    "returned" => State::Returned,
                    "panicked" => State::Panicked,
                    "cancelled" => State::Cancelled,
                    other => {
                        let label = label_of(other).unwrap_or(other);
                        let index = meta.awaits().iter().position(|p| p.label() == label);
                        State::Await(index.and_then(|i| u16::try_from(i).ok()).unwrap_or(0))
                    }
                }
            };
            // The recorder numbers with u32, so a recording's numbers fit; a line whose numbers
            // do not was not written by it and is left out like an unknown function's.
            let at = Numbered {
                call: u32::try_from(line.call).ok()?,
                parent: u32::try_from(line.parent.unwrap_or(0)).ok()?,
                poll: line.poll,
                task: u32::try_from(line.task.unwrap_or(0)).ok()?,
            };
            Some(Transition::new(
                meta,
                (state(&line.from).encode(), state(&line.to).encode()),
                at,
                line.thread.unwrap_or(1),
                line.start,
                line.ns,
            ))
        })
        .collect();
    // Without any duration (a deterministic run hides them), polls are laid out in order.
    Trace::new(transitions, !timed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"fn":"fetch","module":"app","call":2,"parent":1,"poll":1,"from":"start","to":"await#0","ns":null,"start":0,"thread":1,"task":1,"await":{"label":"0","file":"app.rs","line":12,"column":37,"expr":"sleep(10)"}}
{"fn":"page","module":"app","call":1,"parent":null,"poll":1,"from":"start","to":"await#0","ns":null,"start":0,"thread":1,"task":1,"await":{"label":"0","file":"app.rs","line":18,"column":37,"expr":"fetch()"}}
{"summary":"not a transition"}
{"fn":"fetch","module":"app","call":2,"parent":1,"poll":2,"from":"await#0","to":"returned","ns":null,"start":10000000,"thread":1,"task":1}
{"fn":"page","module":"app","call":1,"parent":null,"poll":2,"from":"await#0","to":"returned","ns":null,"start":10000000,"thread":1,"task":1}
"#;

    #[test]
    fn reads_transitions_and_skips_other_objects() {
        let replay = Replay::parse(GOOD);
        assert_eq!(replay.error(), None);
        assert_eq!(replay.skipped(), 1);
        let trace = replay.trace();
        assert_eq!(trace.transitions().len(), 4);
        let fetch = trace.function("fetch");
        assert_eq!(fetch.await_points()[0].expr(), "sleep(10)");
        assert_eq!(fetch.await_points()[0].suspensions(), 1);
        assert_eq!(trace.transitions()[0].parent(), Some(1));
        let timeline = trace.timeline();
        assert_eq!(timeline.polls(), 4);
        assert_eq!(timeline.suspensions(), 2);
        // Reading again makes no new fns.
        let again = Replay::parse(GOOD);
        assert!(std::ptr::eq(
            again.trace().function("fetch").meta(),
            fetch.meta()
        ));
    }

    #[test]
    fn the_first_bad_line_stops_and_is_named() {
        let truncated = format!(
            "{}{{\"fn\":\"page\",\"mod",
            &GOOD[..GOOD.find("\n{\"summary").unwrap() + 1]
        );
        let replay = Replay::parse(&truncated);
        let error = replay.error().expect("an error");
        assert_eq!(error.line(), 3);
        assert!(
            error.to_string().starts_with("line 3: not a JSON line"),
            "{error}"
        );
        assert_eq!(replay.trace().transitions().len(), 2);
        let missing = "{\"fn\":\"f\",\"to\":\"returned\"}\n";
        let error = Replay::parse(missing).error().cloned().expect("an error");
        assert!(
            error
                .to_string()
                .starts_with("line 1: not a complete transition"),
            "{error}"
        );
        let binary = "\u{0}\u{1}\u{fffd}\u{fffd}PNG\n";
        assert_eq!(
            Replay::parse(binary).error().map(ReplayError::line),
            Some(1)
        );
        let text = "page#1 poll 1 start -> returned\n";
        assert_eq!(Replay::parse(text).error().map(ReplayError::line), Some(1));
    }

    #[test]
    fn a_methods_type_and_the_fns_own_place_come_back() {
        static AWAITS: [AwaitMeta; 1] = [AwaitMeta::new(0, "0", 14, 9, "io()", AwaitKind::Await)];
        static META: FnMeta = FnMeta::new("poll_once", "app::net", "src/net.rs", 11, &AWAITS, true);
        META.note_owner_name("Conn");
        let at = Numbered {
            call: 1,
            parent: 0,
            poll: 1,
            task: 0,
        };
        let first = Transition::new(
            &META,
            (State::Start.encode(), State::Await(0).encode()),
            at,
            1,
            Some(0),
            Some(5),
        );
        let at = Numbered { poll: 2, ..at };
        let last = Transition::new(
            &META,
            (State::Await(0).encode(), State::Returned.encode()),
            at,
            1,
            Some(9),
            Some(4),
        );
        let text = [first, last]
            .map(|t| crate::output::json::line(&t, None) + "\n")
            .concat();
        let replay = Replay::parse(&text);
        assert_eq!(replay.error(), None);
        let meta = replay.trace().transitions()[0].function();
        assert_eq!(meta.display_name(), "Conn::poll_once");
        assert_eq!(
            (meta.file(), meta.line(), meta.module_path()),
            ("src/net.rs", 11, "app::net")
        );
        assert_eq!(meta.awaits()[0].expr(), "io()");
        assert_eq!(replay.trace().transitions()[1].to(), State::Returned);
    }
}
