//! The Chrome Trace Event format (JSON object format, `traceEvents`), which ui.perfetto.dev and
//! `chrome://tracing` open: metadata events name and order one track per lane and one per
//! invocation's suspensions; polls, task polls, timers and suspensions are complete (`X`)
//! slices, cancellations and anomalies instants (`i`), wakes flows (`s` to `f`).

use std::io::{self, Write};

use serde::Serialize;

use crate::meta::FnMeta;
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

/// Writes a state's name (`start`, `await#3.1`, ...) into `buf`, allocating nothing.
pub(crate) fn push_state(buf: &mut String, state: State, meta: &'static FnMeta) {
    use std::fmt::Write as _;
    match state {
        State::Await(i) => {
            buf.push_str("await#");
            match meta.awaits().get(usize::from(i)) {
                Some(p) => buf.push_str(p.label()),
                None => {
                    let _ = write!(buf, "{i}");
                }
            }
        }
        other => {
            let _ = write!(buf, "{other}");
        }
    }
}

/// Reused buffers for the names of one event.
#[derive(Default)]
struct Names {
    name: String,
    from: String,
    to: String,
}

impl Names {
    /// Fills the buffers for a poll of `t`: its name and its states' names.
    fn poll(&mut self, t: &Transition) {
        use std::fmt::Write as _;
        let meta = t.function();
        for buf in [&mut self.name, &mut self.from, &mut self.to] {
            buf.clear();
        }
        push_state(&mut self.from, t.from(), meta);
        push_state(&mut self.to, t.to(), meta);
        let _ = write!(
            self.name,
            "{}#{} {} -> {}",
            meta.display_name(),
            t.call(),
            self.from,
            self.to
        );
    }

    /// Fills the buffers for a suspension after `t`: its label and its state's name.
    fn wait(&mut self, t: &Transition) {
        use std::fmt::Write as _;
        let meta = t.function();
        self.name.clear();
        self.to.clear();
        push_state(&mut self.to, t.to(), meta);
        let _ = match t.await_point() {
            Some(p) => write!(
                self.name,
                "waiting at await#{} {} :{}",
                p.label(),
                p.expr(),
                p.line()
            ),
            None => write!(self.name, "waiting at {}", self.to),
        };
    }
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

/// The events written for every poll and suspension, by hand into a reused line buffer: the
/// same bytes serde would write, at a fraction of the cost (a million polls must export in
/// under a second).
pub(crate) mod fast {
    /// A JSON string: copied as is when nothing in it needs escaping.
    pub(crate) fn str(buf: &mut Vec<u8>, s: &str) {
        if s.bytes().all(|b| b != b'"' && b != b'\\' && b >= 0x20) {
            buf.push(b'"');
            buf.extend_from_slice(s.as_bytes());
            buf.push(b'"');
        } else {
            // Writing to a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *buf, s);
        }
    }

    pub(crate) fn opt_str(buf: &mut Vec<u8>, s: Option<&str>) {
        match s {
            Some(s) => str(buf, s),
            None => buf.extend_from_slice(b"null"),
        }
    }

    pub(crate) fn u64(buf: &mut Vec<u8>, n: u64) {
        buf.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }

    pub(crate) fn opt_u64(buf: &mut Vec<u8>, n: Option<u64>) {
        match n {
            Some(n) => u64(buf, n),
            None => buf.extend_from_slice(b"null"),
        }
    }

    /// Nanoseconds as microseconds, exactly: `10001.5`, `2.0`, `1.234`.
    pub(crate) fn micros(buf: &mut Vec<u8>, ns: u64) {
        u64(buf, ns / 1000);
        let frac = ns % 1000;
        buf.push(b'.');
        if frac == 0 {
            buf.push(b'0');
        } else {
            let digits = [frac / 100, frac / 10 % 10, frac % 10];
            let keep = if digits[2] != 0 {
                3
            } else if digits[1] != 0 {
                2
            } else {
                1
            };
            buf.extend(digits[..keep].iter().map(|d| b'0' + *d as u8));
        }
    }

    /// `"key":`
    pub(crate) fn key(buf: &mut Vec<u8>, key: &str) {
        buf.push(b'"');
        buf.extend_from_slice(key.as_bytes());
        buf.extend_from_slice(b"\":");
    }

    /// The start of a complete slice, up to and including `"args":{`.
    pub(crate) fn complete(buf: &mut Vec<u8>, name: &str, cat: &str, ts: u64, dur: u64, tid: u64) {
        buf.extend_from_slice(b"{\"name\":");
        str(buf, name);
        buf.extend_from_slice(b",\"cat\":\"");
        buf.extend_from_slice(cat.as_bytes());
        buf.extend_from_slice(b"\",\"ph\":\"X\",\"ts\":");
        micros(buf, ts);
        buf.extend_from_slice(b",\"dur\":");
        micros(buf, dur);
        buf.extend_from_slice(b",\"pid\":1,\"tid\":");
        u64(buf, tid);
        buf.extend_from_slice(b",\"args\":{");
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
        // About 300 bytes an event: one allocation, no copying as it grows.
        let events = self.slices.len() + 2 * self.waits.len() + self.marks.len();
        let mut out = Vec::with_capacity(300 * events + 4096);
        // Writing to a Vec cannot fail.
        let _ = self.write_events(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Writes [`chrome_json`](Self::chrome_json) to `out`.
    ///
    /// # Errors
    /// When `out` fails to take the bytes.
    pub fn write_chrome(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut out = io::BufWriter::with_capacity(1 << 16, out);
        self.write_events(&mut out)?;
        out.flush()
    }

    fn write_events<W: Write>(&self, mut out: W) -> io::Result<()> {
        out.write_all(b"{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n")?;
        let mut first = true;
        let mut sep = |out: &mut W| -> io::Result<()> {
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
        // Unstable sort, made total by the input order: the same input, the same bytes.
        let mut order: Vec<(u64, u64, i64, u16, usize)> = items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.tid, it.ts, it.neg_dur, it.depth, i))
            .collect();
        order.sort_unstable();
        let threads = !self.deterministic;
        let mut names = Names::default();
        let mut line = Vec::with_capacity(512);
        for &(.., i) in &order {
            let item = &items[i];
            sep(&mut out)?;
            match item.what {
                What::Slice(i) => {
                    let s = &self.slices[i];
                    if let SliceKind::Poll(t) = s.kind {
                        names.poll(&t);
                        let buf = &mut line;
                        buf.clear();
                        let dur = s.end - s.start;
                        fast::complete(buf, &names.name, "poll", s.start, dur, item.tid);
                        let a = poll_args(&t, &names.from, &names.to, threads);
                        fast::key(buf, "fn");
                        fast::str(buf, a.function);
                        buf.push(b',');
                        fast::key(buf, "module");
                        fast::str(buf, a.module);
                        buf.push(b',');
                        fast::key(buf, "call");
                        fast::u64(buf, a.call);
                        buf.push(b',');
                        fast::key(buf, "parent");
                        fast::opt_u64(buf, a.parent);
                        buf.push(b',');
                        fast::key(buf, "poll");
                        fast::u64(buf, u64::from(a.poll));
                        buf.push(b',');
                        fast::key(buf, "from");
                        fast::str(buf, a.from);
                        buf.push(b',');
                        fast::key(buf, "to");
                        fast::str(buf, a.to);
                        buf.push(b',');
                        fast::key(buf, "file");
                        fast::str(buf, a.file);
                        buf.push(b',');
                        fast::key(buf, "line");
                        fast::u64(buf, u64::from(a.line));
                        buf.push(b',');
                        fast::key(buf, "expr");
                        fast::opt_str(buf, a.expr);
                        if let Some(thread) = a.thread {
                            buf.push(b',');
                            fast::key(buf, "thread");
                            fast::u64(buf, u64::from(thread));
                        }
                        buf.extend_from_slice(b"}}");
                        out.write_all(buf)?;
                    } else {
                        self.write_slice(&mut out, i, item.tid)?;
                    }
                }
                What::Wait(i) => {
                    let wait = &self.waits[i];
                    let t = &wait.t;
                    let meta = t.function();
                    let point = t.await_point();
                    names.wait(t);
                    let buf = &mut line;
                    buf.clear();
                    let dur = wait.end - wait.start;
                    fast::complete(buf, &names.name, "wait", wait.start, dur, item.tid);
                    fast::key(buf, "fn");
                    fast::str(buf, meta.name());
                    buf.push(b',');
                    fast::key(buf, "call");
                    fast::u64(buf, t.call());
                    buf.push(b',');
                    fast::key(buf, "await");
                    fast::str(buf, &names.to);
                    buf.push(b',');
                    fast::key(buf, "file");
                    fast::str(buf, meta.file());
                    buf.push(b',');
                    fast::key(buf, "line");
                    fast::opt_u64(buf, point.map(|p| u64::from(p.line())));
                    buf.push(b',');
                    fast::key(buf, "expr");
                    fast::opt_str(buf, point.map(|p| p.expr()));
                    buf.push(b',');
                    fast::key(buf, "until");
                    fast::str(
                        buf,
                        match wait.until {
                            Until::Resumed => "resumed",
                            Until::Cancelled => "cancelled",
                            Until::End => "still waiting when the recording ended",
                        },
                    );
                    buf.extend_from_slice(b"}}");
                    out.write_all(buf)?;
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

    fn write_slice<W: Write>(&self, out: &mut W, i: usize, tid: u64) -> io::Result<()> {
        let s = &self.slices[i];
        let (ts, dur) = (micros(s.start), micros(s.end - s.start));
        match s.kind {
            // Written by the fast path above.
            SliceKind::Poll(_) => Ok(()),
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
