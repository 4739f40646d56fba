//! Tests only: `tests/stacking.rs`, `#[traced_async]` stacked with other attributes.
