//! The `tracing` bridge against `#[tracing::instrument]`, both recording into the same global
//! subscriber (a `Registry` with a counting layer), in one run. Run with
//! `cargo bench -p traced-async-bridge-benches --bench bridge`; `benches/bridge.sh` runs it with
//! the other bridge bench and the overhead bench's reference rows, and BENCHMARKS.md ("The
//! tracing bridge") says how to read them.

#[path = "../overhead/baseline.rs"]
#[allow(dead_code)] // AsyncWrapper is the overhead bench's.
mod baseline;
mod divan_benches;
#[path = "../overhead/drive.rs"]
mod drive;
mod subscriber;
#[path = "../overhead/variant.rs"]
#[allow(dead_code)] // settle: no variant here leaves work on other threads.
mod variant;
mod variants;
#[path = "../overhead/workload.rs"]
mod workload;

use crate::baseline::Baseline;
use crate::drive::run;
use crate::variant::Variant;
use crate::variants::{BridgeCounting, InstrumentCounting, InstrumentCountingEvents};

divan_benches::divan_benches!(
    Baseline,
    BridgeCounting,
    InstrumentCounting,
    InstrumentCountingEvents
);

/// Prints what one run of each workload delivers to the subscriber, counted by its layer: the
/// bridge's spans and its events (one per suspension) against `#[instrument]`'s spans.
fn print_counts<V: Variant>(name: &str) {
    println!("{name}");
    for (workload, future) in [
        (
            "yield1000",
            Box::pin(V::yield1000()) as std::pin::Pin<Box<dyn Future<Output = u64>>>,
        ),
        ("calls100k", Box::pin(V::calls100k())),
    ] {
        let before = subscriber::counts();
        run(future);
        let after = subscriber::counts();
        let [spans, enters, events, closes] = [0, 1, 2, 3].map(|i| after[i] - before[i]);
        println!("  {workload}: {spans} spans, {enters} enters, {events} events, {closes} closed");
    }
}

fn main() {
    init_and_print_sizes();
    println!("per run, as the counting layer saw it:");
    print_counts::<BridgeCounting>("BridgeCounting");
    print_counts::<InstrumentCounting>("InstrumentCounting");
    print_counts::<InstrumentCountingEvents>("InstrumentCountingEvents");
    println!();
    divan::main();
}
