//! The sink boundary: every consumer of events (a capture scope's collector, the process-wide
//! counters, the live stream, and any exporter after them) implements [`Sink`], so a new
//! consumer is one new file. The lean counting path does not come through here: it bumps its
//! counter cells directly.

use crate::event::Event;
use crate::fields::Fields;
use crate::marks::Pended;
use crate::meta::FnMeta;

/// A consumer of the events of traced polls.
pub(crate) trait Sink {
    /// Invocation `call` (process-wide id) of `meta` starts its first recorded poll, awaited by
    /// invocation `parent` (0 for none): a sink that numbers invocations numbers it now, so
    /// that callers number before callees.
    fn begin(&mut self, meta: &'static FnMeta, call: u64, parent: u64);

    /// One poll (or a drop mid-flight) ended.
    fn record(&mut self, event: &Event);

    /// The await points of `meta` in `points` each returned `Pending` in a poll that several
    /// did: the poll's event (which follows) names the whole `join!`/`select!` call, these
    /// count as suspended too. Sinks that keep no totals ignore it.
    fn pended(&mut self, _meta: &'static FnMeta, _points: Pended) {}

    /// Invocation `call`, begun already, has these fields to show on its start line (only
    /// asked of a target that prints start lines). Sinks that print nothing ignore them.
    fn fields(&mut self, _call: u64, _fields: Fields) {}
}
