//! A Mermaid `stateDiagram-v2` per traced fn: its states (start, each await point, returned,
//! panicked, cancelled) and, on each edge, how many times that transition was observed.

use std::fmt::Write;

use crate::output::place::Place;
use crate::state::State;
use crate::trace::{FunctionTrace, Trace};

/// One diagram per traced fn that ran, each in a fenced `mermaid` block under a heading.
pub(crate) fn render_all(trace: &Trace) -> String {
    let mut out = String::new();
    for f in trace.functions() {
        let _ = writeln!(
            out,
            "## {}\n\n```mermaid\n{}```\n",
            f.meta().display_name(),
            render(&f)
        );
    }
    out
}

/// The diagram of one fn, without a fence.
pub(crate) fn render(f: &FunctionTrace<'_>) -> String {
    let meta = f.meta();
    let mut edges: Vec<(State, State, u64)> = Vec::new();
    for t in f.transitions() {
        match edges
            .iter_mut()
            .find(|(from, to, _)| *from == t.from() && *to == t.to())
        {
            Some((_, _, n)) => *n += 1,
            None => edges.push((t.from(), t.to(), 1)),
        }
    }
    let mut out = String::from("stateDiagram-v2\n");
    let mut states: Vec<State> = Vec::new();
    for (from, to, _) in &edges {
        for s in [*from, *to] {
            if !states.contains(&s) {
                states.push(s);
            }
        }
    }
    for s in &states {
        let label = Place::of(meta, *s).label();
        // Mermaid ends a description at a double quote.
        let _ = writeln!(
            out,
            "    state \"{}\" as {}",
            label.replace('"', "'"),
            id(*s)
        );
    }
    let _ = writeln!(out, "    [*] --> {}", id(State::Start));
    for (from, to, n) in &edges {
        let _ = writeln!(out, "    {} --> {}: {n}", id(*from), id(*to));
    }
    for s in states.iter().filter(|s| s.is_final()) {
        let _ = writeln!(out, "    {} --> [*]", id(*s));
    }
    out
}

/// A Mermaid identifier for a state: `start`, `await3`, `hidden`, `returned`, ...
fn id(state: State) -> String {
    match state {
        State::Await(i) => format!("await{i}"),
        State::Hidden => "hidden".to_owned(),
        other => other.to_string(),
    }
}
