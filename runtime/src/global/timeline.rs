//! The process-wide recorder's timeline stream (`TRACED_ASYNC=all,timeline=path.json`): every
//! event goes through a bounded channel to a writer thread that writes it as Chrome Trace Event
//! JSON. A poll never waits for the writer: when the channel is full the event is dropped and
//! counted (`lost` in the report and in the file). The file is closed, valid JSON, when the
//! guard drops.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;

use rustc_hash::FxHashMap;

use crate::clock::TraceClock;
use crate::event::Event;
use crate::meta::FnMeta;
use crate::sink::Sink;
use crate::state::State;
use crate::timeline::chrome::{Instant, InstantArgs, Meta, NameArgs, fast};
use crate::timeline::fragments::FragCache;

/// Events the channel holds before the poll path starts dropping them: 131 072 (about 9 MiB,
/// allocated when the stream starts), for bursts the writer catches up on afterwards.
const CAPACITY: usize = 1 << 17;
/// The writer thread writes the file 256 KiB at a time.
const FILE_BUFFER: usize = 1 << 18;

/// What the poll path sends the writer.
enum Msg {
    Begin {
        call: u64,
        parent: u64,
    },
    Event(Event),
    /// The guard dropped: close the file (other threads may still hold senders).
    Stop,
}

/// Whether the stream is on: checked without a lock on every recorded poll.
static ON: AtomicBool = AtomicBool::new(false);
/// Events dropped because the writer fell behind.
static LOST: AtomicU64 = AtomicU64::new(0);
/// The sending end (cloned per send under no lock: `SyncSender` is `Sync`).
static SENDER: Mutex<Option<SyncSender<Msg>>> = Mutex::new(None);
static WRITER: Mutex<Option<JoinHandle<()>>> = Mutex::new(None);

thread_local! {
    /// This thread's sender, cloned once from [`SENDER`]: sending then takes no lock.
    static LOCAL: std::cell::RefCell<Option<SyncSender<Msg>>> = const { std::cell::RefCell::new(None) };
}

/// Whether the timeline stream is on.
#[inline(always)]
pub(super) fn is_on() -> bool {
    ON.load(Ordering::Relaxed)
}

/// Events dropped so far because the writer fell behind.
pub(super) fn lost() -> u64 {
    LOST.load(Ordering::Relaxed)
}

/// Starts the writer thread on `path`; a file that cannot be created is a warning (returned),
/// never a failure of the service.
pub(super) fn install(path: &Path) -> Result<(), String> {
    let file = File::create(path).map_err(|e| format!("timeline={}: {e}", path.display()))?;
    let (tx, rx) = sync_channel(CAPACITY);
    let origin = TraceClock::real();
    let path = path.to_owned();
    let handle = std::thread::Builder::new()
        .name("traced-async timeline".to_owned())
        .spawn(move || write_all(rx, Chunked::new(file), origin, &path))
        .map_err(|e| format!("timeline: no writer thread: {e}"))?;
    *SENDER.lock().unwrap_or_else(PoisonError::into_inner) = Some(tx);
    *WRITER.lock().unwrap_or_else(PoisonError::into_inner) = Some(handle);
    ON.store(true, Ordering::Relaxed);
    Ok(())
}

/// Stops the stream and waits for the writer to close the file.
pub(super) fn finish() {
    if !ON.swap(false, Ordering::Relaxed) {
        return;
    }
    let sender = SENDER.lock().unwrap_or_else(PoisonError::into_inner).take();
    let _ = LOCAL.try_with(|local| local.borrow_mut().take());
    // Threads still running hold clones of the sender, so the channel stays open: the writer
    // stops at `Stop`, which waits only for the writer to drain what is queued before it.
    let stopped = sender.is_some_and(|tx| tx.send(Msg::Stop).is_ok());
    let handle = WRITER.lock().unwrap_or_else(PoisonError::into_inner).take();
    if let Some(handle) = handle.filter(|_| stopped) {
        let _ = handle.join();
    }
}

/// Sends without waiting; a full channel (or a closed one) counts the event as lost.
#[inline]
fn send(msg: Msg) {
    let sent = LOCAL.try_with(|local| {
        let mut local = local.borrow_mut();
        if local.is_none() {
            *local = SENDER
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
        }
        match local.as_ref().map(|tx| tx.try_send(msg)) {
            Some(Ok(())) => true,
            Some(Err(TrySendError::Full(_))) | None => false,
            Some(Err(TrySendError::Disconnected(_))) => {
                *local = None;
                false
            }
        }
    });
    if sent != Ok(true) && is_on() {
        LOST.fetch_add(1, Ordering::Relaxed);
    }
}

/// The timeline stream as a sink.
pub(super) struct TimelineStream;

impl Sink for TimelineStream {
    #[inline]
    fn begin(&mut self, _meta: &'static FnMeta, call: u64, parent: u64) {
        if parent != 0 {
            send(Msg::Begin { call, parent });
        }
    }

    #[inline]
    fn record(&mut self, event: &Event) {
        send(Msg::Event(*event));
    }
}

/// An invocation in flight, as the writer follows it.
struct Flight {
    parent: u64,
    polls: u32,
    /// Since when it waits, ns, and in which state.
    waiting: Option<(u64, State)>,
}

/// Suspension tracks come after the threads' (thread numbers stay far below this).
const WAIT_TIDS: u64 = 1 << 32;

fn micros(ns: u64) -> f64 {
    ns as f64 / 1000.0
}

/// The writer thread: every message to the file, then the closing bracket.
fn write_all(rx: Receiver<Msg>, mut out: Chunked, clock: TraceClock, path: &Path) {
    let mut flights: FxHashMap<u64, Flight> = FxHashMap::default();
    let mut threads: Vec<u32> = Vec::new();
    // Per thread: the end of its last poll, and the polls of the outermost poll in progress.
    // A callee's poll ends (and arrives) before its caller's: they wait here until the
    // outermost poll arrives, and go out sorted by start, so that time never goes back on a
    // thread's track.
    let mut last: FxHashMap<u32, u64> = FxHashMap::default();
    let mut pending: FxHashMap<u32, Vec<(u64, u64, Vec<u8>)>> = FxHashMap::default();
    // Each fn's pre-escaped fragments.
    let mut frags = FragCache::default();
    let mut untimed = 0u64;
    let write = |out: &mut Chunked, value: &dyn erased::Json| -> bool {
        out.write_all(b",\n").is_ok() && value.write(out)
    };
    let mut ok = out
        .write_all(b"{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n")
        .is_ok()
        && erased::Json::write(
            &Meta {
                name: "process_name",
                ph: "M",
                pid: 1,
                tid: 0,
                args: NameArgs {
                    name: "traced-async",
                },
            },
            &mut out,
        );
    for msg in rx {
        if !ok && !matches!(msg, Msg::Stop) {
            continue;
        }
        let e = match msg {
            Msg::Begin { call, parent } => {
                flights.entry(call).or_insert(Flight {
                    parent,
                    polls: 0,
                    waiting: None,
                });
                continue;
            }
            Msg::Event(e) => e,
            Msg::Stop => break,
        };
        let call = u64::from(e.call);
        let meta = e.meta;
        if !threads.contains(&e.thread) {
            threads.push(e.thread);
            let name = format!("thread {}", e.thread);
            ok &= write(
                &mut out,
                &Meta {
                    name: "thread_name",
                    ph: "M",
                    pid: 1,
                    tid: u64::from(e.thread),
                    args: NameArgs { name: &name },
                },
            );
        }
        let flight = flights.entry(call).or_insert(Flight {
            parent: 0,
            polls: 0,
            waiting: None,
        });
        let (start, dur) = match (e.started, e.nanos) {
            (Some(raw), Some(nanos)) => (clock.at(raw), nanos),
            _ => {
                // Recorded without timing: in arrival order, 1 µs apart.
                untimed += 1_000;
                (untimed, 0)
            }
        };
        // Events carry encoded states; the stream names them.
        let (from_state, to_state) = (State::decode(e.from), State::decode(e.to));
        let wait_tid = WAIT_TIDS + call;
        if let Some((since, state)) = flight.waiting.take() {
            let f = frags.get(meta);
            if flight.polls == 1 {
                out.buf.extend_from_slice(b",\n");
                fast::wait_track(&mut out.buf, f, call, wait_tid);
            }
            let last = last.get(&e.thread).copied().unwrap_or(0);
            let (end, until) = if to_state == State::Cancelled {
                (last.max(since), "cancelled")
            } else {
                (start.max(since), "resumed")
            };
            out.buf.extend_from_slice(b",\n");
            let place = (since, end - since, wait_tid);
            fast::wait(&mut out.buf, f, call, state, place, until);
            ok &= out.spill().is_ok();
        }
        if to_state == State::Cancelled {
            let name = format!(
                "{}#{call} cancelled at {}",
                meta.display_name(),
                from_state.name(meta)
            );
            let at = last.get(&e.thread).copied().unwrap_or(0);
            let text = serde_json::to_vec(&Instant {
                name: &name,
                cat: "cancel",
                ph: "i",
                s: "t",
                ts: micros(at),
                pid: 1,
                tid: u64::from(e.thread),
                args: InstantArgs { message: &name },
            })
            .unwrap_or_default();
            let parent = flight.parent;
            flights.remove(&call);
            let buffer = pending.entry(e.thread).or_default();
            buffer.push((at, 0, text));
            if parent == 0 {
                ok &= flush(&mut out, buffer);
            }
            continue;
        }
        flight.polls += 1;
        let ended = last.entry(e.thread).or_insert(0);
        *ended = (*ended).max(start + dur);
        // Written in place in the file's buffer; moved out when it has to wait.
        let mark = out.buf.len();
        out.buf.extend_from_slice(b",\n");
        let p = fast::Poll {
            call,
            parent: (flight.parent != 0).then_some(flight.parent),
            poll: flight.polls,
            from: from_state,
            to: to_state,
            start,
            dur,
            tid: u64::from(e.thread),
            thread: Some(e.thread),
        };
        fast::poll(&mut out.buf, frags.get(meta), &p);
        let outermost = flight.parent == 0;
        let buffer = pending.entry(e.thread).or_default();
        if outermost && buffer.is_empty() {
            // The common case: nothing nested waits to go first.
            ok &= out.spill().is_ok();
        } else {
            buffer.push((start, dur, out.buf[mark + 2..].to_vec()));
            out.buf.truncate(mark);
            if outermost || buffer.len() >= MAX_PENDING {
                ok &= flush(&mut out, buffer);
            }
        }
        if to_state.is_final() {
            flights.remove(&call);
        } else {
            flight.waiting = Some((start + dur, to_state));
        }
    }
    for buffer in pending.values_mut() {
        ok &= flush(&mut out, buffer);
    }
    let lost = LOST.load(Ordering::Relaxed);
    ok &= write!(
        out,
        "\n],\"otherData\":{{\"clock\":\"real\",\"lost\":{lost}}}}}\n"
    )
    .is_ok();
    ok &= out.flush().is_ok();
    if !ok {
        crate::output::stream::Stream::stderr().write(&format!(
            "warning: TRACED_ASYNC: could not write the timeline to {}\n",
            path.display()
        ));
    }
}

/// The file, written a chunk at a time: events are built in place at the end of its buffer.
struct Chunked {
    buf: Vec<u8>,
    file: File,
}

impl Chunked {
    fn new(file: File) -> Self {
        Chunked {
            buf: Vec::with_capacity(FILE_BUFFER + 4096),
            file,
        }
    }

    /// Writes the buffer once it holds a chunk.
    fn spill(&mut self) -> io::Result<()> {
        if self.buf.len() >= FILE_BUFFER {
            self.file.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
}

impl Write for Chunked {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        self.spill()?;
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.write_all(&self.buf)?;
        self.buf.clear();
        self.file.flush()
    }
}

/// Polls kept waiting for their outermost poll at most, per thread (bounded memory).
const MAX_PENDING: usize = 4096;

/// Writes a thread's buffered polls, by start, outer polls first.
fn flush(out: &mut Chunked, buffer: &mut Vec<(u64, u64, Vec<u8>)>) -> bool {
    buffer.sort_by_key(|(start, dur, _)| (*start, std::cmp::Reverse(*dur)));
    let mut ok = true;
    for (_, _, text) in buffer.drain(..) {
        ok &= out.write_all(b",\n").is_ok() && out.write_all(&text).is_ok();
    }
    ok
}

/// Serialising values of different types through one closure.
mod erased {
    use std::io::Write;

    pub(super) trait Json {
        fn write(&self, out: &mut dyn Write) -> bool;
    }

    impl<T: serde::Serialize> Json for T {
        fn write(&self, out: &mut dyn Write) -> bool {
            serde_json::to_writer(out, self).is_ok()
        }
    }
}
