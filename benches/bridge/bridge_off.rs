//! The `tracing` bridge compiled in with no subscriber anywhere and no recorder, against
//! `#[tracing::instrument]` with no subscriber. Run with
//! `cargo bench -p traced-async-bridge-benches --bench bridge_off`; compare its rows with the
//! overhead bench's `RecorderOff` (the bridge compiled out), as `benches/bridge.sh` does.

#[path = "../overhead/baseline.rs"]
#[allow(dead_code)] // AsyncWrapper is the overhead bench's.
mod baseline;
mod divan_benches;
#[path = "../overhead/drive.rs"]
mod drive;
#[allow(dead_code)] // The counting subscriber is for the other bench: none is installed here.
mod subscriber;
#[path = "../overhead/variant.rs"]
#[allow(dead_code)] // settle: no variant here leaves work on other threads.
mod variant;
#[allow(dead_code)] // The counting variants are the other bench's.
mod variants;
#[path = "../overhead/workload.rs"]
mod workload;

use crate::baseline::Baseline;
use crate::variant::Variant;
use crate::variants::{BridgeNoSubscriber, InstrumentNoSubscriber};

divan_benches::divan_benches!(Baseline, BridgeNoSubscriber, InstrumentNoSubscriber);

fn main() {
    init_and_print_sizes();
    divan::main();
}
