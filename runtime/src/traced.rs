//! The future `#[traced_async]` wraps around an `async fn` body: it counts polls and records
//! one transition per poll. This is the poll path every user pays for.

use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::sync::atomic::AtomicU64;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::activity::{Activity, Mode};
#[cfg(feature = "tracing")]
use crate::bridge::{self, Bridge};
use crate::clock;
use crate::context::{self, Entered, Saved};
use crate::event::Event;
use crate::global::counters::{self, Lean};
use crate::global::full_poll;
use crate::global::slow;
use crate::global::{self, ages};
use crate::marks::{Marks, NO_REGION, Pended};
use crate::meta::FnMeta;
use crate::record::{self, Scope};
use crate::sink::Sink;
use crate::state::State;
use crate::stats::SUSPENDED_SHIFT;

/// Per-invocation bookkeeping, kept beside the body's future: 8 bytes, every one of which each
/// traced future carries. Poll numbers are counted by whoever records the transitions.
#[derive(Debug)]
struct Frame {
    /// Invocation id among those in flight, given at the first recorded poll; 0 before. On
    /// the lean path, which gives no ids, [`LEAN_ENDED`] and the end of the last timed poll
    /// instead (in units of 2^[`SUSPENDED_SHIFT`] ticks), when the frame had no id.
    call: u32,
    /// Current state, encoded (see [`State::encode`]); `start` until a recorded poll.
    state: u16,
    /// The await point whose statement (or macro call) the body entered last, carried from one
    /// poll to the next: a suspension no `AwaitPoint` reports happened there.
    region: u16,
}

/// Without the `tracing` feature a frame has no bridge, and no byte for one.
#[cfg(not(feature = "tracing"))]
type Bridge = ();

#[cfg(feature = "tracing")]
const NO_BRIDGE: Bridge = Bridge::new();
#[cfg(not(feature = "tracing"))]
const NO_BRIDGE: Bridge = ();

pin_project! {
    /// A traced invocation: the body of a `#[traced_async]` fn, with its metadata and frame.
    ///
    /// `M` is a zero-sized closure returning the fn's static metadata, so the metadata costs no
    /// bytes in the future. Built by the attribute's expansion; `Send`, `Sync` and `Unpin`
    /// exactly when the body is.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Traced<F, M: Fn() -> &'static FnMeta> {
        #[pin]
        body: F,
        meta: M,
        frame: Frame,
        // The invocation's `tracing` span (feature `tracing`; nothing without it).
        bridge: Bridge,
    }

    impl<F, M: Fn() -> &'static FnMeta> PinnedDrop for Traced<F, M> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            #[cfg(feature = "tracing")]
            this.bridge.dropped((this.meta)());
            let frame = &*this.frame;
            // Dropped while suspended: the invocation was cancelled at its current await point.
            // Finished, never polled or never recorded invocations (the common drops) cost
            // two compares.
            if State::drops_quietly_code(frame.state) {
                return;
            }
            // Listed in flight: the slot goes back, from whichever thread drops it.
            frame.release_slot();
            let from = frame.state;
            let meta = (this.meta)();
            record::emit_now(meta, || {
                let thread = context::thread_number();
                let moved = (from, State::Cancelled.encode());
                Event::new(meta, frame.id(), thread, moved, None, None)
            });
        }
    }
}

impl<F: Future, M: Fn() -> &'static FnMeta> Traced<F, M> {
    #[doc(hidden)]
    /// Wraps a traced fn's body; called by the attribute's expansion.
    #[inline]
    pub fn new(meta: M, body: F) -> Self {
        let frame = Frame {
            call: 0,
            state: State::Start.encode(),
            region: NO_REGION,
        };
        Traced {
            body,
            meta,
            frame,
            bridge: NO_BRIDGE,
        }
    }
}

#[doc(hidden)]
/// Wraps a traced fn's body, naming its output type so that type errors in the body are
/// reported against the fn's declared return type, at the user's code.
#[inline]
pub fn traced<T, F, M>(meta: M, body: F) -> Traced<F, M>
where
    F: Future<Output = T>,
    M: Fn() -> &'static FnMeta,
{
    Traced::new(meta, body)
}

impl<F: Future, M: Fn() -> &'static FnMeta + Copy> Future for Traced<F, M> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // With a subscriber that may want spans, the poll runs inside the invocation's span
        // (see `bridge`), on a path of its own: without one, the poll pays the level check (one
        // load and branch) and nothing after the body's poll but the merging of the two paths
        // (5 instructions per poll in all, BENCHMARKS.md).
        #[cfg(feature = "tracing")]
        if bridge::maybe() {
            return self.poll_bridged(cx);
        }
        let this = self.project();
        poll_traced::<Self, _, _>(*this.meta, this.frame, this.body, cx)
    }
}

#[cfg(feature = "tracing")]
impl<F: Future, M: Fn() -> &'static FnMeta + Copy> Traced<F, M> {
    /// A poll while a subscriber may want spans: begun and ended by the bridge, around the
    /// poll it would have been.
    #[inline]
    fn poll_bridged(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let polling = this.bridge.begin(this.frame.region);
        let poll = poll_traced::<Self, _, _>(*this.meta, this.frame, this.body, cx);
        let frame = this.frame;
        polling.end(
            (this.meta)(),
            poll.is_ready(),
            frame.state,
            &mut frame.region,
        );
        poll
    }
}

/// A poll of the body, recorded by whoever records it (the body of [`Traced::poll`]; `T` is
/// the `Traced` type, whose size is noted).
#[inline(always)]
fn poll_traced<T, F: Future, M: Fn() -> &'static FnMeta + Copy>(
    meta_fn: M,
    frame: &mut Frame,
    body: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> Poll<F::Output> {
    let activity = Activity::now();
    if activity.is_idle() {
        let poll = body.poll(cx);
        // A first poll nobody recorded that suspended: none of this invocation's polls
        // will be recorded (counted from its middle, it would be a call that never
        // started). One that completed at once needs no mark.
        if poll.is_pending() && State::is_start_code(frame.state) {
            frame.state = State::unseen_code();
        }
        return poll;
    }
    let meta = meta_fn();
    // Start and unseen in one compare: every later poll skips both.
    if State::is_start_or_unseen_code(frame.state) {
        if State::is_start_code(frame.state) {
            meta.note_future_size(size_of::<T>());
        } else {
            return body.poll(cx);
        }
    }
    // The process-wide recorder's counting is the path production pays for: decided by
    // the load above (no capture scope anywhere, the recorder only counting) and entered
    // in one short thread-local access, so the body's poll stays in this fn. A timed poll
    // takes a path of its own, so the counting one tests nothing for timing after the body.
    if activity.is_counting()
        && let Some(lean) = counters::enter(meta, frame.region)
    {
        if lean.timed() {
            if lean.sampled() {
                return poll_timed(lean, meta_fn, frame, body, cx);
            }
            // A poll sampling leaves untimed, after a timed one that kept its end: that end
            // is not this poll's wait's start.
            if frame.call & LEAN_ENDED != 0 {
                forget_end(frame);
            }
        }
        return poll_counted(lean, meta_fn, frame, body, cx);
    }
    poll_full(meta, frame, body, cx)
}

/// Every poll but the lean one: a capture scope's; the process-wide recorder's with live
/// output, or while a capture scope is active anywhere; or nobody's (the recorder does not
/// select `meta`, or another thread's scope made `ACTIVE` non-zero). A capture scope's poll
/// goes on here with the scope in hand; the process-wide recorder's takes a path of its own.
/// Inline: out of line, a scope's poll paid 19 instructions more and the recorder-off and
/// process-wide polls 1 to 3 more (BENCHMARKS.md, session 9). `first_in_scope` stays out of
/// line: inline, it saves a scope's call 14 and costs those other polls 1 to 3.
#[inline(always)]
fn poll_full<F: Future>(
    meta: &'static FnMeta,
    frame: &mut Frame,
    body: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> Poll<F::Output> {
    record::with_scope(|scope| match scope {
        Some(scope) => poll_scoped(scope, meta, frame, body, cx),
        None => poll_global(meta, frame, body, cx),
    })
}

/// A poll outside any capture scope on this thread, recorded by the process-wide recorder if
/// it selects `meta`. Out of line, so that a scope's poll keeps its registers.
#[inline(never)]
fn poll_global<F: Future>(
    meta: &'static FnMeta,
    frame: &mut Frame,
    body: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> Poll<F::Output> {
    match global::mode(meta) {
        Mode::Off => {
            if State::is_start_code(frame.state) {
                frame.state = State::unseen_code();
            }
            body.poll(cx)
        }
        mode => poll_recorded(mode, meta, frame, body, cx),
    }
}

/// A capture scope's poll: invocation ids, parents, timing, one transition per poll, handed
/// straight to the scope's collector.
#[inline(always)]
fn poll_scoped<F: Future>(
    scope: &Scope,
    meta: &'static FnMeta,
    frame: &mut Frame,
    body: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> Poll<F::Output> {
    if frame.id() == 0 {
        first_in_scope(scope, meta, frame);
    }
    let started = scope.times(meta).then(clock::now);
    let saved = context::enter(u64::from(frame.call), frame.region);
    let finish = ScopeFinish {
        saved,
        scope,
        meta,
        frame,
        started,
    };
    poll_guarded(finish, body, cx)
}

/// An invocation's first poll in a capture scope (see [`take_id`]).
fn first_in_scope(scope: &Scope, meta: &'static FnMeta, frame: &mut Frame) {
    take_id(frame, |call, parent| scope.begin(meta, call, parent));
}

/// An invocation's first poll on a full path: it takes an id, and `begin(call, parent)` tells
/// the recorder who awaits it. Counted on the lean path before (a capture scope became active
/// since), its slot in the table of invocations in flight goes back, the id takes its place.
#[inline(always)]
fn take_id(frame: &mut Frame, begin: impl FnOnce(u64, u64)) {
    frame.release_slot();
    let parent = context::current_call();
    frame.call = context::next_call_id();
    begin(u64::from(frame.call), parent);
}

/// The process-wide recorder's full path: invocation ids, parents, timing, one [`Event`] per
/// poll, the polls in progress.
#[inline(always)]
fn poll_recorded<F: Future>(
    mode: Mode,
    meta: &'static FnMeta,
    frame: &mut Frame,
    body: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> Poll<F::Output> {
    if frame.id() == 0 {
        take_id(frame, |call, parent| {
            global::Recorder.begin(meta, call, parent)
        });
    }
    let started = (mode == Mode::Timing && meta.timing()).then(clock::now);
    let saved = context::enter(u64::from(frame.call), frame.region);
    let in_poll = full_poll::enter(meta, frame.state, started);
    let finish = PollFinish {
        saved,
        meta,
        frame,
        started,
        in_poll,
    };
    poll_guarded(finish, body, cx)
}

/// A full poll's finishing guard: [`finish`](Finish::finish) when the body's poll returns, its
/// `Drop` (recording a panic) only when it unwinds.
trait Finish {
    /// Ends a poll that returned (`ready` or not); the guard is forgotten after.
    fn finish(&mut self, ready: bool);
}

/// Polls the body with `guard` armed. Finished in place and forgotten (not a panic): moving
/// the guard into `finish` would copy it.
#[inline(always)]
fn poll_guarded<G: Finish, F: Future>(
    mut guard: G,
    body: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> Poll<F::Output> {
    let poll = body.poll(cx);
    guard.finish(poll.is_ready());
    std::mem::forget(guard);
    poll
}

/// The lean path for the process-wide recorder without live output, for a poll not timed: no
/// invocation ids, no transition built, one or two counter cells bumped on this thread's table.
/// Every store here is paid on every poll.
#[inline(always)]
fn poll_counted<F: Future, M: Fn() -> &'static FnMeta + Copy>(
    lean: Lean,
    meta: M,
    frame: &mut Frame,
    body: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> Poll<F::Output> {
    lean.stack
        .push_untimed(lean.polls, lean.number(), frame.state);
    let finish = CountFinish {
        marks: lean.marks,
        nested: context::untimed_nested(),
        meta,
        frame,
    };
    let poll = body.poll(cx);
    let mut finish = ManuallyDrop::new(finish);
    let (frame, to) = finish.leave(lean.cells, poll.is_ready());
    counters::count_codes(lean.cells, frame.state, to, None);
    frame.state = to;
    poll
}

/// [`poll_counted`] for a timed poll: the two clock readings, then the poll's duration, its
/// self time (less the timed polls nested in it), its wait, the slow-poll check. Inline: out of
/// line, a timed poll paid 32 instructions more for the call, the counting poll 2 fewer.
#[inline(always)]
fn poll_timed<F: Future, M: Fn() -> &'static FnMeta + Copy>(
    lean: Lean,
    meta: M,
    frame: &mut Frame,
    body: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> Poll<F::Output> {
    let from = frame.state;
    let clock = clock::Reader::get();
    let started = clock.now();
    lean.stack
        .push_timed(lean.polls, lean.number(), from, started);
    let nested = context::timed_nested();
    // The table of invocations in flight hears of the poll, given the fn's number and start.
    timed_start(&mut frame.call, from, lean.number(), started);
    let finish = CountFinish {
        marks: lean.marks,
        nested,
        meta,
        frame,
    };
    let poll = body.poll(cx);
    let mut finish = ManuallyDrop::new(finish);
    let ended = clock.now();
    let saved = Entered::new(finish.marks, finish.nested);
    let (frame, to) = finish.leave(lean.cells, poll.is_ready());
    let nanos = clock.nanos_between(started, ended);
    let own = context::exit_timed(saved, nanos, counters::weighed(nanos));
    counters::count_time(lean.cells, nanos, Some(own));
    if nanos >= slow::threshold() {
        slow::count(meta(), frame.state, to, nanos);
    }
    counters::count_codes(lean.cells, frame.state, to, None);
    count_wait(frame, lean.cells, meta(), (started, ended), to);
    frame.state = to;
    poll
}

/// Before a lean poll sampling leaves untimed: the end the poll before kept in the frame is
/// not this wait's start (and a slot, if a timed poll took one, goes back rather than leak).
#[cold]
fn forget_end(frame: &mut Frame) {
    frame.release_slot();
    frame.call = 0;
}

/// For a timed lean poll that ran from `readings.0` to `readings.1` (raw) and moved the frame
/// to the encoded state `to`: counts the time suspended before it, from the end the frame
/// kept of the poll before (at no extra clock reading), and keeps this poll's end when it
/// suspended at an await point. Out of line, so that the counting path stays small.
#[inline(always)]
fn count_wait(
    frame: &mut Frame,
    cells: &'static [AtomicU64],
    meta: &'static FnMeta,
    readings: (u64, u64),
    to: u16,
) {
    if let Some(index) = frame.slot() {
        // Listed in the table of invocations in flight, which keeps the end (all 64 bits).
        if State::is_await_code(frame.state) {
            let ticks = clock::ticks(ages::ended(index), readings.0);
            counters::count_suspended(cells, meta, frame.state, ticks);
        }
        if State::is_final_code(to) {
            ages::release(index);
            frame.call = 0;
        } else {
            ages::suspended(index, to, readings.1);
        }
        return;
    }
    if frame.call & LEAN_ENDED != 0 {
        if State::is_await_code(frame.state) {
            let since = (readings.0 >> SUSPENDED_SHIFT) as u32;
            let units = since.wrapping_sub(frame.call) & ENDED_BITS;
            counters::count_suspended(
                cells,
                meta,
                frame.state,
                u64::from(units) << SUSPENDED_SHIFT,
            );
        }
        frame.call = 0;
    }
    if frame.call == 0 && State::is_await_code(to) {
        frame.call = LEAN_ENDED | ((readings.1 >> SUSPENDED_SHIFT) as u32 & ENDED_BITS);
    }
}

/// At the start of a timed lean poll (raw reading `started`) of the fn numbered `number`,
/// resuming from the encoded state `from`: the invocation listed in the table of invocations
/// in flight (`global::ages`) says it is in a poll, on this thread; a first poll claims a slot
/// there, whose index the frame keeps in `call`. Not under sampling: an untimed poll would
/// leave the slot's state behind (and the untimed lean path clears `call`). Out of line, in
/// the timed branch only: the counting path does not see it.
#[inline(never)]
fn timed_start(call: &mut u32, from: u16, number: u32, started: u64) {
    if *call & LEAN_SLOT_TAGS == LEAN_SLOT_TAGS {
        ages::polled(*call & !LEAN_SLOT_TAGS, started);
    } else if *call == 0
        && State::is_start_code(from)
        && counters::sampling() == 1
        && let Some(index) = ages::claim(number, started)
    {
        *call = LEAN_SLOT_TAGS | index;
    }
}

/// The bit of [`Frame::call`] that says it holds a lean poll's end, not an invocation id.
const LEAN_ENDED: u32 = 1 << 31;
/// Beside [`LEAN_ENDED`]: the low bits of [`Frame::call`] are the invocation's slot in the
/// table of invocations in flight (`global::ages`), which then keeps the end; without it,
/// they are the end itself ([`ENDED_BITS`]).
const LEAN_SLOT: u32 = 1 << 30;
const LEAN_SLOT_TAGS: u32 = LEAN_ENDED | LEAN_SLOT;
/// The bits of a lean poll's end kept in the frame (30: about 8.5 minutes on a 3 GHz TSC, in
/// units of 2^[`SUSPENDED_SHIFT`] ticks).
const ENDED_BITS: u32 = LEAN_SLOT - 1;

impl Frame {
    /// The invocation id, 0 when none was given (a lean poll's end reading is not one).
    fn id(&self) -> u32 {
        if self.call & LEAN_ENDED != 0 {
            0
        } else {
            self.call
        }
    }

    /// The invocation's slot in the table of invocations in flight, if it holds one.
    #[inline]
    fn slot(&self) -> Option<u32> {
        (self.call & LEAN_SLOT_TAGS == LEAN_SLOT_TAGS).then_some(self.call & !LEAN_SLOT_TAGS)
    }

    /// Gives the invocation's slot in the table of invocations in flight back, if it holds
    /// one (`call` still names it): whether it did.
    #[inline]
    fn release_slot(&self) -> bool {
        let slot = self.slot();
        if let Some(index) = slot {
            ages::release(index);
        }
        slot.is_some()
    }
}

/// The lean poll's finishing guard, dropped only when the body's poll unwinds: restores the
/// thread's context and counts a panic (the slow lookup of the counters is fine there).
struct CountFinish<'a, M: Fn() -> &'static FnMeta> {
    /// The marks to restore.
    marks: Marks,
    /// The enclosing poll's nested time to restore (see [`Entered`]).
    nested: u64,
    meta: M,
    frame: &'a mut Frame,
}

impl<'a, M: Fn() -> &'static FnMeta> CountFinish<'a, M> {
    /// Leaves a lean poll that returned (`ready` or not): restores the thread's marks, keeps
    /// the region entered in the frame and returns the frame with the state the poll ended in
    /// (encoded), counting the points pending beside others into `cells`. The caller counts
    /// the move and stores the state.
    #[inline(always)]
    fn leave(&mut self, cells: &'static [AtomicU64], ready: bool) -> (&mut Frame, u16) {
        let marks = context::exit_counting(self.marks);
        self.frame.region = marks.region();
        let meta = &self.meta;
        let to = marks.end_code(meta(), ready, |suspended| {
            let points = context::take_pended();
            if suspended {
                counters::count_pended(cells, meta(), points);
            }
        });
        (&mut *self.frame, to)
    }
}

impl<M: Fn() -> &'static FnMeta> Drop for CountFinish<'_, M> {
    fn drop(&mut self) {
        let saved = Entered::new(self.marks, self.nested);
        count_unwound(saved, self.frame, (self.meta)());
    }
}

/// A lean poll that unwound: the thread's context restored, the frame's slot given back, the
/// panic counted.
#[cold]
fn count_unwound(saved: Entered, frame: &mut Frame, meta: &'static FnMeta) {
    context::discard_pended(context::exit_unwound(saved));
    if frame.release_slot() {
        frame.call = 0;
    }
    let from = frame.state;
    frame.state = State::Panicked.encode();
    let thread = context::thread_number();
    let moved = (from, State::Panicked.encode());
    counters::count(&Event::new(meta, 0, thread, moved, None, None));
}

/// The full poll's finishing guard: restores the thread's context and records the poll's
/// event. Dropped (not forgotten after [`finish`](Finish::finish)) only while the body's poll
/// unwinds, which it records as a panic.
struct PollFinish<'a> {
    saved: Saved,
    meta: &'static FnMeta,
    frame: &'a mut Frame,
    started: Option<u64>,
    /// Whether the poll is on this thread's polls in progress (the process-wide recorder's).
    in_poll: bool,
}

impl Finish for PollFinish<'_> {
    #[inline]
    fn finish(&mut self, ready: bool) {
        let meta = self.meta;
        let (to, thread) = leave_full(self.saved, self.frame, meta, ready, |points| {
            global::Recorder.pended(meta, points);
        });
        self.record(to, thread);
    }
}

impl PollFinish<'_> {
    /// Records the poll's move to `to` (encoded): the event to the process-wide recorder, the
    /// poll's end to the polls in progress, with one duration for both.
    fn record(&mut self, to: u16, thread: u32) {
        let started = self.started;
        let nanos = started.map(|started| clock::nanos_between(started, clock::now()));
        let from = std::mem::replace(&mut self.frame.state, to);
        let (meta, call) = (self.meta, self.frame.call);
        global::Recorder.record(&Event::new(meta, call, thread, (from, to), started, nanos));
        if std::mem::take(&mut self.in_poll) {
            full_poll::leave(meta, (from, to), nanos);
        }
    }
}

impl Drop for PollFinish<'_> {
    fn drop(&mut self) {
        let thread = leave_unwound(self.saved);
        self.record(State::Panicked.encode(), thread);
    }
}

/// Leaves a full poll (a scope's or the process-wide recorder's) that returned: restores the
/// thread's context, keeps the region entered in the frame and returns the state the poll
/// ended in (encoded) and the thread's number; the points pending beside others, if the poll
/// suspended with several, go to `pended`.
#[inline(always)]
fn leave_full(
    saved: Saved,
    frame: &mut Frame,
    meta: &'static FnMeta,
    ready: bool,
    pended: impl FnOnce(Pended),
) -> (u16, u32) {
    let (marks, thread) = context::exit(saved);
    frame.region = marks.region();
    let to = marks.end_code(meta, ready, |suspended| {
        let points = context::take_pended();
        if suspended {
            pended(points);
        }
    });
    (to, thread)
}

/// Leaves a full poll that unwound: the thread's context restored, its pending points
/// dropped; returns the thread's number.
fn leave_unwound(saved: Saved) -> u32 {
    let (marks, thread) = context::exit(saved);
    context::discard_pended(marks);
    thread
}

/// A capture scope's poll's finishing guard: restores the thread's context and hands the poll
/// to the scope. Dropped (not forgotten after [`finish`](Finish::finish)) only while the
/// body's poll unwinds, which it records as a panic.
struct ScopeFinish<'a, 's> {
    saved: Saved,
    scope: &'s Scope,
    meta: &'static FnMeta,
    frame: &'a mut Frame,
    started: Option<u64>,
}

impl Finish for ScopeFinish<'_, '_> {
    #[inline(always)]
    fn finish(&mut self, ready: bool) {
        let (scope, meta) = (self.scope, self.meta);
        let (to, thread) = leave_full(self.saved, self.frame, meta, ready, |points| {
            scope.pended(meta, points);
        });
        self.record(to, thread);
    }
}

impl ScopeFinish<'_, '_> {
    /// Hands the poll's move to `to` (encoded) to the scope.
    #[inline(always)]
    fn record(&mut self, to: u16, thread: u32) {
        let ended = self.started.map(|_| clock::now());
        let from = std::mem::replace(&mut self.frame.state, to);
        let times = (self.started, ended);
        let call = self.frame.call;
        self.scope
            .record_poll(self.meta, call, thread, (from, to), times);
    }
}

impl Drop for ScopeFinish<'_, '_> {
    fn drop(&mut self) {
        scope_unwound(self);
    }
}

/// A capture scope's poll that unwound: the thread's context restored, the panic recorded.
#[cold]
fn scope_unwound(finish: &mut ScopeFinish<'_, '_>) {
    let thread = leave_unwound(finish.saved);
    finish.record(State::Panicked.encode(), thread);
}
