//! Tests only: `tests/opentelemetry.rs`, `#[traced_async]` spans through `tracing-opentelemetry`.
