//! Per-thread counters of the process-wide recorder. Each thread writes only its own table, so
//! a count is a plain load and store (no atomic read-modify-write, no lock on the poll path);
//! a report reads every table. A thread's counts are folded into a shared table when it exits
//! and its table is zeroed for the next new thread, so thread churn neither loses counts nor
//! grows memory. Tables are leaked on purpose: `&'static` references let a thread cache the
//! cells it counted into last without `unsafe`.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

use crate::clock;
use crate::context::{self, Ctx};
use crate::event::Event;
use crate::histogram::{self, BUCKETS, Latency};
use crate::in_poll::{InPoll, Seen};
use crate::marks::{Marks, Pended};
use crate::meta::FnMeta;
use crate::sink::Sink;
use crate::state::State;
use crate::stats::{AwaitStats, FnStats};

const CHUNK: usize = 64;
const CHUNKS: usize = 64;
/// How many traced fns the recorder counts; transitions of further fns are counted as lost.
pub(crate) const MAX_FNS: usize = CHUNK * CHUNKS;

// Cells of a fn's counters, followed by four per place an invocation can wait at: `await#?`,
// then each await point. A poll bumps one cell when it ends where it started (suspended at the
// same place again), else the place it left and the place or outcome it reached; so the
// number of polls is a sum, and so is the number of invocations waiting at each place now.
// Last, one cell per await point: the polls in which it returned `Pending` beside other points
// of a `join!` or `select!` (the poll itself counts at the whole call).
const CALLS: usize = 0;
const RETURNED: usize = 1;
const PANICKED: usize = 2;
const CANCELLED: usize = 3;
const BUSY: usize = 4;
const TIMED: usize = 5;
// Busy time less the time of timed polls nested in it (self time), the polls that measured
// it (only the lean path does), and the longest poll (a maximum, not a sum, over threads).
const SELF_BUSY: usize = 6;
const SELF_TIMED: usize = 7;
const MAX: usize = 8;
const PLACES: usize = 9;
// Offsets within a place's four cells.
const ARRIVED: usize = 0;
const REPEATED: usize = 1;
const LEFT: usize = 2;
const CANCELLED_AT: usize = 3;
const PER_PLACE: usize = 4;
/// The first cell of await point 0's place (`await#?` is first).
const AWAITS: usize = PLACES + PER_PLACE;

/// Cells for a fn with `awaits` await points, without the poll-time histogram.
const fn base_cells(awaits: usize) -> usize {
    pended_cells(awaits) + awaits
}

/// Whether the recorder times polls: set at `init`, before any cells exist, and never
/// changed, so that a timed fn's cells always end with a histogram of its poll durations
/// ([`BUCKETS`] cells) when a timed poll counts into them.
static TIMING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Tells the counters that the recorder times polls (called once, at `init`).
pub(crate) fn set_timing(on: bool) {
    TIMING.store(on, Ordering::Relaxed);
}

/// Cells for `meta` on one thread: the counts, then when its polls are timed a histogram of
/// suspended time per await point and, last, the poll-time histogram.
fn cell_count(meta: &FnMeta) -> usize {
    let timed = meta.timing() && TIMING.load(Ordering::Relaxed);
    let awaits = meta.awaits().len();
    base_cells(awaits) + if timed { BUCKETS * (awaits + 1) } else { 0 }
}

/// Counts `ticks` (raw clock ticks, converted to ns when a report reads the histogram: a
/// log-linear histogram's relative error survives a linear scale) suspended at await point
/// `index` of `meta` (a timed fn's cells hold its histogram; others have none, and nothing is
/// counted).
#[inline(always)]
pub(crate) fn count_suspended(cells: &[AtomicU64], meta: &FnMeta, index: u16, ticks: u64) {
    let awaits = meta.awaits().len();
    if cells.len() == base_cells(awaits) + BUCKETS * (awaits + 1) {
        let first = base_cells(awaits) + BUCKETS * usize::from(index);
        if let Some(histogram) = cells.get(first..).and_then(<[_]>::first_chunk::<BUCKETS>) {
            histogram::record(histogram, ticks);
        }
    }
}

/// The first of the per-point cells of pending beside other points, for `awaits` points.
const fn pended_cells(awaits: usize) -> usize {
    AWAITS + PER_PLACE * awaits
}

/// The first cell of the place `state` waits at, if it is one.
#[inline(always)]
fn place(state: State) -> Option<usize> {
    match state {
        State::Await(i) => Some(AWAITS + PER_PLACE * usize::from(i)),
        State::Hidden => Some(PLACES),
        _ => None,
    }
}

/// The counter cells of one fn on one thread.
type Cells = Box<[AtomicU64]>;
/// A chunk of [`CHUNK`] fns' cells.
type Chunk = Box<[OnceLock<Cells>; CHUNK]>;

/// One thread's counters: chunks of per-fn cells, allocated on first use and never moved;
/// and the thread's polls in progress.
struct Table {
    chunks: [OnceLock<Chunk>; CHUNKS],
    in_poll: InPoll,
    /// The thread's number (see `context::thread_number`) and name, while a thread owns it.
    owner: Mutex<(u32, Option<String>)>,
}

impl Table {
    fn new() -> Self {
        Table {
            chunks: [const { OnceLock::new() }; CHUNKS],
            in_poll: InPoll::new(),
            owner: Mutex::new((0, None)),
        }
    }

    fn cells(&self, slot: usize, meta: &FnMeta) -> &[AtomicU64] {
        let chunk =
            self.chunks[slot / CHUNK].get_or_init(|| Box::new([const { OnceLock::new() }; CHUNK]));
        chunk[slot % CHUNK]
            .get_or_init(|| (0..cell_count(meta)).map(|_| AtomicU64::new(0)).collect())
    }

    fn existing(&self, slot: usize) -> Option<&[AtomicU64]> {
        self.chunks[slot / CHUNK].get()?[slot % CHUNK]
            .get()
            .map(|cells| &**cells)
    }
}

/// Adds to a cell only its owner thread writes (or any thread under the registry lock). A cell
/// that does not exist (an await point index the fn does not have) is skipped, not a panic.
#[inline(always)]
fn bump_at(cells: &[AtomicU64], i: usize, n: u64) {
    if let Some(cell) = cells.get(i) {
        bump(cell, n);
    }
}

#[inline(always)]
fn bump(cell: &AtomicU64, n: u64) {
    cell.store(
        cell.load(Ordering::Relaxed).wrapping_add(n),
        Ordering::Relaxed,
    );
}

/// Every traced fn the recorder has seen, by slot, and every thread's table.
struct Registry {
    fns: Vec<&'static FnMeta>,
    /// Tables owned by running threads.
    threads: Vec<&'static Table>,
    /// Tables of exited threads, zeroed, for the next new thread: memory stays bounded by the
    /// most threads alive at once.
    free: Vec<&'static Table>,
    /// Counts of threads that have exited.
    retired: Table,
    /// Transitions of fns beyond [`MAX_FNS`], which have no slot.
    lost: u64,
}

fn registry() -> MutexGuard<'static, Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    let registry = REGISTRY.get_or_init(|| {
        Mutex::new(Registry {
            fns: Vec::new(),
            threads: Vec::new(),
            free: Vec::new(),
            retired: Table::new(),
            lost: 0,
        })
    });
    // Counting never panics while holding the lock; recover anyway rather than lose reports.
    registry
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

thread_local! {
    /// This thread's table; `None` until the thread first counts.
    static TABLE: Cell<Option<&'static Table>> = const { Cell::new(None) };
    /// Gives the table back when the thread exits.
    static OWNER: Owner = const { Owner };
}

/// Gives this thread's table back when the thread exits: folds its counts into the retired
/// table and zeroes it for reuse.
struct Owner;

impl Drop for Owner {
    fn drop(&mut self) {
        let Some(table) = TABLE.with(|t| t.take()) else {
            return;
        };
        context::with(|ctx| {
            ctx.set_last_cells(context::NO_KEY, &[]);
            ctx.set_in_poll(&crate::in_poll::UNREAD);
        });
        table.in_poll.clear();
        let mut registry = registry();
        let registry = &mut *registry;
        for (slot, meta) in registry.fns.iter().enumerate() {
            if let Some(cells) = table.existing(slot) {
                let retired = registry.retired.cells(slot, meta);
                for (i, (to, from)) in retired.iter().zip(cells).enumerate() {
                    let from = from.swap(0, Ordering::Relaxed);
                    if i == MAX {
                        to.fetch_max(from, Ordering::Relaxed);
                    } else {
                        bump(to, from);
                    }
                }
            }
        }
        registry.threads.retain(|t| !std::ptr::eq(*t, table));
        registry.free.push(table);
    }
}

/// This thread's table, taken on first use (a zeroed one left by an exited thread if any).
#[cold]
fn acquire_table() -> Option<&'static Table> {
    // Registering the owner first: if the thread is already tearing down, count nothing.
    OWNER.try_with(|_| ()).ok()?;
    let mut registry = registry();
    let table = registry
        .free
        .pop()
        .unwrap_or_else(|| Box::leak(Box::new(Table::new())));
    registry.threads.push(table);
    drop(registry);
    let name = std::thread::current().name().map(str::to_owned);
    *table
        .owner
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = (context::thread_number(), name);
    TABLE.with(|t| t.set(Some(table)));
    context::with(|ctx| ctx.set_in_poll(&table.in_poll));
    Some(table)
}

/// The bit of a fn's key (its slot number, slot + 1, as [`FnMeta::slot`] holds it) that says
/// its polls are timed: the fn allows timing and the recorder times (both fixed before the fn
/// gets its slot), so that the lean path learns both from the slot's one load.
const TIMED_FN: u32 = 1 << 31;
// No key is `context::NO_KEY`: slot numbers stay below the timed bit's less one.
const _: () = assert!(MAX_FNS < (TIMED_FN - 1) as usize);

/// The slot number (slot + 1) in a fn's `key`.
#[inline(always)]
const fn key_number(key: u32) -> u32 {
    key & !TIMED_FN
}

/// The fn's key (slot + 1, and [`TIMED_FN`]), registering it the first time.
#[inline(always)]
fn key(meta: &'static FnMeta) -> Option<u32> {
    match meta.slot.load(Ordering::Acquire) {
        0 => register(meta),
        key => Some(key),
    }
}

#[cold]
fn register(meta: &'static FnMeta) -> Option<u32> {
    let mut registry = registry();
    let key = meta.slot.load(Ordering::Acquire);
    if key != 0 {
        return Some(key);
    }
    if registry.fns.len() >= MAX_FNS {
        registry.lost += 1;
        return None;
    }
    registry.fns.push(meta);
    let number = u32::try_from(registry.fns.len()).expect("at most MAX_FNS slots");
    // `TIMING` is set at `init`, before the recorder counts (and so registers) any fn.
    let timed = meta.timing() && TIMING.load(Ordering::Relaxed);
    let key = if timed { number | TIMED_FN } else { number };
    meta.slot.store(key, Ordering::Release);
    Some(key)
}

/// What the lean poll path needs once it has entered: this thread's cells for the fn, the
/// marks to restore, the thread's stack of polls in progress with its word (see
/// [`InPoll::polls`]) and the fn's key.
pub(crate) struct Lean {
    pub(crate) cells: &'static [AtomicU64],
    pub(crate) marks: Marks,
    pub(crate) stack: &'static InPoll,
    pub(crate) polls: u64,
    key: u32,
}

impl Lean {
    /// Whether the fn's polls are timed (the recorder and the fn both time).
    #[inline(always)]
    pub(crate) const fn timed(&self) -> bool {
        self.key & TIMED_FN != 0
    }

    /// Whether this poll, of a fn whose polls are timed, is one sampling times.
    #[inline(always)]
    pub(crate) fn sampled(&self) -> bool {
        sampled(InPoll::next_seq(self.polls))
    }

    /// The fn's slot number (slot + 1).
    #[inline(always)]
    pub(crate) const fn number(&self) -> u32 {
        key_number(self.key)
    }
}

/// Enters a poll of `meta` on the lean path (`Activity::is_counting` said no capture scope is
/// active anywhere), with `region` the frame's last await point entered: the thread's marks
/// replaced, nothing pushed yet. `None` leaves the poll to the full path.
#[inline(always)]
pub(crate) fn enter(meta: &'static FnMeta, region: u16) -> Option<Lean> {
    // A fn without a slot has key 0, never the last used one's (see `context::NO_KEY`): the
    // common poll tests its key once, against the last used.
    let key = meta.slot.load(Ordering::Acquire);
    // The stack of polls in progress is `'static`: pushing on it needs no second access.
    let (key, cells, marks, stack) = context::with(|ctx| {
        let (key, cells) = match ctx.last_cells() {
            (last, cells) if last == key => (key, cells),
            _ => other_cells(ctx, key, meta)?,
        };
        Some((key, cells, ctx.enter_counting(region), ctx.in_poll()))
    })?;
    Some(Lean {
        cells,
        marks,
        stack,
        polls: stack.polls(),
        key,
    })
}

/// One timed poll in 2^`SAMPLE_SHIFT` (`sample=16`: 4); 0 times every poll.
static SAMPLE_SHIFT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Times one poll in `n` (rounded up to a power of two, at most 2^16) from now on; 1 times
/// every poll (called once, at `init`).
pub(crate) fn set_sampling(n: u32) {
    let shift = n.max(1).next_power_of_two().trailing_zeros().min(16);
    SAMPLE_SHIFT.store(shift, Ordering::Relaxed);
}

/// How many polls one timed poll stands for: 1, or N when one poll in N is timed.
pub(crate) fn sampling() -> u64 {
    1 << SAMPLE_SHIFT.load(Ordering::Relaxed)
}

/// Whether the lean poll numbered `seq` on its thread is timed: always without sampling; else
/// when `seq × φ` (a Weyl sequence, equidistributed) falls in the first 1/N of the circle, so
/// that every residue of a periodic workload is sampled at the same rate (no aliasing).
#[inline(always)]
pub(crate) fn sampled(seq: u32) -> bool {
    sampled_at(seq, SAMPLE_SHIFT.load(Ordering::Relaxed))
}

#[inline(always)]
fn sampled_at(seq: u32, shift: u32) -> bool {
    shift == 0 || seq.wrapping_mul(0x9E37_79B9) >> (32 - shift) == 0
}

/// `nanos` weighed by the sampling rate: what a timed poll stands for.
#[inline(always)]
pub(crate) fn weighed(nanos: u64) -> u64 {
    nanos << SAMPLE_SHIFT.load(Ordering::Relaxed)
}

/// Asks the recorder's filter (installed at `init`, see [`set_filter`]) whether it selects
/// `meta`, which has no slot yet, and gives it one if so: a fn's very first poll takes the lean
/// path too, so it is in the polls in progress and its self time is counted.
#[cold]
fn first_slot(meta: &'static FnMeta) -> Option<u32> {
    let selects = FILTER.get()?;
    if !meta.is_selected(*selects) {
        return None;
    }
    key(meta)
}

/// [`enter`]'s cells for `meta`, whose `key` (0 before it has a slot) is not the last used:
/// with the key, the slot given first if the recorder selects the fn (the selection is fixed
/// at `init`); no slot, the full path decides.
#[cold]
fn other_cells(ctx: &Ctx, key: u32, meta: &'static FnMeta) -> Option<(u32, &'static [AtomicU64])> {
    let key = match key {
        0 => first_slot(meta)?,
        key => key,
    };
    Some((key, table_cells(ctx, key, meta)?))
}

/// The recorder's filter: whether it selects a fn.
static FILTER: OnceLock<fn(&'static FnMeta) -> bool> = OnceLock::new();

/// Installs the recorder's filter (called once, at `init`).
pub(crate) fn set_filter(selects: fn(&'static FnMeta) -> bool) {
    let _ = FILTER.set(selects);
}

/// This thread's cells for `meta`, whose `key` is known: the last used, or from its table.
#[inline(always)]
fn thread_cells(ctx: &Ctx, key: u32, meta: &'static FnMeta) -> Option<&'static [AtomicU64]> {
    match ctx.last_cells() {
        (last, cells) if last == key => Some(cells),
        _ => table_cells(ctx, key, meta),
    }
}

/// This thread's cells for `meta` from its table, remembered as the last used.
#[cold]
fn table_cells(ctx: &Ctx, key: u32, meta: &'static FnMeta) -> Option<&'static [AtomicU64]> {
    let table = TABLE.get().or_else(acquire_table)?;
    let cells = table.cells(key_number(key) as usize - 1, meta);
    ctx.set_last_cells(key, cells);
    Some(cells)
}

/// The fn's number (slot + 1), for a full-path poll the recorder records (see `full_poll`),
/// with this thread's table and cells set up, so that the thread's stack of polls in progress
/// is its own; `None` when the fn has no slot or the thread is tearing down.
pub(crate) fn number_on_thread(meta: &'static FnMeta) -> Option<u32> {
    let key = key(meta)?;
    context::with(|ctx| thread_cells(ctx, key, meta)).map(|_| key_number(key))
}

/// This thread's cells for `meta`; `None` (and the transition counted as lost) when the fn
/// has no slot or the thread is tearing down.
fn cells(ctx: &Ctx, meta: &'static FnMeta) -> Option<&'static [AtomicU64]> {
    let cells = key(meta).and_then(|key| thread_cells(ctx, key, meta));
    if cells.is_none() {
        lose();
    }
    cells
}

#[cold]
fn lose() {
    registry().lost += 1;
}

/// Counts one poll that moved an invocation between two encoded states (see
/// [`State::encode`]).
#[inline(always)]
pub(crate) fn count_codes(cells: &[AtomicU64], from: u16, to: u16, nanos: Option<u64>) {
    if let Some(nanos) = nanos {
        count_time(cells, nanos, None);
    }
    if State::is_same_await_code(from, to) {
        // Suspended again at the same await point: the common poll, one cell.
        bump_at(cells, AWAITS + PER_PLACE * usize::from(to) + REPEATED, 1);
    } else {
        count_move(cells, State::decode(from), State::decode(to));
    }
}

/// Counts a timed poll's duration: busy time, the self time when known (`own`), the longest
/// poll and the histogram, which a timed fn's cells end with (see [`TIMING`]).
#[inline(always)]
pub(crate) fn count_time(cells: &[AtomicU64], nanos: u64, own: Option<u64>) {
    // Fixed-size views, so that one length check stands for the cells' every index.
    if let Some(head) = cells.first_chunk::<PLACES>() {
        bump(&head[BUSY], nanos);
        bump(&head[TIMED], 1);
        if let Some(own) = own {
            bump(&head[SELF_BUSY], own);
            bump(&head[SELF_TIMED], 1);
        }
        let max = &head[MAX];
        if nanos > max.load(Ordering::Relaxed) {
            max.store(nanos, Ordering::Relaxed);
        }
    }
    if let Some(histogram) = cells.last_chunk::<BUCKETS>() {
        histogram::record(histogram, nanos);
    }
}

/// [`count_codes`] for the other polls: a call's first, a move between places, an outcome,
/// or `await#?` again.
#[inline(always)]
fn count_move(cells: &[AtomicU64], from: State, to: State) {
    if from == State::Start {
        bump_at(cells, CALLS, 1);
    }
    match (place(from), place(to)) {
        (Some(was), Some(now)) if was == now => bump_at(cells, now + REPEATED, 1),
        (was, now) => {
            if let Some(was) = was {
                bump_at(cells, was + LEFT, 1);
            }
            match (now, to) {
                (Some(now), _) => bump_at(cells, now + ARRIVED, 1),
                (None, State::Returned) => bump_at(cells, RETURNED, 1),
                (None, State::Panicked) => bump_at(cells, PANICKED, 1),
                (None, _) => {}
            }
        }
    }
}

/// The counters as a sink: every event counted on this thread's table. Numbering is not theirs
/// to do, so a first poll's start is nothing to them.
pub(crate) struct Counters;

impl Sink for Counters {
    fn begin(&mut self, _: &'static FnMeta, _: u64, _: u64) {}

    #[inline]
    fn record(&mut self, event: &Event) {
        count(event);
    }

    fn pended(&mut self, meta: &'static FnMeta, points: Pended) {
        if let Some(cells) = context::with(|ctx| cells(ctx, meta)) {
            count_pended(cells, meta, points);
        }
    }
}

/// Counts the await points of `meta` in `points` as suspended: they returned `Pending` beside
/// other points of one `join!` or `select!` in a poll counted at the whole call.
#[cold]
pub(crate) fn count_pended(cells: &[AtomicU64], meta: &'static FnMeta, points: Pended) {
    let awaits = meta.awaits().len();
    for i in points.indices().map(usize::from).filter(|&i| i < awaits) {
        bump_at(cells, pended_cells(awaits) + i, 1);
    }
}

/// Counts one poll's event on this thread's table.
#[inline]
pub(crate) fn count(t: &Event) {
    let Some(cells) = context::with(|ctx| cells(ctx, t.meta)) else {
        return;
    };
    if t.to == State::Cancelled.encode() {
        if let Some(was) = place(State::decode(t.from)) {
            bump_at(cells, was + CANCELLED_AT, 1);
        }
        bump_at(cells, CANCELLED, 1);
    } else {
        count_codes(cells, t.from, t.to, t.nanos);
    }
}

/// The traced polls one thread is inside now, outermost first.
pub(crate) struct ThreadPolls {
    /// The thread's number (see `context::thread_number`).
    pub(crate) thread: u32,
    /// The thread's name, if it has one.
    pub(crate) name: Option<String>,
    pub(crate) polls: Vec<(&'static FnMeta, Seen)>,
}

/// The polls in progress on the lean path, per thread that counts.
pub(crate) fn in_progress() -> Vec<ThreadPolls> {
    let registry = registry();
    let mut threads = Vec::new();
    for table in &registry.threads {
        let polls: Vec<(&'static FnMeta, Seen)> = table
            .in_poll
            .read()
            .into_iter()
            .filter_map(|seen| Some((*registry.fns.get(seen.number as usize - 1)?, seen)))
            .collect();
        if polls.is_empty() {
            continue;
        }
        let (thread, name) = table
            .owner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        threads.push(ThreadPolls {
            thread,
            name,
            polls,
        });
    }
    threads
}

/// Every fn the recorder counts, by slot (its number is the slot + 1).
pub(crate) fn fns() -> Vec<&'static FnMeta> {
    registry().fns.clone()
}

/// The number and name of every thread that counts now.
pub(crate) fn thread_names() -> Vec<(u32, Option<String>)> {
    let registry = registry();
    let owners = registry.threads.iter().map(|table| {
        table
            .owner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    });
    owners.collect()
}

/// Totals over every thread, live and exited: per fn, and transitions that could not be
/// counted.
pub(crate) fn totals() -> (Vec<FnStats>, u64) {
    let registry = registry();
    let tables: Vec<&Table> = registry
        .threads
        .iter()
        .map(|t| &**t)
        .chain([&registry.retired])
        .collect();
    let mut stats = Vec::new();
    for (slot, meta) in registry.fns.iter().enumerate() {
        // Sums wrap: an invocation may arrive at a place on one thread and leave it on
        // another, so one table's difference can be negative while the sum is not.
        let mut sums = vec![0u64; cell_count(meta)];
        let mut max = 0;
        for cells in tables.iter().filter_map(|t| t.existing(slot)) {
            for (sum, cell) in sums.iter_mut().zip(cells) {
                *sum = sum.wrapping_add(cell.load(Ordering::Relaxed));
            }
            max = max.max(cells.get(MAX).map_or(0, |m| m.load(Ordering::Relaxed)));
        }
        sums[MAX] = max;
        let fn_stats = from_sums(meta, &sums);
        if fn_stats.calls > 0 || fn_stats.polls > 0 || fn_stats.cancelled > 0 {
            stats.push(fn_stats);
        }
    }
    (stats, registry.lost)
}

fn from_sums(meta: &'static FnMeta, sums: &[u64]) -> FnStats {
    let mut stats = FnStats::new(meta);
    stats.calls = sums[CALLS];
    stats.returned = sums[RETURNED];
    stats.panicked = sums[PANICKED];
    stats.cancelled = sums[CANCELLED];
    stats.polls = stats.returned + stats.panicked;
    if sums[TIMED] > 0 {
        stats.busy_nanos = Some(sums[BUSY]);
    }
    if sums[SELF_TIMED] > 0 {
        stats.self_nanos = Some(sums[SELF_BUSY]);
    }
    let awaits = meta.awaits().len();
    let timed = sums.len() == base_cells(awaits) + BUCKETS * (awaits + 1);
    if timed {
        let poll = &sums[sums.len() - BUCKETS..];
        stats.poll_latency = Latency::from_buckets(poll, sums[MAX]);
    }
    let place_sums = &sums[PLACES..pended_cells(awaits)];
    let places = place_sums.chunks_exact(PER_PLACE).map(|place| {
        let suspensions = place[ARRIVED].wrapping_add(place[REPEATED]);
        // Threads are read one after another while others count: a departure can be seen
        // without its arrival, so a difference below zero reads as none.
        let waiting = place[ARRIVED]
            .wrapping_sub(place[LEFT])
            .wrapping_sub(place[CANCELLED_AT]);
        let waiting = if waiting > stats.calls { 0 } else { waiting };
        AwaitStats {
            suspensions,
            cancellations: place[CANCELLED_AT],
            waiting,
            suspended_latency: None,
            oldest_waiting_nanos: None,
        }
    });
    let mut places: Vec<AwaitStats> = places.collect();
    if timed {
        let histograms = sums[base_cells(awaits)..].chunks_exact(BUCKETS);
        let scale = clock::Scale::now();
        let nanos = |ticks: u64| scale.between(0, ticks);
        for (place, buckets) in places[1..].iter_mut().zip(histograms) {
            // No exact maximum is kept for waits: the top bucket's upper end stands for it.
            let top = buckets
                .iter()
                .rposition(|&n| n > 0)
                .map(histogram::upper_end);
            let ticks = top.and_then(|max| Latency::from_buckets(buckets, max));
            place.suspended_latency = ticks.map(|l| Latency {
                count: l.count,
                p50: nanos(l.p50),
                p90: nanos(l.p90),
                p99: nanos(l.p99),
                max: nanos(l.max),
            });
        }
    }
    let hidden = places.remove(0);
    stats.polls += places.iter().map(|a| a.suspensions).sum::<u64>() + hidden.suspensions;
    stats.hidden = hidden.suspensions;
    // Sampled: busy and self time are scaled up from the polls that were timed.
    if sampling() > 1 {
        let polls = stats.polls;
        let scale = |sum: u64, timed: u64| {
            let scaled = u128::from(sum) * u128::from(polls) / u128::from(timed.max(1));
            u64::try_from(scaled).unwrap_or(u64::MAX)
        };
        stats.busy_nanos = stats.busy_nanos.map(|b| scale(b, sums[TIMED]));
        stats.self_nanos = stats.self_nanos.map(|b| scale(b, sums[SELF_TIMED]));
    }
    stats.hidden_waiting = hidden.waiting;
    stats.awaits = places;
    // A poll suspended at one branch of a `join!`/`select!` suspended at the call too; and
    // pending beside other branches is not a poll of its own: both counted after the polls.
    let direct: Vec<u64> = stats.awaits.iter().map(|a| a.suspensions).collect();
    for (i, n) in (0u16..).zip(direct) {
        stats.add_in_call(i, n);
    }
    for (i, pended) in (0u16..).zip(&sums[pended_cells(awaits)..base_cells(awaits)]) {
        stats.add_pended(i, *pended);
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{AwaitKind, AwaitMeta};

    static AWAITS: [AwaitMeta; 1] = [AwaitMeta::new(0, "0", 2, 5, "io()", AwaitKind::Await)];
    static META: FnMeta = FnMeta::new("churn", "tests", "t.rs", 1, &AWAITS, false);

    fn transition(from: State, to: State) -> Event {
        Event::new(&META, 1, 1, (from.encode(), to.encode()), None, None)
    }

    #[test]
    fn sampling_times_one_poll_in_n_of_every_residue_of_a_period() {
        assert!((1..1000).all(|seq| sampled_at(seq, 0)));
        let shift = 4;
        let total = (1..=160_000u32).filter(|&s| sampled_at(s, shift)).count();
        assert!(total.abs_diff(10_000) <= 10, "{total}");
        // A workload that alternates (period 2) or repeats every 16 polls: each residue is
        // timed at the same rate, within 2% of it.
        for period in [2u32, 3, 16, 64] {
            for residue in 0..period {
                let polls = (1..=160_000u32).filter(|s| s % period == residue);
                let n = polls.clone().count();
                let timed = polls.filter(|&s| sampled_at(s, shift)).count();
                let expected = n / 16;
                assert!(
                    timed.abs_diff(expected) * 50 <= expected,
                    "period {period}, residue {residue}: {timed} of {n}"
                );
            }
        }
    }

    #[test]
    fn thread_churn_keeps_counts_and_reuses_tables() {
        for _ in 0..50 {
            std::thread::spawn(|| {
                count(&transition(State::Start, State::Await(0)));
                count(&transition(State::Await(0), State::Returned));
            })
            .join()
            .unwrap();
        }
        let (stats, lost) = totals();
        let churn = stats.iter().find(|s| std::ptr::eq(s.meta, &META)).unwrap();
        assert_eq!((churn.calls, churn.polls, churn.returned), (50, 100, 50));
        assert_eq!(churn.awaits[0].suspensions, 50);
        assert_eq!(lost, 0);
        // Threads ran one at a time: one table served them all (other tests of this binary
        // may hold a few more at once).
        let registry = registry();
        assert!(registry.threads.len() + registry.free.len() <= 8);
    }
}
