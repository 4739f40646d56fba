//! The floors (session 8): the cheapest hand-written wrapper futures doing the work issues 10
//! and 13 require of a poll, around the same workload bodies, so that ours can be read against
//! what the work itself costs in the same run.
//!
//! - [`FloorCounting`]: the process-wide recorder's counting poll, minimal: one relaxed load
//!   of a recording switch; one const thread-local (no lazy init) holding the thread's table;
//!   the fn's slot number cached in a static per fn; a polls-in-progress entry pushed (one
//!   store, and a depth store) before the body's poll and popped (a depth store) after it; the
//!   state the poll ended in read back from the thread-local the await points write; one
//!   counter bumped (relaxed load and store) for the (from, to) move; the new state stored.
//! - [`FloorTiming`]: the same, plus two clock reads per poll (the runtime's clock: quanta's
//!   `raw()`) and the poll's duration, in raw ticks, added to a busy cell, a log2 histogram
//!   bucket and a max.
//! - [`FloorCapture`]: a capture scope's counting poll, minimal: the scope found through one
//!   thread-local pointer; an invocation id from the scope's counter at the first poll; one
//!   48-byte event (fn, invocation id, poll number, from, to, thread, and the start time and
//!   task issue 10 asks for, 0 here: counting reads no clock) pushed into a preallocated
//!   buffer that drops and counts what does not fit.
//!
//! Not done by any floor (ours does them): an unwind guard, the `await#?` region of
//! suspensions no await point reports, the fn's registration and size note at a first poll,
//! and the second state machine `#[traced_async]` keeps for the signature (AsyncWrapper's
//! cost): the floors wrap the body's future at the call site. FloorTiming keeps no poll start
//! in the polls-in-progress entry and no time suspended per await point.

use std::cell::{Cell, UnsafeCell};
use std::future::Future;
use std::hint::black_box;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::clock_reads::clock;
use crate::drive::{YIELDS, run, run_in};
use crate::variant::Variant;
use crate::workload::{CALLS, call_loop};

/// The workload, each awaited expression inside a [`Point`] (`.point()`): index 0 in both fns.
mod bodies {
    use super::IntoPoint;
    crate::workload::workload!(@points [.point()]);
}

// ---- States, fns, the thread's await point ----

/// State codes kept in a frame: the start, suspended at await point `i` (`1 + i`), returned.
const START: u16 = 0;
const RETURNED: u16 = 1 + MAX_AWAITS as u16;
/// Await points a fn may have in these tables (both workload fns have one).
const MAX_AWAITS: usize = 2;
/// States a frame can be in, the side of the per-fn table of moves.
const STATES: usize = MAX_AWAITS + 2;

/// A traced fn, as the floors know it: a static per fn, like `FnMeta`.
pub struct FloorFn {
    /// Slot number in the per-thread tables, plus one; 0 until the fn first counts.
    slot: AtomicU32,
}

/// Slots handed out so far.
static SLOTS: AtomicU32 = AtomicU32::new(0);

impl FloorFn {
    const fn new() -> Self {
        FloorFn {
            slot: AtomicU32::new(0),
        }
    }

    /// The fn's slot number plus one: one relaxed load once given.
    #[inline(always)]
    fn slot(&'static self) -> u32 {
        match self.slot.load(Ordering::Relaxed) {
            0 => self.register(),
            slot => slot,
        }
    }

    #[cold]
    #[inline(never)]
    fn register(&'static self) -> u32 {
        let slot = SLOTS.fetch_add(1, Ordering::Relaxed) + 1;
        match self
            .slot
            .compare_exchange(0, slot, Ordering::Relaxed, Ordering::Relaxed)
        {
            Ok(_) => slot,
            Err(given) => given,
        }
    }
}

static YIELD1000: FloorFn = FloorFn::new();
static LEAF: FloorFn = FloorFn::new();

thread_local! {
    /// The state the last await point that returned `Pending` on this thread stands for. The
    /// innermost point writes first and the outer ones after it, so what a frame reads after
    /// its body's poll returned `Pending` is its own point.
    static SUSPENDED: Cell<u16> = const { Cell::new(START) };
}

/// Await point `N` of a floor's workload fn: on `Pending`, one thread-local store.
pub struct Point<F, const N: u16> {
    future: F,
}

/// `expr.point()`: `expr` as await point 0.
pub trait IntoPoint: Future + Sized {
    fn point(self) -> Point<Self, 0> {
        Point { future: self }
    }
}

impl<F: Future> IntoPoint for F {}

impl<F: Future, const N: u16> Future for Point<F, N> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `future` is structurally pinned: `Point` never moves it out of a pinned
        // `self`, has no `Drop` impl, is not `repr(packed)`, and is `Unpin` only when `F` is.
        let future = unsafe { self.map_unchecked_mut(|point| &mut point.future) };
        let poll = future.poll(cx);
        if poll.is_pending() {
            SUSPENDED.set(1 + N);
        }
        poll
    }
}

/// The state a poll of a frame ended in.
#[inline(always)]
fn ended<T>(poll: &Poll<T>) -> u16 {
    if poll.is_ready() {
        RETURNED
    } else {
        SUSPENDED.get()
    }
}

// ---- FloorCounting, FloorTiming: the process-wide recorder ----

/// The recorder's switch.
static RECORDING: AtomicBool = AtomicBool::new(false);

/// Fns per thread table.
const FNS: usize = 8;
/// Log2 buckets of a poll's duration in raw ticks.
const BUCKETS: usize = 64;
/// Polls in progress listed per thread.
const DEPTH: usize = 16;

/// One fn's cells on one thread: written by the owner thread only, with relaxed loads and
/// stores (atomics so that a report may read them from another thread).
struct FnCells {
    /// Polls per (from, to) move, `from * STATES + to`: polls are their sum, calls the sum of
    /// the moves from the start, waiters at a point the moves to it less the moves from it.
    moves: [AtomicU64; STATES * STATES],
    /// Raw ticks spent in timed polls.
    busy: AtomicU64,
    /// The longest timed poll, in raw ticks.
    max: AtomicU64,
    /// Timed polls per log2 bucket of their ticks.
    histogram: [AtomicU64; BUCKETS],
}

/// One thread's table: its polls in progress and its fns' cells.
struct Table {
    /// How many polls the thread is inside now.
    depth: AtomicU32,
    /// The polls in progress, outermost first: fn slot number in bits 16.., the state resumed
    /// from in bits 0..16.
    entries: [AtomicU64; DEPTH],
    fns: [FnCells; FNS],
}

thread_local! {
    static TABLE: Table = const {
        Table {
            depth: AtomicU32::new(0),
            entries: [const { AtomicU64::new(0) }; DEPTH],
            fns: [const {
                FnCells {
                    moves: [const { AtomicU64::new(0) }; STATES * STATES],
                    busy: AtomicU64::new(0),
                    max: AtomicU64::new(0),
                    histogram: [const { AtomicU64::new(0) }; BUCKETS],
                }
            }; FNS],
        }
    };
}

/// Adds `n` to a cell only the owner thread writes.
#[inline(always)]
fn bump(cell: &AtomicU64, n: u64) {
    cell.store(
        cell.load(Ordering::Relaxed).wrapping_add(n),
        Ordering::Relaxed,
    );
}

/// Whether a floor recorder times its polls: [`Untimed`] or [`Timed`].
pub trait Timing {
    const TIMED: bool;
}

/// FloorCounting's polls: counted, not timed.
pub struct Untimed;

/// FloorTiming's polls: counted and timed.
pub struct Timed;

impl Timing for Untimed {
    const TIMED: bool = false;
}

impl Timing for Timed {
    const TIMED: bool = true;
}

pin_project! {
    /// A floor recorder's poll around a workload fn's body: counted, and timed when `T` says.
    pub struct Counted<F, M, T> {
        #[pin]
        body: F,
        meta: M,
        state: u16,
        timing: PhantomData<T>,
    }
}

fn counted<T: Timing, F: Future, M: Fn() -> &'static FloorFn>(
    meta: M,
    body: F,
) -> Counted<F, M, T> {
    Counted {
        body,
        meta,
        state: START,
        timing: PhantomData,
    }
}

impl<F: Future, M: Fn() -> &'static FloorFn, T: Timing> Future for Counted<F, M, T> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        if !RECORDING.load(Ordering::Relaxed) {
            return this.body.poll(cx);
        }
        let slot = (this.meta)().slot();
        let from = *this.state;
        let started = if T::TIMED { clock().raw() } else { 0 };
        // Two short accesses of the table (a `fs`-relative address each), rather than one
        // around the body's poll: a closure holding the body's poll is not inlined.
        let depth = TABLE.with(|table| {
            let depth = table.depth.load(Ordering::Relaxed);
            if let Some(entry) = table.entries.get(depth as usize) {
                entry.store(u64::from(slot) << 16 | u64::from(from), Ordering::Release);
            }
            table.depth.store(depth + 1, Ordering::Release);
            depth
        });
        let poll = this.body.poll(cx);
        let to = ended(&poll);
        let ended = if T::TIMED { clock().raw() } else { 0 };
        TABLE.with(|table| {
            // Nested polls left the depth as they found it.
            table.depth.store(depth, Ordering::Relaxed);
            if let Some(cells) = table.fns.get(slot as usize - 1) {
                let moved = usize::from(from) * STATES + usize::from(to);
                if let Some(cell) = cells.moves.get(moved) {
                    bump(cell, 1);
                }
                if T::TIMED {
                    let ticks = ended.wrapping_sub(started);
                    bump(&cells.busy, ticks);
                    let max = cells.max.load(Ordering::Relaxed);
                    cells.max.store(max.max(ticks), Ordering::Relaxed);
                    let bucket = (63 - (ticks | 1).leading_zeros()) as usize % BUCKETS;
                    bump(&cells.histogram[bucket], 1);
                }
            }
        });
        *this.state = to;
        poll
    }
}

/// Records for the length of one run ([`Variant::recording`]); the table is handed to
/// `black_box` at the end.
fn recording(on: bool) {
    RECORDING.store(on, Ordering::Relaxed);
    if !on {
        TABLE.with(|table| black_box(table as *const Table));
    }
}

/// This thread's count of the (from, to) move of `meta`.
fn moves(meta: &'static FloorFn, from: u16, to: u16) -> u64 {
    let slot = meta.slot() as usize - 1;
    let moved = usize::from(from) * STATES + usize::from(to);
    TABLE.with(|table| table.fns[slot].moves[moved].load(Ordering::Relaxed))
}

/// Runs each workload once, counted, and checks every move was: the floor does its work.
fn check_counts<V: Variant>() {
    let counts = || {
        [
            moves(&YIELD1000, START, 1),
            moves(&YIELD1000, 1, 1),
            moves(&YIELD1000, 1, RETURNED),
            moves(&LEAF, START, RETURNED),
        ]
    };
    let before = counts();
    assert_eq!(run_in::<V, _>(V::yield1000()), YIELDS);
    run_in::<V, _>(V::calls100k());
    let after = counts();
    let moved: Vec<u64> = after.iter().zip(before).map(|(a, b)| a - b).collect();
    assert_eq!(moved, [1, YIELDS - 1, 1, CALLS]);
}

/// The counting floor around each workload fn, recording for the run.
pub struct FloorCounting;

impl Variant for FloorCounting {
    fn init() {
        check_counts::<Self>();
    }

    fn recording(on: bool) {
        recording(on);
    }

    fn yield1000() -> impl Future<Output = u64> {
        counted::<Untimed, _, _>(|| &YIELD1000, bodies::yield1000())
    }

    fn calls100k() -> impl Future<Output = u64> {
        call_loop(|x| counted::<Untimed, _, _>(|| &LEAF, bodies::leaf(x)))
    }

    fn future_sizes() -> [usize; 2] {
        [
            size_of_val(&counted::<Untimed, _, _>(
                || &YIELD1000,
                bodies::yield1000(),
            )),
            size_of_val(&counted::<Untimed, _, _>(|| &LEAF, bodies::leaf(0))),
        ]
    }
}

/// The timing floor around each workload fn, recording for the run.
pub struct FloorTiming;

impl Variant for FloorTiming {
    fn init() {
        clock();
        check_counts::<Self>();
        let slot = LEAF.slot() as usize - 1;
        let timed: u64 = TABLE.with(|table| {
            let cells = &table.fns[slot];
            assert!(cells.busy.load(Ordering::Relaxed) >= cells.max.load(Ordering::Relaxed));
            cells
                .histogram
                .iter()
                .map(|c| c.load(Ordering::Relaxed))
                .sum()
        });
        assert!(timed >= CALLS);
    }

    fn recording(on: bool) {
        recording(on);
    }

    fn yield1000() -> impl Future<Output = u64> {
        counted::<Timed, _, _>(|| &YIELD1000, bodies::yield1000())
    }

    fn calls100k() -> impl Future<Output = u64> {
        call_loop(|x| counted::<Timed, _, _>(|| &LEAF, bodies::leaf(x)))
    }

    fn future_sizes() -> [usize; 2] {
        [
            size_of_val(&counted::<Timed, _, _>(|| &YIELD1000, bodies::yield1000())),
            size_of_val(&counted::<Timed, _, _>(|| &LEAF, bodies::leaf(0))),
        ]
    }
}

// ---- FloorCapture: a capture scope ----

/// One recorded poll: 48 bytes.
#[derive(Clone, Copy)]
pub struct Event {
    meta: &'static FloorFn,
    call: u64,
    poll: u64,
    /// The poll's start on the trace's clock: 0, since counting reads no clock.
    started: u64,
    /// The executor task, 0 outside one.
    task: u64,
    from: u16,
    to: u16,
    thread: u32,
}

const _: () = assert!(size_of::<Event>() == 48);

/// Events a scope keeps; further ones are dropped and counted. More than a run records.
const CAPACITY: usize = 1 << 17;

/// A capture scope's buffer and counters, used by the thread polling the scope only.
struct Scope {
    events: UnsafeCell<Vec<Event>>,
    dropped: Cell<u64>,
    calls: Cell<u32>,
}

impl Scope {
    /// A scope with the thread's buffer, allocated once per thread (one allocation of 6 MiB
    /// per run would cost the bench a map and unmap per run, which a growing `Vec` does not).
    fn new() -> Self {
        let mut events = POOL.take();
        events.reserve_exact(CAPACITY);
        Scope {
            events: UnsafeCell::new(events),
            dropped: Cell::new(0),
            calls: Cell::new(0),
        }
    }

    /// Gives a scope's buffer back to the thread, emptied, for its next scope.
    fn give_back(mut events: Vec<Event>) {
        events.clear();
        POOL.set(events);
    }

    /// Keeps `event`, or counts it dropped when the buffer is full.
    #[inline(always)]
    fn push(&self, event: Event) {
        // SAFETY: only the thread whose `HERE` points at this scope calls this, and nothing
        // else borrows `events` meanwhile: `push` calls nothing that could reach the scope,
        // and the scope's owner reads `events` only after its inner future's poll returned.
        let events = unsafe { &mut *self.events.get() };
        if events.len() < events.capacity() {
            events.push(event);
        } else {
            self.dropped.set(self.dropped.get() + 1);
        }
    }
}

thread_local! {
    /// The buffer the thread's next scope keeps its events in.
    static POOL: Cell<Vec<Event>> = const { Cell::new(Vec::new()) };
}

/// The thread's capture scope (null when none) and number, read in one access.
struct Here {
    scope: Cell<*const Scope>,
    thread: Cell<u32>,
}

thread_local! {
    static HERE: Here = const {
        Here {
            scope: Cell::new(std::ptr::null()),
            thread: Cell::new(0),
        }
    };
}

/// Threads numbered so far.
static THREADS: AtomicU32 = AtomicU32::new(0);

pin_project! {
    /// A capture scope around `inner`: its polls make the thread's scope pointer point at it.
    struct Capture<F> {
        #[pin]
        inner: F,
        scope: Scope,
    }
}

impl<F: Future> Future for Capture<F> {
    type Output = (F::Output, Vec<Event>, u64);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let scope: *const Scope = this.scope;
        let outer = HERE.with(|here| {
            if here.thread.get() == 0 {
                here.thread.set(THREADS.fetch_add(1, Ordering::Relaxed) + 1);
            }
            here.scope.replace(scope)
        });
        let poll = this.inner.poll(cx);
        HERE.with(|here| here.scope.set(outer));
        poll.map(|out| {
            let events = std::mem::take(this.scope.events.get_mut());
            (out, events, this.scope.dropped.get())
        })
    }
}

pin_project! {
    /// A capture scope's counting poll around a workload fn's body.
    pub struct Captured<F, M> {
        #[pin]
        body: F,
        meta: M,
        // 32 bits each, as ours keeps an id in its 8-byte frame: the event widens them.
        call: u32,
        polls: u32,
        state: u16,
    }
}

fn captured<F: Future, M: Fn() -> &'static FloorFn>(meta: M, body: F) -> Captured<F, M> {
    Captured {
        body,
        meta,
        call: 0,
        polls: 0,
        state: START,
    }
}

impl<F: Future, M: Fn() -> &'static FloorFn> Future for Captured<F, M> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let (scope, thread) = HERE.with(|here| (here.scope.get(), here.thread.get()));
        if scope.is_null() {
            return this.body.poll(cx);
        }
        // SAFETY: `HERE.scope` is non-null only while a `Capture` poll on this thread is
        // inside its inner future's poll (it restores the outer pointer after), and it points
        // at that `Capture`'s pinned scope, which outlives the poll: this poll is nested in
        // it. Only shared references to the scope are made (its fields are cells).
        let scope = unsafe { &*scope };
        if *this.call == 0 {
            let call = scope.calls.get().wrapping_add(1);
            scope.calls.set(call);
            *this.call = call;
        }
        *this.polls = this.polls.wrapping_add(1);
        let from = *this.state;
        let poll = this.body.poll(cx);
        let to = ended(&poll);
        scope.push(Event {
            meta: (this.meta)(),
            call: u64::from(*this.call),
            poll: u64::from(*this.polls),
            started: 0,
            task: 0,
            from,
            to,
            thread,
        });
        *this.state = to;
        poll
    }
}

/// Runs `future` in a fresh capture scope; the events are handed to `black_box`.
async fn scoped<F: Future<Output = u64>>(future: F) -> u64 {
    let (out, events, dropped) = Capture {
        inner: future,
        scope: Scope::new(),
    }
    .await;
    black_box((&events, dropped));
    Scope::give_back(events);
    out
}

/// The capture floor around each workload fn, one scope per run.
pub struct FloorCapture;

impl Variant for FloorCapture {
    fn init() {
        let (out, events, dropped) = run(Capture {
            inner: captured(|| &YIELD1000, bodies::yield1000()),
            scope: Scope::new(),
        });
        assert_eq!((out, events.len() as u64, dropped), (YIELDS, YIELDS + 1, 0));
        let last = events[YIELDS as usize];
        assert!(std::ptr::eq(last.meta, &YIELD1000) && last.thread != 0);
        assert_eq!(
            (last.call, last.poll, last.from, last.to),
            (1, YIELDS + 1, 1, RETURNED)
        );
        assert_eq!((last.started, last.task), (0, 0));
        Scope::give_back(events);
        let (_, events, _) = run(Capture {
            inner: call_loop(|x| captured(|| &LEAF, bodies::leaf(x))),
            scope: Scope::new(),
        });
        assert_eq!(events.len() as u64, CALLS);
        assert_eq!(events[CALLS as usize - 1].call, CALLS);
        Scope::give_back(events);
    }

    fn yield1000() -> impl Future<Output = u64> {
        scoped(captured(|| &YIELD1000, bodies::yield1000()))
    }

    fn calls100k() -> impl Future<Output = u64> {
        scoped(call_loop(|x| captured(|| &LEAF, bodies::leaf(x))))
    }

    fn future_sizes() -> [usize; 2] {
        [
            size_of_val(&captured(|| &YIELD1000, bodies::yield1000())),
            size_of_val(&captured(|| &LEAF, bodies::leaf(0))),
        ]
    }
}
