//! The Chrome Trace Event format (JSON object format, `traceEvents`), which ui.perfetto.dev and
//! `chrome://tracing` open: metadata events name and order one track per lane and one per
//! invocation's suspensions; polls, task polls, timers and suspensions are complete (`X`)
//! slices, cancellations and anomalies instants (`i`), wakes flows (`s` to `f`).

use std::io::{self, Write};

use serde::Serialize;

use crate::state::State;
use crate::timeline::model::{SliceKind, Timeline, Until, Woken};
use crate::transition::Transition;

/// The one process of the trace.
const PID: u32 = 1;

/// Microseconds, the format's unit, from ns.
fn micros(ns: u64) -> f64 {
    ns as f64 / 1000.0
}

#[derive(Serialize)]
struct Meta<'a> {
    name: &'a str,
    ph: &'a str,
    pid: u32,
    tid: u64,
    args: MetaArgs<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum MetaArgs<'a> {
    Name { name: &'a str },
    Sort { sort_index: u64 },
}

/// The details of one poll, shown when the slice is selected.
#[derive(Serialize)]
pub(crate) struct PollArgs<'a> {
    #[serde(rename = "fn")]
    pub(crate) function: &'a str,
    pub(crate) module: &'a str,
    pub(crate) call: u64,
    pub(crate) parent: Option<u64>,
    pub(crate) poll: u32,
    pub(crate) from: &'a str,
    pub(crate) to: &'a str,
    pub(crate) file: &'a str,
    pub(crate) line: u32,
    /// The awaited expression it suspended at, or resumed from; `null` for neither.
    pub(crate) expr: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) thread: Option<u32>,
}

/// One complete slice.
#[derive(Serialize)]
pub(crate) struct Complete<'a, A: Serialize> {
    pub(crate) name: &'a str,
    pub(crate) cat: &'a str,
    pub(crate) ph: &'a str,
    pub(crate) ts: f64,
    pub(crate) dur: f64,
    pub(crate) pid: u32,
    pub(crate) tid: u64,
    pub(crate) args: A,
}

#[derive(Serialize)]
struct TaskArgs<'a> {
    task: &'a str,
    poll: u64,
    woken: &'a str,
}

#[derive(Serialize)]
struct TimerArgs {
    timers: usize,
}

#[derive(Serialize)]
struct WaitArgs<'a> {
    #[serde(rename = "fn")]
    function: &'a str,
    call: u64,
    #[serde(rename = "await")]
    await_point: &'a str,
    file: &'a str,
    line: Option<u32>,
    expr: Option<&'a str>,
    until: &'a str,
}

#[derive(Serialize)]
struct Instant<'a> {
    name: &'a str,
    cat: &'a str,
    ph: &'a str,
    s: &'a str,
    ts: f64,
    pid: u32,
    tid: u64,
    args: InstantArgs<'a>,
}

#[derive(Serialize)]
struct InstantArgs<'a> {
    message: &'a str,
}

#[derive(Serialize)]
struct FlowEvent<'a> {
    name: &'a str,
    cat: &'a str,
    ph: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    bp: Option<&'a str>,
    id: usize,
    ts: f64,
    pid: u32,
    tid: u64,
}

/// A slice's name: `page#1 await#0 -> await#1`.
pub(crate) fn poll_name(t: &Transition) -> String {
    let meta = t.function();
    format!(
        "{}#{} {} -> {}",
        meta.display_name(),
        t.call(),
        t.from().name(meta),
        t.to().name(meta)
    )
}

/// A poll's details; `thread` only where threads are not hidden.
pub(crate) fn poll_args<'a>(
    t: &'a Transition,
    from: &'a str,
    to: &'a str,
    thread: bool,
) -> PollArgs<'a> {
    let meta = t.function();
    let point = t.await_point().or(t.resumed_from());
    PollArgs {
        function: meta.name(),
        module: meta.module_path(),
        call: t.call(),
        parent: t.parent(),
        poll: t.poll(),
        from,
        to,
        file: meta.file(),
        line: point.map_or(meta.line(), |p| p.line()),
        expr: point.map(|p| p.expr()),
        thread: thread.then(|| t.thread()),
    }
}

/// A suspension's label: `waiting at await#1 fetch("body", 20) :19`.
pub(crate) fn wait_name(t: &Transition) -> String {
    let meta = t.function();
    match t.await_point() {
        Some(p) => format!("waiting at await#{} {} :{}", p.label(), p.expr(), p.line()),
        None => format!("waiting at {}", t.to().name(meta)),
    }
}

/// How a task came to be polled, in words.
pub(crate) fn woken_text(woken: Woken, by: Option<usize>, timeline: &Timeline) -> String {
    let by = by.and_then(|s| timeline.slices.get(s));
    match woken {
        Woken::First => "first poll".to_owned(),
        Woken::Itself => "by itself".to_owned(),
        Woken::Timers(_) => "by a timer".to_owned(),
        Woken::Poll(_) => match by {
            Some(s) => format!("by {}", timeline.lanes[s.lane].name),
            None => "by another task".to_owned(),
        },
        Woken::Elsewhere => "from outside the runtime".to_owned(),
        Woken::Unasked => "by nothing (spurious)".to_owned(),
    }
}

/// One event to write, with the key it is sorted by: per track by time, outer slices first.
struct Item {
    tid: u64,
    ts: u64,
    /// Longer first at equal time, so that a parent precedes the child it contains.
    neg_dur: i64,
    depth: u16,
    what: What,
}

#[derive(Clone, Copy)]
enum What {
    Slice(usize),
    Wait(usize),
    Mark(usize),
    FlowStart(usize),
    FlowEnd(usize),
}

impl Timeline {
    /// The timeline as Chrome Trace Event JSON: open the file in ui.perfetto.dev or
    /// `chrome://tracing`. In deterministic mode the same program writes the same bytes.
    pub fn chrome_json(&self) -> String {
        let mut out = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = self.write_chrome(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Writes [`chrome_json`](Self::chrome_json) to `out`.
    ///
    /// # Errors
    /// When `out` fails to take the bytes.
    pub fn write_chrome(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut out = io::BufWriter::new(out);
        out.write_all(b"{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n")?;
        let mut first = true;
        let mut sep = |out: &mut io::BufWriter<&mut dyn Write>| -> io::Result<()> {
            if !std::mem::take(&mut first) {
                out.write_all(b",\n")?;
            }
            Ok(())
        };
        sep(&mut out)?;
        write(
            &mut out,
            &Meta {
                name: "process_name",
                ph: "M",
                pid: PID,
                tid: 0,
                args: MetaArgs::Name {
                    name: "traced-async",
                },
            },
        )?;
        // Tracks: each lane, then one per invocation that suspended in it.
        let lane_tid = |lane: usize| lane as u64 + 1;
        let mut wait_tid = vec![0u64; self.waits.len()];
        let mut tracks: Vec<(u64, String)> = Vec::new();
        let mut next_tid = self.lanes.len() as u64 + 1;
        let mut w = 0;
        for (lane, info) in self.lanes.iter().enumerate() {
            tracks.push((lane_tid(lane), info.name.clone()));
            while w < self.waits.len() && self.waits[w].lane == lane {
                let call = self.waits[w].t.call();
                let tid = next_tid;
                next_tid += 1;
                let t = &self.waits[w].t;
                tracks.push((
                    tid,
                    format!("  {}#{} waits", t.function().display_name(), call),
                ));
                while w < self.waits.len()
                    && self.waits[w].lane == lane
                    && self.waits[w].t.call() == call
                {
                    wait_tid[w] = tid;
                    w += 1;
                }
            }
        }
        for (sort_index, (tid, name)) in tracks.iter().enumerate() {
            sep(&mut out)?;
            write(
                &mut out,
                &Meta {
                    name: "thread_name",
                    ph: "M",
                    pid: PID,
                    tid: *tid,
                    args: MetaArgs::Name { name },
                },
            )?;
            sep(&mut out)?;
            write(
                &mut out,
                &Meta {
                    name: "thread_sort_index",
                    ph: "M",
                    pid: PID,
                    tid: *tid,
                    args: MetaArgs::Sort {
                        sort_index: sort_index as u64,
                    },
                },
            )?;
        }
        let dur = |a: u64, b: u64| -(i64::try_from(b.saturating_sub(a)).unwrap_or(i64::MAX));
        let mut items: Vec<Item> =
            Vec::with_capacity(self.slices.len() + self.waits.len() + self.marks.len());
        for (i, s) in self.slices.iter().enumerate() {
            items.push(Item {
                tid: lane_tid(s.lane),
                ts: s.start,
                neg_dur: dur(s.start, s.end),
                depth: s.depth,
                what: What::Slice(i),
            });
        }
        for (i, wait) in self.waits.iter().enumerate() {
            items.push(Item {
                tid: wait_tid[i],
                ts: wait.start,
                neg_dur: dur(wait.start, wait.end),
                depth: 0,
                what: What::Wait(i),
            });
        }
        for (i, m) in self.marks.iter().enumerate() {
            items.push(Item {
                tid: lane_tid(m.lane),
                ts: m.at,
                neg_dur: 0,
                depth: u16::MAX,
                what: What::Mark(i),
            });
        }
        for (i, f) in self.flows.iter().enumerate() {
            for (slice, what) in [(f.from, What::FlowStart(i)), (f.to, What::FlowEnd(i))] {
                let s = &self.slices[slice];
                items.push(Item {
                    tid: lane_tid(s.lane),
                    ts: s.start,
                    neg_dur: 0,
                    depth: u16::MAX,
                    what,
                });
            }
        }
        items.sort_by_key(|it| (it.tid, it.ts, it.neg_dur, it.depth));
        let threads = !self.deterministic;
        for item in &items {
            sep(&mut out)?;
            match item.what {
                What::Slice(i) => self.write_slice(&mut out, i, item.tid, threads)?,
                What::Wait(i) => {
                    let wait = &self.waits[i];
                    let t = &wait.t;
                    let meta = t.function();
                    let point = t.await_point();
                    let label = t.to().name(meta);
                    write(
                        &mut out,
                        &Complete {
                            name: &wait_name(t),
                            cat: "wait",
                            ph: "X",
                            ts: micros(wait.start),
                            dur: micros(wait.end - wait.start),
                            pid: PID,
                            tid: item.tid,
                            args: WaitArgs {
                                function: meta.name(),
                                call: t.call(),
                                await_point: &label,
                                file: meta.file(),
                                line: point.map(|p| p.line()),
                                expr: point.map(|p| p.expr()),
                                until: match wait.until {
                                    Until::Resumed => "resumed",
                                    Until::Cancelled => "cancelled",
                                    Until::End => "still waiting when the recording ended",
                                },
                            },
                        },
                    )?;
                }
                What::Mark(i) => {
                    let m = &self.marks[i];
                    let cancel = m.message.is_empty();
                    write(
                        &mut out,
                        &Instant {
                            name: &m.name,
                            cat: if cancel { "cancel" } else { "anomaly" },
                            ph: "i",
                            s: "t",
                            ts: micros(m.at),
                            pid: PID,
                            tid: item.tid,
                            args: InstantArgs {
                                message: if cancel { &m.name } else { &m.message },
                            },
                        },
                    )?;
                }
                What::FlowStart(i) | What::FlowEnd(i) => {
                    let end = matches!(item.what, What::FlowEnd(_));
                    write(
                        &mut out,
                        &FlowEvent {
                            name: "wake",
                            cat: "task",
                            ph: if end { "f" } else { "s" },
                            bp: end.then_some("e"),
                            id: i + 1,
                            ts: micros(item.ts),
                            pid: PID,
                            tid: item.tid,
                        },
                    )?;
                }
            }
        }
        let clock = if self.deterministic {
            "virtual (deterministic runtime); polls drawn 1 µs apart in the order they ran"
        } else if self.synthetic {
            "none (recorded without timing); polls drawn 1 µs apart in the order they ran"
        } else {
            "real"
        };
        write!(out, "\n],\"otherData\":{{\"clock\":")?;
        write(&mut out, &clock)?;
        out.write_all(b"}}\n")?;
        out.flush()
    }

    fn write_slice(
        &self,
        out: &mut io::BufWriter<&mut dyn Write>,
        i: usize,
        tid: u64,
        threads: bool,
    ) -> io::Result<()> {
        let s = &self.slices[i];
        let (ts, dur) = (micros(s.start), micros(s.end - s.start));
        match s.kind {
            SliceKind::Poll(t) => {
                let meta = t.function();
                let (from, to) = (t.from().name(meta), t.to().name(meta));
                write(
                    out,
                    &Complete {
                        name: &poll_name(&t),
                        cat: "poll",
                        ph: "X",
                        ts,
                        dur,
                        pid: PID,
                        tid,
                        args: poll_args(&t, &from, &to, threads && t.to() != State::Cancelled),
                    },
                )
            }
            SliceKind::Task { poll, woken, by } => {
                let lane = &self.lanes[s.lane].name;
                write(
                    out,
                    &Complete {
                        name: &format!("{lane} poll {poll}"),
                        cat: "task",
                        ph: "X",
                        ts,
                        dur,
                        pid: PID,
                        tid,
                        args: TaskArgs {
                            task: lane,
                            poll,
                            woken: &woken_text(woken, by, self),
                        },
                    },
                )
            }
            SliceKind::Timers { count } => write(
                out,
                &Complete {
                    name: if count == 1 {
                        "timer fired"
                    } else {
                        "timers fired"
                    },
                    cat: "task",
                    ph: "X",
                    ts,
                    dur,
                    pid: PID,
                    tid,
                    args: TimerArgs { timers: count },
                },
            ),
        }
    }
}

fn write(out: &mut impl Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(out, value).map_err(io::Error::other)
}
