//! One JSON object per transition per line.

use serde::Serialize;

use crate::output::place::Place;
use crate::transition::Transition;

#[derive(Serialize)]
struct Line<'a> {
    #[serde(rename = "fn")]
    function: &'a str,
    /// For a method, the type it is a method of.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    owner: Option<&'a str>,
    module: &'a str,
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
}

#[derive(Serialize)]
struct AwaitPoint<'a> {
    label: &'a str,
    file: &'a str,
    line: u32,
    column: u32,
    expr: &'a str,
}

pub(crate) fn line(t: &Transition) -> String {
    let meta = t.function();
    let line = Line {
        function: meta.name(),
        owner: meta.owner(),
        module: meta.module_path(),
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
    };
    serde_json::to_string(&line).unwrap_or_default()
}
