//! Per-thread counters of the process-wide recorder. Each thread writes only its own table, so
//! a count is a plain load and store (no atomic read-modify-write, no lock on the poll path);
//! a report reads every table. A thread's counts are folded into a shared table when it exits
//! and its table is zeroed for the next new thread, so thread churn neither loses counts nor
//! grows memory. Tables are leaked on purpose: `&'static` references let a thread cache the
//! cells it counted into last without `unsafe`.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

use crate::context::{self, Ctx, Marks};
use crate::global;
use crate::meta::FnMeta;
use crate::record::Mode;
use crate::state::State;
use crate::stats::{AwaitStats, FnStats};
use crate::transition::Transition;

const CHUNK: usize = 64;
const CHUNKS: usize = 64;
/// How many traced fns the recorder counts; transitions of further fns are counted as lost.
pub(crate) const MAX_FNS: usize = CHUNK * CHUNKS;

// Cells of a fn's counters, followed by two per await point (suspensions, cancellations).
// Every poll ends in exactly one of: a suspension, `await#?`, returned, panicked; so a poll
// bumps one cell and the number of polls is their sum.
const CALLS: usize = 0;
const RETURNED: usize = 1;
const PANICKED: usize = 2;
const CANCELLED: usize = 3;
const HIDDEN: usize = 4;
const BUSY: usize = 5;
const TIMED: usize = 6;
const AWAITS: usize = 7;

/// The counter cells of one fn on one thread.
type Cells = Box<[AtomicU64]>;
/// A chunk of [`CHUNK`] fns' cells.
type Chunk = Box<[OnceLock<Cells>; CHUNK]>;

/// One thread's counters: chunks of per-fn cells, allocated on first use and never moved.
struct Table {
    chunks: [OnceLock<Chunk>; CHUNKS],
}

impl Table {
    fn new() -> Self {
        Table {
            chunks: [const { OnceLock::new() }; CHUNKS],
        }
    }

    fn cells(&self, slot: usize, meta: &FnMeta) -> &[AtomicU64] {
        let chunk =
            self.chunks[slot / CHUNK].get_or_init(|| Box::new([const { OnceLock::new() }; CHUNK]));
        chunk[slot % CHUNK].get_or_init(|| {
            (0..AWAITS + 2 * meta.awaits().len())
                .map(|_| AtomicU64::new(0))
                .collect()
        })
    }

    fn existing(&self, slot: usize) -> Option<&[AtomicU64]> {
        self.chunks[slot / CHUNK].get()?[slot % CHUNK]
            .get()
            .map(|cells| &**cells)
    }
}

/// Adds to a cell only its owner thread writes (or any thread under the registry lock).
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
        context::with(|ctx| ctx.set_last_cells(0, &[]));
        let mut registry = registry();
        let registry = &mut *registry;
        for (slot, meta) in registry.fns.iter().enumerate() {
            if let Some(cells) = table.existing(slot) {
                let retired = registry.retired.cells(slot, meta);
                for (to, from) in retired.iter().zip(cells) {
                    bump(to, from.swap(0, Ordering::Relaxed));
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
    TABLE.with(|t| t.set(Some(table)));
    Some(table)
}

/// The fn's slot, registering it the first time.
#[inline(always)]
fn slot(meta: &'static FnMeta) -> Option<usize> {
    match meta.slot.load(Ordering::Acquire) {
        0 => register(meta),
        slot => Some(slot as usize - 1),
    }
}

#[cold]
fn register(meta: &'static FnMeta) -> Option<usize> {
    let mut registry = registry();
    let slot = meta.slot.load(Ordering::Acquire);
    if slot != 0 {
        return Some(slot as usize - 1);
    }
    if registry.fns.len() >= MAX_FNS {
        registry.lost += 1;
        return None;
    }
    registry.fns.push(meta);
    let slot = registry.fns.len();
    meta.slot.store(
        u32::try_from(slot).expect("at most MAX_FNS slots"),
        Ordering::Release,
    );
    Some(slot - 1)
}

/// What the lean poll path needs once it has entered: this thread's cells for the fn, the
/// thread's context to restore, and whether to time the poll.
pub(crate) struct Lean {
    pub(crate) cells: &'static [AtomicU64],
    pub(crate) saved: Marks,
    pub(crate) timed: bool,
}

/// Enters a poll of `meta` on the lean path (the process-wide recorder counts it and no
/// capture scope is active on this thread), with `region` the frame's last await point
/// entered; `None` leaves the poll to the full path.
#[inline(always)]
pub(crate) fn enter(meta: &'static FnMeta, region: u16) -> Option<Lean> {
    let timed = global::lean(meta)?;
    // A fn gets its slot when the recorder first counts it, which it does only for the fns it
    // selects (the selection is fixed at `init`): no slot yet, the full path decides.
    let number = match meta.slot.load(Ordering::Acquire) {
        0 => return None,
        number => number,
    };
    context::with(|ctx| {
        if ctx.mode() != Mode::Off {
            return None;
        }
        let cells = match ctx.last_cells() {
            (last, cells) if last == number => cells,
            _ => table_cells(ctx, number as usize - 1, meta)?,
        };
        Some(Lean {
            cells,
            saved: ctx.enter_counting(region),
            timed,
        })
    })
}

/// This thread's cells for `meta` from its table, remembered as the last used.
#[cold]
fn table_cells(ctx: &Ctx, slot: usize, meta: &'static FnMeta) -> Option<&'static [AtomicU64]> {
    let table = TABLE.get().or_else(acquire_table)?;
    let cells = table.cells(slot, meta);
    ctx.set_last_cells(slot as u32 + 1, cells);
    Some(cells)
}

/// This thread's cells for `meta`; `None` (and the transition counted as lost) when the fn
/// has no slot or the thread is tearing down.
fn cells(ctx: &Ctx, meta: &'static FnMeta) -> Option<&'static [AtomicU64]> {
    let cells = slot(meta).and_then(|slot| match ctx.last_cells() {
        (last, cells) if last as usize == slot + 1 => Some(cells),
        _ => table_cells(ctx, slot, meta),
    });
    if cells.is_none() {
        lose();
    }
    cells
}

#[cold]
fn lose() {
    registry().lost += 1;
}

/// Counts one poll that ended in `to`; `first` for an invocation's first poll.
#[inline(always)]
pub(crate) fn count_poll(cells: &[AtomicU64], first: bool, to: State, nanos: Option<u64>) {
    if first {
        bump(&cells[CALLS], 1);
    }
    if let Some(nanos) = nanos {
        bump(&cells[BUSY], nanos);
        bump(&cells[TIMED], 1);
    }
    let cell = match to {
        State::Await(i) => AWAITS + 2 * usize::from(i),
        State::Hidden => HIDDEN,
        State::Returned => RETURNED,
        State::Panicked => PANICKED,
        State::Start | State::Cancelled => return,
    };
    bump(&cells[cell], 1);
}

/// Counts one transition on this thread's table.
#[inline]
pub(crate) fn count(t: &Transition) {
    let Some(cells) = context::with(|ctx| cells(ctx, t.meta)) else {
        return;
    };
    if t.to == State::Cancelled {
        if let State::Await(i) = t.from {
            bump(&cells[AWAITS + 2 * usize::from(i) + 1], 1);
        }
        bump(&cells[CANCELLED], 1);
    } else {
        count_poll(cells, t.from == State::Start, t.to, t.nanos);
    }
}

/// Totals over every thread, live and exited: per fn, and transitions that could not be
/// counted.
pub(crate) fn totals() -> (Vec<FnStats>, u64) {
    let registry = registry();
    let mut stats: Vec<FnStats> = registry.fns.iter().map(|meta| FnStats::new(meta)).collect();
    let tables = registry
        .threads
        .iter()
        .map(|t| &**t)
        .chain([&registry.retired]);
    for table in tables {
        for (slot, fn_stats) in stats.iter_mut().enumerate() {
            if let Some(cells) = table.existing(slot) {
                add_cells(fn_stats, cells);
            }
        }
    }
    stats.retain(|s| s.calls > 0 || s.polls > 0 || s.cancelled > 0);
    (stats, registry.lost)
}

fn add_cells(stats: &mut FnStats, cells: &[AtomicU64]) {
    let get = |i: usize| cells[i].load(Ordering::Relaxed);
    let (returned, panicked, hidden) = (get(RETURNED), get(PANICKED), get(HIDDEN));
    stats.calls += get(CALLS);
    stats.returned += returned;
    stats.panicked += panicked;
    stats.cancelled += get(CANCELLED);
    stats.hidden += hidden;
    stats.polls += returned + panicked + hidden;
    if get(TIMED) > 0 {
        *stats.busy_nanos.get_or_insert(0) += get(BUSY);
    }
    for (i, a) in stats.awaits.iter_mut().enumerate() {
        let suspensions = get(AWAITS + 2 * i);
        stats.polls += suspensions;
        *a = AwaitStats {
            suspensions: a.suspensions + suspensions,
            cancellations: a.cancellations + get(AWAITS + 2 * i + 1),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{AwaitKind, AwaitMeta};

    static AWAITS: [AwaitMeta; 1] = [AwaitMeta::new(0, "0", 2, 5, "io()", AwaitKind::Await)];
    static META: FnMeta = FnMeta::new("churn", "tests", "t.rs", 1, &AWAITS, false);

    fn transition(from: State, to: State) -> Transition {
        Transition {
            meta: &META,
            call: 1,
            parent: 0,
            poll: 1,
            from,
            to,
            nanos: None,
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
