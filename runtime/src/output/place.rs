//! The one renderer of "state + await point": how every printer (the live lines, the dump, the
//! diagnostics, the state diagrams) names where an invocation is.

use crate::meta::{AwaitMeta, FnMeta};
use crate::output::width;
use crate::state::State;

/// The most columns an awaited expression takes inside a sentence (the tree, the diagnostics,
/// a diagram's label); longer ones are shortened with `…`.
const EXPR_COLUMNS: usize = 48;

/// A state of an invocation of `meta`, with the await point it is suspended at, if any.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    meta: &'static FnMeta,
    state: State,
    point: Option<&'static AwaitMeta>,
}

impl Place {
    pub(crate) fn of(meta: &'static FnMeta, state: State) -> Self {
        Place {
            meta,
            state,
            point: state.await_meta(meta),
        }
    }

    /// The await point, when suspended at one the fn has.
    pub(crate) fn point(&self) -> Option<&'static AwaitMeta> {
        self.point
    }

    /// `start`, `await#3`, `await#3.1`, `await#?`, `returned`, ...
    pub(crate) fn name(&self) -> String {
        self.state.name(self.meta)
    }

    /// `await#1 (line 12)`; other states by [`name`](Self::name).
    pub(crate) fn with_line(&self) -> String {
        match self.point {
            Some(p) => format!("await#{} (line {})", p.label(), p.line()),
            None => self.name(),
        }
    }

    /// `await#1 (line 12: sleep(10))`, the expression shortened past 48 columns; other states
    /// by [`name`](Self::name).
    pub(crate) fn with_source(&self) -> String {
        match self.point {
            Some(p) => format!("await#{} (line {}: {})", p.label(), p.line(), short(p)),
            None => self.name(),
        }
    }

    /// `await#1 line 12: sleep(10)`, a state diagram's label; other states by
    /// [`name`](Self::name).
    pub(crate) fn label(&self) -> String {
        match self.point {
            Some(p) => format!("await#{} line {}: {}", p.label(), p.line(), short(p)),
            None => self.name(),
        }
    }
}

fn short(point: &AwaitMeta) -> String {
    width::shorten(point.expr(), EXPR_COLUMNS)
}

/// Where an invocation in flight is, as the tree of who waits where says it:
/// `at await#1 (line 12: sleep(10))`, `starting (first poll in progress)`, ...
pub(crate) fn waiting(meta: &'static FnMeta, state: State) -> String {
    match state {
        State::Await(_) => format!("at {}", Place::of(meta, state).with_source()),
        State::Hidden => "at await#? (inside a macro the attribute cannot see into)".to_owned(),
        State::Start => "starting (first poll in progress)".to_owned(),
        other => other.to_string(),
    }
}

/// One end of the segment of code a poll ran, as the blocking-poll reports say it:
/// `await#1 (line 12)`, `the start (line 9)`, `the return`.
pub(crate) fn segment_end(meta: &'static FnMeta, state: State) -> String {
    match state {
        State::Start => format!("the start (line {})", meta.line()),
        State::Await(_) => Place::of(meta, state).with_line(),
        State::Returned => "the return".to_owned(),
        State::Panicked => "the panic".to_owned(),
        State::Hidden => "await#? (inside a macro)".to_owned(),
        State::Cancelled => "the drop".to_owned(),
    }
}
