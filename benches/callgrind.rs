//! Fixed-iteration runs of the overhead bench's variants, for counting instructions with
//! `valgrind --tool=callgrind` (repeatable on a loaded machine, unlike wall-clock time).
//!
//! `cargo bench --bench callgrind --no-run`, then
//! `valgrind --tool=callgrind <binary> <variant> <workload> <runs>`, with `variant` one of
//! `Baseline`, `AsyncWrapper`, `RecorderOff`, `Counting`, `Timing`, `GlobalCounting`, and
//! `workload` `yield1000` or `calls100k`. Setup (first-use allocations, `init`) is in every
//! count: take the difference of two `runs` counts to get the cost of the extra runs.

#[path = "overhead/baseline.rs"]
mod baseline;
#[path = "overhead/drive.rs"]
mod drive;
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

use std::hint::black_box;

use crate::baseline::{AsyncWrapper, Baseline};
use crate::drive::run;
use crate::ours::{Counting, RecorderOff, Timing};
use crate::ours_global::{GlobalCounting, GlobalTiming};
use crate::variant::Variant;

/// Runs `workload` of `V` `runs` times.
fn runs<V: Variant>(workload: &str, runs: u64) {
    V::init();
    for _ in 0..runs {
        let out = match workload {
            "yield1000" => run(V::yield1000()),
            "calls100k" => run(V::calls100k()),
            other => panic!("unknown workload {other:?}: yield1000 or calls100k"),
        };
        black_box(out);
        V::settle();
    }
}

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
        "Counting" => runs::<Counting>(workload, count),
        "Timing" => runs::<Timing>(workload, count),
        "GlobalCounting" => runs::<GlobalCounting>(workload, count),
        "GlobalTiming" => runs::<GlobalTiming>(workload, count),
        other => panic!("unknown variant {other:?}"),
    }
}
