//! Tests of the `tracing` bridge only; see `tests/`.
