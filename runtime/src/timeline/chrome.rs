//! The Chrome Trace Event format (JSON object format, `traceEvents`), which ui.perfetto.dev and
//! `chrome://tracing` open: metadata events name and order one track per lane and one per
//! invocation's suspensions; polls, task polls, timers and suspensions are complete (`X`)
//! slices, cancellations and anomalies instants (`i`), wakes flows (`s` to `f`).

use std::io::{self, Write};

use serde::Serialize;

use crate::timeline::fragments::FragCache;
use crate::timeline::model::{SliceKind, Timeline, Until, Woken};
use crate::transition::Transition;

/// The one process of the trace.
const PID: u32 = 1;

/// Microseconds, the format's unit, from ns.
fn micros(ns: u64) -> f64 {
    ns as f64 / 1000.0
}

/// A metadata event (`"ph":"M"`) naming a process or a track. Also written by the recorder's
/// timeline stream.
#[derive(Serialize)]
pub(crate) struct Meta<'a> {
    pub(crate) name: &'a str,
    pub(crate) ph: &'a str,
    pub(crate) pid: u32,
    pub(crate) tid: u64,
    pub(crate) args: NameArgs<'a>,
}

/// A metadata event's args: the name given.
#[derive(Serialize)]
pub(crate) struct NameArgs<'a> {
    pub(crate) name: &'a str,
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

/// An instant event (`"ph":"i"`) with a message: an anomaly, a cancellation. Also written by
/// the recorder's timeline stream.
#[derive(Serialize)]
pub(crate) struct Instant<'a> {
    pub(crate) name: &'a str,
    pub(crate) cat: &'a str,
    pub(crate) ph: &'a str,
    pub(crate) s: &'a str,
    pub(crate) ts: f64,
    pub(crate) pid: u32,
    pub(crate) tid: u64,
    pub(crate) args: InstantArgs<'a>,
}

/// An instant's args.
#[derive(Serialize)]
pub(crate) struct InstantArgs<'a> {
    pub(crate) message: &'a str,
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
    use crate::state::State;
    use crate::timeline::fragments::Frags;

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

    /// What a poll slice shows, besides the fn's fragments.
    pub(crate) struct Poll {
        pub(crate) call: u64,
        pub(crate) parent: Option<u64>,
        pub(crate) poll: u32,
        pub(crate) from: State,
        pub(crate) to: State,
        pub(crate) start: u64,
        pub(crate) dur: u64,
        pub(crate) tid: u64,
        /// The thread, where threads are not hidden.
        pub(crate) thread: Option<u32>,
    }

    /// A poll's complete slice, named like its transition, with every arg.
    pub(crate) fn poll(buf: &mut Vec<u8>, f: &mut Frags, p: &Poll) {
        buf.extend_from_slice(&f.poll_head);
        let pair = f.pair(p.from, p.to);
        u64(buf, p.call);
        buf.extend_from_slice(&pair.name_tail);
        micros(buf, p.start);
        buf.extend_from_slice(b",\"dur\":");
        micros(buf, p.dur);
        buf.extend_from_slice(b",\"pid\":1,\"tid\":");
        u64(buf, p.tid);
        buf.extend_from_slice(&pair.args_head);
        u64(buf, p.call);
        buf.extend_from_slice(b",\"parent\":");
        opt_u64(buf, p.parent);
        buf.extend_from_slice(b",\"poll\":");
        u64(buf, u64::from(p.poll));
        buf.extend_from_slice(&pair.args_tail);
        if let Some(thread) = p.thread {
            buf.extend_from_slice(b",\"thread\":");
            u64(buf, u64::from(thread));
        }
        buf.extend_from_slice(b"}}");
    }

    /// A suspension's complete slice of invocation `call`, waiting in state `at`, labelled
    /// with its await point; `until` is how it ended, in words.
    pub(crate) fn wait(
        buf: &mut Vec<u8>,
        f: &Frags,
        call: u64,
        at: State,
        (start, dur, tid): (u64, u64, u64),
        until: &str,
    ) {
        if !f.wait_head(buf, at) {
            buf.extend_from_slice(b"{\"name\":\"waiting at ");
            f.state(buf, at);
            buf.extend_from_slice(b"\",\"cat\":\"wait\",\"ph\":\"X\",\"ts\":");
        }
        micros(buf, start);
        buf.extend_from_slice(b",\"dur\":");
        micros(buf, dur);
        buf.extend_from_slice(b",\"pid\":1,\"tid\":");
        u64(buf, tid);
        buf.extend_from_slice(&f.wait_args);
        u64(buf, call);
        buf.extend_from_slice(b",\"await\":\"");
        f.state(buf, at);
        buf.push(b'"');
        buf.extend_from_slice(&f.file);
        f.wait_tail(buf, at);
        buf.extend_from_slice(b",\"until\":\"");
        buf.extend_from_slice(until.as_bytes());
        buf.extend_from_slice(b"\"}}");
    }

    /// The name of the track of one invocation's suspensions: `  page#1 waits`.
    pub(crate) fn wait_track(buf: &mut Vec<u8>, f: &Frags, call: u64, tid: u64) {
        buf.extend_from_slice(b"{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":");
        u64(buf, tid);
        buf.extend_from_slice(b",\"args\":{\"name\":\"  ");
        buf.extend_from_slice(&f.display);
        buf.push(b'#');
        u64(buf, call);
        buf.extend_from_slice(b" waits\"}}");
    }
}

/// Bytes gathered before they go to the writer of [`Timeline::write_chrome`].
const CHUNK: usize = 1 << 18;

/// Where the events go: one growing buffer (for a `String`), or chunks of it handed to a
/// writer as they fill.
struct Out<'a> {
    buf: Vec<u8>,
    sink: Option<&'a mut dyn Write>,
}

impl Out<'_> {
    /// Hands a full chunk to the writer.
    fn spill(&mut self) -> io::Result<()> {
        if let Some(sink) = self.sink.as_mut()
            && self.buf.len() >= CHUNK
        {
            sink.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if let Some(sink) = self.sink.as_mut() {
            sink.write_all(&self.buf)?;
            self.buf.clear();
            sink.flush()?;
        }
        Ok(())
    }
}

/// Events are numbered in one space: slices, then suspensions, marks, and two flow ends per
/// flow. Each track's events are written by time, outer slices first; that is the order the
/// layout mostly made them in, so a track is sorted only when it is not already in order.
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
        let mut out = Out {
            buf: Vec::with_capacity(300 * events + 4096),
            sink: None,
        };
        // Writing to a Vec cannot fail.
        let _ = self.write_events(&mut out);
        // SAFETY: `write_events` appends only ASCII literals, itoa's and `fast::micros`'s ASCII
        // digits, the bytes of `&str`s (names, the escaped fragments, which are `String`s) and
        // serde_json's output, which is UTF-8: the buffer is UTF-8, so checking it again, half a
        // gigabyte for a million polls, is skipped.
        unsafe { String::from_utf8_unchecked(out.buf) }
    }

    /// Writes [`chrome_json`](Self::chrome_json) to `out`, a chunk of 256 KiB at a time.
    ///
    /// # Errors
    /// When `out` fails to take the bytes.
    pub fn write_chrome(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut out = Out {
            buf: Vec::with_capacity(CHUNK + 4096),
            sink: Some(out),
        };
        self.write_events(&mut out)
    }

    fn what(&self, n: usize) -> What {
        let (s, w, m) = (self.slices.len(), self.waits.len(), self.marks.len());
        if n < s {
            What::Slice(n)
        } else if n < s + w {
            What::Wait(n - s)
        } else if n < s + w + m {
            What::Mark(n - s - w)
        } else if (n - s - w - m).is_multiple_of(2) {
            What::FlowStart((n - s - w - m) / 2)
        } else {
            What::FlowEnd((n - s - w - m) / 2)
        }
    }

    /// An event's place on its track: by time, longer first at equal time (a parent before
    /// the child it contains), shallower first, then in numbering order.
    fn order_key(&self, n: usize) -> (u64, i64, u16, usize) {
        let dur = |a: u64, b: u64| -(i64::try_from(b.saturating_sub(a)).unwrap_or(i64::MAX));
        match self.what(n) {
            What::Slice(i) => {
                let s = &self.slices[i];
                (s.start, dur(s.start, s.end), s.depth, n)
            }
            What::Wait(i) => {
                let w = &self.waits[i];
                (w.start, dur(w.start, w.end), 0, n)
            }
            What::Mark(i) => (self.marks[i].at, 0, u16::MAX, n),
            What::FlowStart(i) => (self.slices[self.flows[i].from].start, 0, u16::MAX, n),
            What::FlowEnd(i) => (self.slices[self.flows[i].to].start, 0, u16::MAX, n),
        }
    }

    /// The events of every track, track after track, each track in order.
    fn ordered(&self, wait_tid: &[u64], tracks: usize) -> Vec<u32> {
        let lane_tid = |lane: usize| lane as u64 + 1;
        let total = self.slices.len() + self.waits.len() + self.marks.len() + 2 * self.flows.len();
        let tid_of = |n: usize| -> usize {
            let tid = match self.what(n) {
                What::Slice(i) => lane_tid(self.slices[i].lane),
                What::Wait(i) => wait_tid[i],
                What::Mark(i) => lane_tid(self.marks[i].lane),
                What::FlowStart(i) => lane_tid(self.slices[self.flows[i].from].lane),
                What::FlowEnd(i) => lane_tid(self.slices[self.flows[i].to].lane),
            };
            usize::try_from(tid).unwrap_or(usize::MAX)
        };
        // A counting sort by track, stable: each track's events in numbering order.
        let mut starts = vec![0u32; tracks + 2];
        for n in 0..total {
            starts[tid_of(n).min(tracks + 1)] += 1;
        }
        let mut sum = 0u32;
        for c in &mut starts {
            let count = *c;
            *c = sum;
            sum += count;
        }
        let mut at = starts.clone();
        let mut order = vec![0u32; total];
        for n in 0..total {
            let tid = tid_of(n).min(tracks + 1);
            order[at[tid] as usize] = n as u32;
            at[tid] += 1;
        }
        for tid in 0..starts.len() {
            let end = starts.get(tid + 1).map_or(total, |&e| e as usize);
            let track = &mut order[starts[tid] as usize..end];
            // Each key once: the previous one is kept.
            let mut keys = track.iter().map(|&n| self.order_key(n as usize));
            let sorted = keys
                .next()
                .is_none_or(|mut prev| keys.all(|key| std::mem::replace(&mut prev, key) <= key));
            if !sorted {
                track.sort_unstable_by_key(|&n| self.order_key(n as usize));
            }
        }
        order
    }

    fn write_events(&self, out: &mut Out<'_>) -> io::Result<()> {
        out.buf
            .extend_from_slice(b"{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
        write(
            &mut out.buf,
            &Meta {
                name: "process_name",
                ph: "M",
                pid: PID,
                tid: 0,
                args: NameArgs {
                    name: "traced-async",
                },
            },
        )?;
        let mut frags = FragCache::default();
        // Tracks: each lane, then one per invocation that suspended in it.
        let lane_tid = |lane: usize| lane as u64 + 1;
        let mut wait_tid = vec![0u64; self.waits.len()];
        let mut next_tid = self.lanes.len() as u64 + 1;
        let mut sort_index = 0u64;
        let mut w = 0;
        let track_meta = |buf: &mut Vec<u8>, tid: u64, sort_index: u64| {
            buf.extend_from_slice(
                b",\n{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":",
            );
            fast::u64(buf, tid);
            buf.extend_from_slice(b",\"args\":{\"sort_index\":");
            fast::u64(buf, sort_index);
            buf.extend_from_slice(b"}}");
        };
        for (lane, info) in self.lanes.iter().enumerate() {
            out.buf.extend_from_slice(b",\n");
            write(
                &mut out.buf,
                &Meta {
                    name: "thread_name",
                    ph: "M",
                    pid: PID,
                    tid: lane_tid(lane),
                    args: NameArgs { name: &info.name },
                },
            )?;
            track_meta(&mut out.buf, lane_tid(lane), sort_index);
            sort_index += 1;
            while w < self.waits.len() && self.waits[w].lane == lane {
                let t = &self.waits[w].t;
                let call = t.call();
                let tid = next_tid;
                next_tid += 1;
                let buf = &mut out.buf;
                buf.extend_from_slice(b",\n");
                fast::wait_track(buf, frags.get(t.function()), call, tid);
                track_meta(buf, tid, sort_index);
                sort_index += 1;
                while w < self.waits.len()
                    && self.waits[w].lane == lane
                    && self.waits[w].t.call() == call
                {
                    wait_tid[w] = tid;
                    w += 1;
                }
                out.spill()?;
            }
        }
        let order = self.ordered(&wait_tid, next_tid as usize);
        let threads = !self.deterministic;
        for n in order {
            let buf = &mut out.buf;
            buf.extend_from_slice(b",\n");
            match self.what(n as usize) {
                What::Slice(i) => {
                    let s = &self.slices[i];
                    if let SliceKind::Poll(t) = s.kind {
                        let p = fast::Poll {
                            call: t.call(),
                            parent: t.parent(),
                            poll: t.poll(),
                            from: t.from(),
                            to: t.to(),
                            start: s.start,
                            dur: s.end - s.start,
                            tid: lane_tid(s.lane),
                            thread: threads.then(|| t.thread()),
                        };
                        fast::poll(buf, frags.get(t.function()), &p);
                    } else {
                        self.write_slice(buf, i, lane_tid(s.lane))?;
                    }
                }
                What::Wait(i) => {
                    let wait = &self.waits[i];
                    let t = &wait.t;
                    let until = match wait.until {
                        Until::Resumed => "resumed",
                        Until::Cancelled => "cancelled",
                        Until::End => "still waiting when the recording ended",
                    };
                    let place = (wait.start, wait.end - wait.start, wait_tid[i]);
                    fast::wait(buf, frags.get(t.function()), t.call(), t.to(), place, until);
                }
                What::Mark(i) => {
                    let m = &self.marks[i];
                    let cancel = m.message.is_empty();
                    write(
                        buf,
                        &Instant {
                            name: &m.name,
                            cat: if cancel { "cancel" } else { "anomaly" },
                            ph: "i",
                            s: "t",
                            ts: micros(m.at),
                            pid: PID,
                            tid: lane_tid(m.lane),
                            args: InstantArgs {
                                message: if cancel { &m.name } else { &m.message },
                            },
                        },
                    )?;
                }
                what @ (What::FlowStart(i) | What::FlowEnd(i)) => {
                    let end = matches!(what, What::FlowEnd(_));
                    let f = &self.flows[i];
                    let s = &self.slices[if end { f.to } else { f.from }];
                    write(
                        buf,
                        &FlowEvent {
                            name: "wake",
                            cat: "task",
                            ph: if end { "f" } else { "s" },
                            bp: end.then_some("e"),
                            id: i + 1,
                            ts: micros(s.start),
                            pid: PID,
                            tid: lane_tid(s.lane),
                        },
                    )?;
                }
            }
            out.spill()?;
        }
        let clock = if self.deterministic {
            "virtual (deterministic runtime); polls drawn 1 µs apart in the order they ran"
        } else if self.synthetic {
            "none (recorded without timing); polls drawn 1 µs apart in the order they ran"
        } else {
            "real"
        };
        out.buf.extend_from_slice(b"\n],\"otherData\":{\"clock\":");
        write(&mut out.buf, &clock)?;
        out.buf.extend_from_slice(b"}}\n");
        out.finish()
    }

    fn write_slice(&self, out: &mut Vec<u8>, i: usize, tid: u64) -> io::Result<()> {
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

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::fast;
    use crate::meta::{AwaitKind, AwaitMeta, FnMeta};
    use crate::state::State;
    use crate::timeline::fragments::FragCache;

    static AWAITS: [AwaitMeta; 2] = [
        AwaitMeta::new(0, "0", 7, 9, "get(\"a\\b\")\n\t", AwaitKind::Await),
        AwaitMeta::new(1, "1.2", 8, 3, "é → ✓", AwaitKind::Branch),
    ];
    static META: FnMeta = FnMeta::new("odd\"fn", "m::\\n", "src/\"q\".rs", 5, &AWAITS, true);

    fn parse(buf: &[u8]) -> Value {
        serde_json::from_slice(buf).unwrap_or_else(|e| {
            panic!("{e}: {}", String::from_utf8_lossy(buf));
        })
    }

    fn poll(from: State, to: State) -> Value {
        let mut cache = FragCache::default();
        let mut buf = Vec::new();
        let p = fast::Poll {
            call: 12,
            parent: Some(3),
            poll: 2,
            from,
            to,
            start: 10_001_500,
            dur: 2_000,
            tid: 4,
            thread: Some(9),
        };
        fast::poll(&mut buf, cache.get(&META), &p);
        parse(&buf)
    }

    #[test]
    fn a_poll_slice_is_json_with_every_arg_escaped() {
        let v = poll(State::Await(0), State::Await(1));
        assert_eq!(v["name"], "odd\"fn#12 await#0 -> await#1.2");
        assert_eq!(
            (v["ts"].as_f64(), v["dur"].as_f64()),
            (Some(10001.5), Some(2.0))
        );
        let a = &v["args"];
        assert_eq!(
            (a["fn"].as_str(), a["module"].as_str()),
            (Some("odd\"fn"), Some("m::\\n"))
        );
        assert_eq!(
            (a["call"].as_u64(), a["parent"].as_u64()),
            (Some(12), Some(3))
        );
        assert_eq!(
            (a["poll"].as_u64(), a["thread"].as_u64()),
            (Some(2), Some(9))
        );
        assert_eq!(
            (a["from"].as_str(), a["to"].as_str()),
            (Some("await#0"), Some("await#1.2"))
        );
        assert_eq!(a["file"], "src/\"q\".rs");
        // Suspended at await#1: its line and expression.
        assert_eq!(
            (a["line"].as_u64(), a["expr"].as_str()),
            (Some(8), Some("é → ✓"))
        );
        // Resumed from await#0 and returned: that point's.
        let a = &poll(State::Await(0), State::Returned)["args"];
        assert_eq!(
            (a["line"].as_u64(), a["expr"].as_str()),
            (Some(7), Some("get(\"a\\b\")\n\t"))
        );
        // Neither: the fn's own line; an await point the metadata lacks is named by its index.
        let v = poll(State::Start, State::Await(7));
        assert_eq!(v["name"], "odd\"fn#12 start -> await#7");
        assert_eq!(
            (v["args"]["line"].as_u64(), v["args"]["expr"].is_null()),
            (Some(5), true)
        );
        assert_eq!(
            poll(State::Hidden, State::Panicked)["args"]["from"],
            "await#?"
        );
    }

    #[test]
    fn a_suspension_slice_is_json_labelled_with_its_await_point() {
        let mut cache = FragCache::default();
        for (at, name, line) in [
            (
                State::Await(0),
                "waiting at await#0 get(\"a\\b\")\n\t :7",
                Some(7),
            ),
            (State::Hidden, "waiting at await#?", None),
        ] {
            let mut buf = Vec::new();
            fast::wait(
                &mut buf,
                cache.get(&META),
                12,
                at,
                (1_000, 500, 8),
                "resumed",
            );
            let v = parse(&buf);
            assert_eq!(v["name"], name);
            assert_eq!(
                (v["ts"].as_f64(), v["dur"].as_f64()),
                (Some(1.0), Some(0.5))
            );
            assert_eq!(v["args"]["line"].as_u64(), line);
            assert_eq!(v["args"]["until"], "resumed");
            assert_eq!(v["args"]["fn"], "odd\"fn");
        }
        let mut buf = Vec::new();
        fast::wait_track(&mut buf, cache.get(&META), 12, 40);
        assert_eq!(parse(&buf)["args"]["name"], "  odd\"fn#12 waits");
    }
}
