//! Per-thread counters of the process-wide recorder. Each thread writes only its own table, so
//! a count is a plain load and store (no atomic read-modify-write, no lock on the poll path);
//! a report reads every table. A thread's counts are folded into a shared table when it exits,
//! so thread churn neither loses counts nor grows memory.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use crate::meta::FnMeta;
use crate::state::State;
use crate::stats::{AwaitStats, FnStats};
use crate::transition::Transition;

const CHUNK: usize = 64;
const CHUNKS: usize = 64;
/// How many traced fns the recorder counts; transitions of further fns are counted as lost.
pub(crate) const MAX_FNS: usize = CHUNK * CHUNKS;

// Cells of a fn's counters, followed by two per await point (suspensions, cancellations).
const CALLS: usize = 0;
const POLLS: usize = 1;
const RETURNED: usize = 2;
const PANICKED: usize = 3;
const CANCELLED: usize = 4;
const HIDDEN: usize = 5;
const BUSY: usize = 6;
const TIMED: usize = 7;
const AWAITS: usize = 8;

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
#[inline]
fn bump(cell: &AtomicU64, n: u64) {
    cell.store(
        cell.load(Ordering::Relaxed).wrapping_add(n),
        Ordering::Relaxed,
    );
}

/// Every traced fn the recorder has seen, by slot, and every live thread's table.
struct Registry {
    fns: Vec<&'static FnMeta>,
    threads: Vec<Arc<Table>>,
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
            retired: Table::new(),
            lost: 0,
        })
    });
    // Counting never panics while holding the lock; recover anyway rather than lose reports.
    registry
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// This thread's table, registered on first use and retired when the thread exits.
struct Local(Arc<Table>);

impl Drop for Local {
    fn drop(&mut self) {
        let mut registry = registry();
        let fns = registry.fns.clone();
        for (slot, meta) in fns.iter().enumerate() {
            if let Some(cells) = self.0.existing(slot) {
                let retired = registry.retired.cells(slot, meta);
                for (to, from) in retired.iter().zip(cells) {
                    bump(to, from.load(Ordering::Relaxed));
                }
            }
        }
        registry.threads.retain(|t| !Arc::ptr_eq(t, &self.0));
    }
}

thread_local! {
    static LOCAL: Local = {
        let table = Arc::new(Table::new());
        registry().threads.push(Arc::clone(&table));
        Local(table)
    };
}

/// The fn's slot, registering it the first time.
#[inline]
fn slot(meta: &'static FnMeta) -> Option<usize> {
    let slot = meta.slot.load(Ordering::Acquire);
    if slot != 0 {
        return Some(slot as usize - 1);
    }
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

/// Counts one transition on this thread's table.
#[inline]
pub(crate) fn count(t: &Transition) {
    let Some(slot) = slot(t.meta) else { return };
    // During thread teardown the table may be gone; such a transition is counted as lost.
    let counted = LOCAL.try_with(|local| {
        let cells = local.0.cells(slot, t.meta);
        if t.from == State::Start {
            bump(&cells[CALLS], 1);
        }
        if let Some(nanos) = t.nanos {
            bump(&cells[BUSY], nanos);
            bump(&cells[TIMED], 1);
        }
        let cell = match t.to {
            State::Cancelled => {
                if let State::Await(i) = t.from {
                    bump(&cells[AWAITS + 2 * usize::from(i) + 1], 1);
                }
                bump(&cells[CANCELLED], 1);
                return;
            }
            State::Await(i) => AWAITS + 2 * usize::from(i),
            State::Hidden => HIDDEN,
            State::Returned => RETURNED,
            State::Panicked => PANICKED,
            State::Start => return,
        };
        bump(&cells[cell], 1);
        bump(&cells[POLLS], 1);
    });
    if counted.is_err() {
        registry().lost += 1;
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
    stats.calls += get(CALLS);
    stats.polls += get(POLLS);
    stats.returned += get(RETURNED);
    stats.panicked += get(PANICKED);
    stats.cancelled += get(CANCELLED);
    stats.hidden += get(HIDDEN);
    if get(TIMED) > 0 {
        *stats.busy_nanos.get_or_insert(0) += get(BUSY);
    }
    for (i, a) in stats.awaits.iter_mut().enumerate() {
        *a = AwaitStats {
            suspensions: a.suspensions + get(AWAITS + 2 * i),
            cancellations: a.cancellations + get(AWAITS + 2 * i + 1),
        };
    }
}
