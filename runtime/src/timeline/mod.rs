//! Timelines of recorded runs: the model (lanes, nested polls, suspensions, wakes, anomalies)
//! and its writers, Chrome Trace Event JSON and SVG.

pub(crate) mod chrome;
pub(crate) mod fragments;
pub(crate) mod model;
pub(crate) mod svg;

pub use model::Timeline;
