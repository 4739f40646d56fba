//! One recorded transition: the event every poll (and every drop mid-flight) produces.

use std::time::Duration;

use crate::meta::{AwaitMeta, FnMeta};
use crate::state::State;

/// One step of a traced invocation's state machine, recorded at the end of a poll (or when the
/// future is dropped while suspended).
#[derive(Debug, Clone, Copy)]
pub struct Transition {
    pub(crate) meta: &'static FnMeta,
    pub(crate) call: u64,
    pub(crate) parent: u64,
    pub(crate) poll: u32,
    pub(crate) from: State,
    pub(crate) to: State,
    pub(crate) nanos: Option<u64>,
}

impl Transition {
    /// The traced function.
    pub fn function(&self) -> &'static FnMeta {
        self.meta
    }

    /// The invocation: numbered from 1 in the order invocations started within one trace.
    pub fn call(&self) -> u64 {
        self.call
    }

    /// The invocation that was being polled when this one was first polled (the caller that
    /// awaited it), if it was a traced one; the same on every transition of the invocation.
    pub fn parent(&self) -> Option<u64> {
        (self.parent != 0).then_some(self.parent)
    }

    /// Which poll of the invocation this was, from 1, as the recorder saw it (a capture scope
    /// that starts while the invocation is in flight counts from its first poll inside the
    /// scope). A cancellation carries the count of polls made before the drop.
    pub fn poll(&self) -> u32 {
        self.poll
    }

    /// The state before the poll.
    pub fn from(&self) -> State {
        self.from
    }

    /// The state after the poll.
    pub fn to(&self) -> State {
        self.to
    }

    /// How long the poll took, when timing was on.
    pub fn duration(&self) -> Option<Duration> {
        self.nanos.map(Duration::from_nanos)
    }

    /// The await point the invocation is suspended at after this transition, if any.
    pub fn await_point(&self) -> Option<&'static AwaitMeta> {
        self.to.await_meta(self.meta)
    }

    /// The await point the invocation was suspended at before this transition, if any.
    pub fn resumed_from(&self) -> Option<&'static AwaitMeta> {
        self.from.await_meta(self.meta)
    }
}
