//! Fixed-iteration runs of the overhead bench's variants, for counting instructions with
//! `valgrind --tool=callgrind` (repeatable on a loaded machine, unlike wall-clock time).
//!
//! `cargo bench -p traced-async-benches --bench callgrind --no-run`, then
//! `valgrind --tool=callgrind <binary> <variant> <workload> <runs>`, with `variant` one of
//! `Baseline`, `AsyncWrapper`, `RecorderOff`, `ScopeOnly`, `Counting`, `Timing`,
//! `GlobalCounting`, `GlobalTiming`, `ClockReads`, `FloorCounting`, `FloorTiming`,
//! `FloorCapture` (benches/overhead/floor.rs), and `workload` `yield1000` or `calls100k`.
//! Add `--collect-atstart=no --toggle-collect=*measured_runs*` to count only the runs after a
//! warm-up one; `benches/callgrind.sh` does that for each variant and prints instructions per
//! poll or call.

#[path = "overhead/baseline.rs"]
mod baseline;
#[path = "overhead/clock_reads.rs"]
mod clock_reads;
#[path = "overhead/drive.rs"]
mod drive;
#[path = "overhead/fixed_runs.rs"]
mod fixed_runs;
#[path = "overhead/floor.rs"]
mod floor;
#[path = "overhead/ours.rs"]
#[allow(dead_code)]
mod ours;
#[path = "overhead/ours_global.rs"]
mod ours_global;
#[path = "overhead/variant.rs"]
#[allow(dead_code)]
mod variant;
#[path = "overhead/workload.rs"]
mod workload;

use crate::baseline::{AsyncWrapper, Baseline};
use crate::clock_reads::ClockReads;
use crate::fixed_runs::runs;
use crate::floor::{FloorCapture, FloorCounting, FloorTiming};
use crate::ours::{Counting, RecorderOff, ScopeOnly, Timing};
use crate::ours_global::{GlobalCounting, GlobalTiming};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [variant, workload, count] = args.as_slice() else {
        panic!("usage: callgrind <variant> <yield1000|calls100k> <runs>");
    };
    let count: u64 = count.parse().expect("runs: a number");
    match variant.as_str() {
        "Baseline" => runs::<Baseline>(workload, count),
        "AsyncWrapper" => runs::<AsyncWrapper>(workload, count),
        "RecorderOff" => runs::<RecorderOff>(workload, count),
        "ScopeOnly" => runs::<ScopeOnly>(workload, count),
        "Counting" => runs::<Counting>(workload, count),
        "Timing" => runs::<Timing>(workload, count),
        "GlobalCounting" => runs::<GlobalCounting>(workload, count),
        "GlobalTiming" => runs::<GlobalTiming>(workload, count),
        "ClockReads" => runs::<ClockReads>(workload, count),
        "FloorCounting" => runs::<FloorCounting>(workload, count),
        "FloorTiming" => runs::<FloorTiming>(workload, count),
        "FloorCapture" => runs::<FloorCapture>(workload, count),
        other => panic!("unknown variant {other:?}"),
    }
}
