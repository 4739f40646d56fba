//! Fns that each raise one clippy lint (default groups and pedantic), compiled plain or with
//! `#[traced_async]` on every one (feature `traced`). tests/parity.rs compares what clippy
//! reports on the two builds.

#![cfg_attr(
    not(feature = "parity"),
    allow(clippy::all, clippy::pedantic, missing_docs, unused)
)]

pub mod lints;
