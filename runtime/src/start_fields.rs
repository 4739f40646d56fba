//! The traced body's first statement, for a fn with fields to show: when this poll's target
//! prints start lines (live output, a capture scope with pretty or JSON output, a `Runtime`
//! keeping a transcript), formats the fields and hands them to it with the invocation.
//! Otherwise it costs the activity switch's relaxed load and a branch.

use std::fmt::Debug;

use crate::activity::Activity;
use crate::context;
use crate::fields::Fields;
use crate::meta::FnMeta;
use crate::record;

/// Whether anyone could print a start line now: someone records beyond counting (one relaxed
/// load). Only then does the body call [`note`].
#[doc(hidden)]
#[inline(always)]
pub fn wanted() -> bool {
    Activity::now().is_full()
}

/// Formats `values` under `names` and hands them to the target recording this invocation of
/// `meta`, if it prints start lines. Out of line, so the body stays small.
#[doc(hidden)]
#[inline(never)]
pub fn note(meta: &'static FnMeta, names: &'static [&'static str], values: &[Option<&dyn Debug>]) {
    // The frame polling this body made its invocation the thread's current one, if recorded.
    let call = context::current_call();
    if call == 0 {
        return;
    }
    record::with_target(meta, |target| {
        if !target.shows_fields() {
            return;
        }
        let fields = Fields::format(names, values);
        if !fields.is_empty() {
            target.fields(call, fields);
        }
    });
}
