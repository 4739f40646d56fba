//! Fixed-iteration runs of a variant's workload, shared by the callgrind harnesses
//! (benches/callgrind.rs, benches/bridge/callgrind.rs): callgrind counts only the calls under
//! [`measured_runs`] (`--collect-atstart=no --toggle-collect=*measured_runs*`).

use std::hint::black_box;

use crate::drive::run_in;
use crate::variant::Variant;

/// Runs `workload` of `V` once to warm up (first-use allocations, the clock's calibration),
/// then `runs` times inside [`measured_runs`].
pub fn runs<V: Variant>(workload: &str, runs: u64) {
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
            "yield1000" => run_in::<V, _>(V::yield1000()),
            "calls100k" => run_in::<V, _>(V::calls100k()),
            other => panic!("unknown workload {other:?}: yield1000 or calls100k"),
        };
        black_box(out);
        V::settle();
    }
}
