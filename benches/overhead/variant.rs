//! What a variant (the baseline, ours in each mode, or a peer crate) provides to the benches.
//!
//! To add a variant: write a module with `crate::workload::workload!(#[its_attribute]);` (or no
//! attribute, when it wraps futures at the call site instead), a unit type implementing
//! [`Variant`], and add the type to the `variants!` list in `main.rs`.

use std::future::Future;

pub trait Variant {
    /// One-time, process-wide setup (a global subscriber or reporter). Runs before any bench.
    fn init() {}

    /// Finishes work the variant left on other threads (fastrace assembles spans on its own
    /// thread), so that it does not run during the next bench. Called after each bench, untimed.
    fn settle() {}

    /// Switches the variant's recording on before a run (`true`) and off after it (`false`):
    /// the process-wide recorder's switch, which the other variants measure with off. Set
    /// outside the polled future, so that a run pays it once: a wrapper future switching it
    /// would add a layer to every poll, which no user of the recorder pays.
    fn recording(_on: bool) {}

    /// One `yield1000` run, inside whatever per-run scope or root the variant records into.
    fn yield1000() -> impl Future<Output = u64>;

    /// One `calls100k` run, inside whatever per-run scope or root the variant records into.
    fn calls100k() -> impl Future<Output = u64>;

    /// `size_of_val` of the instrumented `yield1000` future and of one instrumented `leaf` call,
    /// without the per-run scope (that one is paid once per run, not per call).
    fn future_sizes() -> [usize; 2];
}
