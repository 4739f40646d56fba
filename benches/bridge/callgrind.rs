//! Fixed-iteration runs of the bridge benches' variants, for counting instructions with
//! `valgrind --tool=callgrind`, as benches/callgrind.rs does for the overhead bench:
//! `PACKAGE=traced-async-bridge-benches BENCH=bridge_callgrind VARIANTS="Baseline
//! BridgeNoSubscriber InstrumentNoSubscriber BridgeCounting InstrumentCounting
//! InstrumentCountingEvents" benches/callgrind.sh` (one process per variant, so a variant
//! without a subscriber never sees the counting one).

#[path = "../overhead/baseline.rs"]
#[allow(dead_code)] // AsyncWrapper is the overhead bench's.
mod baseline;
#[path = "../overhead/drive.rs"]
mod drive;
#[path = "../overhead/fixed_runs.rs"]
mod fixed_runs;
#[allow(dead_code)] // counts: the divan bench prints them; here callgrind counts instructions.
mod subscriber;
#[path = "../overhead/variant.rs"]
#[allow(dead_code)] // future_sizes: the divan bench prints them.
mod variant;
mod variants;
#[path = "../overhead/workload.rs"]
mod workload;

use crate::baseline::Baseline;
use crate::fixed_runs::runs;
use crate::variants::{
    BridgeCounting, BridgeNoSubscriber, InstrumentCounting, InstrumentCountingEvents,
    InstrumentNoSubscriber,
};

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
        "InstrumentCountingEvents" => runs::<InstrumentCountingEvents>(workload, count),
        other => panic!("unknown variant {other:?}"),
    }
}
