//! Fixed-iteration runs of the bridge benches' variants, for counting instructions with
//! `valgrind --tool=callgrind`, as benches/callgrind.rs does for the overhead bench:
//! `PACKAGE=traced-async-bridge-benches BENCH=bridge_callgrind VARIANTS="Baseline
//! BridgeNoSubscriber InstrumentNoSubscriber BridgeCounting InstrumentCounting"
//! benches/callgrind.sh` (one process per variant, so a variant without a subscriber never
//! sees the counting one).

#[path = "../overhead/baseline.rs"]
#[allow(dead_code)] // AsyncWrapper is the overhead bench's.
mod baseline;
#[path = "../overhead/drive.rs"]
mod drive;
#[allow(dead_code)] // counts: the divan bench prints them; here callgrind counts instructions.
mod subscriber;
#[path = "../overhead/variant.rs"]
#[allow(dead_code)] // settle: no variant here leaves work on other threads.
mod variant;
mod variants;
#[path = "../overhead/workload.rs"]
mod workload;

use std::hint::black_box;

use crate::baseline::Baseline;
use crate::drive::run;
use crate::variant::Variant;
use crate::variants::{
    BridgeCounting, BridgeNoSubscriber, InstrumentCounting, InstrumentNoSubscriber,
};

/// Runs `workload` of `V` once to warm up, then `runs` times inside [`measured_runs`].
fn runs<V: Variant>(workload: &str, runs: u64) {
    V::init();
    measured::<V>(workload, 1);
    measured_runs::<V>(workload, runs);
}

/// The runs counted: pass `--collect-atstart=no --toggle-collect=*measured_runs*` to callgrind.
#[inline(never)]
fn measured_runs<V: Variant>(workload: &str, runs: u64) {
    measured::<V>(workload, runs);
}

fn measured<V: Variant>(workload: &str, runs: u64) {
    for _ in 0..runs {
        let out = match workload {
            "yield1000" => run(V::yield1000()),
            "calls100k" => run(V::calls100k()),
            other => panic!("unknown workload {other:?}: yield1000 or calls100k"),
        };
        black_box(out);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [variant, workload, count] = args.as_slice() else {
        panic!("usage: bridge_callgrind <variant> <yield1000|calls100k> <runs>");
    };
    let count: u64 = count.parse().expect("runs: a number");
    match variant.as_str() {
        "Baseline" => runs::<Baseline>(workload, count),
        "BridgeNoSubscriber" => runs::<BridgeNoSubscriber>(workload, count),
        "InstrumentNoSubscriber" => runs::<InstrumentNoSubscriber>(workload, count),
        "BridgeCounting" => runs::<BridgeCounting>(workload, count),
        "InstrumentCounting" => runs::<InstrumentCounting>(workload, count),
        other => panic!("unknown variant {other:?}"),
    }
}
