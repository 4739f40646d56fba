//! The sink boundary: every consumer of events (a capture scope's collector, the process-wide
//! counters, the live stream, and any exporter after them) implements [`Sink`], so a new
//! consumer is one new file. The lean counting path does not come through here: it bumps its
//! counter cells directly.

use crate::event::Event;
use crate::meta::FnMeta;

/// A consumer of the events of traced polls.
pub(crate) trait Sink {
    /// Invocation `call` (process-wide id) of `meta` starts its first recorded poll, awaited by
    /// invocation `parent` (0 for none): a sink that numbers invocations numbers it now, so
    /// that callers number before callees.
    fn begin(&mut self, meta: &'static FnMeta, call: u64, parent: u64);

    /// One poll (or a drop mid-flight) ended.
    fn record(&mut self, event: &Event);
}
