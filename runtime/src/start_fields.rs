//! The traced body's first statement, for a fn with fields to show: when this poll's target
//! prints start lines (live output, a capture scope with pretty or JSON output, a `Runtime`
//! keeping a transcript), formats the fields and hands them to it with the invocation.
//! Otherwise it costs the activity switch's relaxed load and a branch (and under a capture scope
//! that shows no fields, a second load).

use std::fmt::Debug;

use crate::activity;
use crate::context;
use crate::fields::Fields;
use crate::meta::FnMeta;
use crate::record;

/// Whether anyone could print a start line now: someone records beyond counting (one relaxed
/// load), and it is live output or a capture scope that shows fields (a second load, only
/// past the first). Only then does the body call [`note`].
#[doc(hidden)]
#[inline(always)]
pub fn wanted() -> bool {
    activity::fields_maybe_shown()
}

/// Formats the values `values` gives (to the function it is handed) under `names` and hands
/// them to the target recording this invocation of `meta`, if it prints start lines. Cold and
/// out of line, and the values made inside it, so that the body's first statement is the check
/// and one call, and the body stays small enough to be inlined into its frame's poll.
#[doc(hidden)]
#[cold]
#[inline(never)]
pub fn note(
    meta: &'static FnMeta,
    names: &'static [&'static str],
    values: impl FnOnce(&mut dyn FnMut(&[Option<&dyn Debug>])),
) {
    // The frame polling this body made its invocation the thread's current one, if recorded.
    let call = context::current_call();
    if call == 0 {
        return;
    }
    record::with_target(meta, |target| {
        if !target.shows_fields() {
            return;
        }
        let mut fields = None;
        values(&mut |values| fields = Some(Fields::format(names, values)));
        if let Some(fields) = fields.filter(|f| !f.is_empty()) {
            target.fields(call, fields);
        }
    });
}
