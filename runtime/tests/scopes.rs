//! Capture scopes as the poll path enters them: each poll of a scope makes it the one recording
//! on the thread and puts back the one it found, so scopes nest, a scope that records nothing
//! hides the one around it, a panic leaves no scope behind, and a future moved from one scope
//! to another is recorded by whichever polls it.

use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use futures::executor::block_on;
use traced_async::{Captured, Format, Mode, State, Trace, traced_async};

/// The names of the fns with a transition in `trace`, in order of first transition.
fn names(trace: &Trace) -> Vec<&'static str> {
    let mut names = Vec::new();
    for t in trace.transitions() {
        let name = t.function().name();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

#[traced_async]
async fn inner() {
    traced_async::yield_now().await;
}

#[traced_async]
async fn outer() -> Trace {
    let ((), trace) = Captured::new(inner()).await;
    traced_async::yield_now().await;
    trace
}

#[test]
fn a_nested_scope_records_its_own_and_the_outer_one_goes_on() {
    let (inner_trace, outer_trace) = block_on(Captured::new(outer()));
    assert_eq!(names(&inner_trace), ["inner"]);
    assert_eq!(inner_trace.function("inner").polls(), 2);
    assert_eq!(names(&outer_trace), ["outer"]);
    // Before, between and after the inner scope's polls.
    assert_eq!(outer_trace.function("outer").polls(), 3);
    assert_eq!(outer_trace.function("outer").returned(), 1);
}

#[traced_async]
async fn hidden() {
    traced_async::yield_now().await;
}

#[traced_async]
async fn seen() {}

#[test]
fn a_scope_recording_nothing_hides_the_one_around_it() {
    let (((), hidden_trace), trace) = block_on(Captured::new(async {
        let silent = Captured::with(hidden(), Mode::Off, Format::Off).await;
        seen().await;
        silent
    }));
    assert!(hidden_trace.transitions().is_empty());
    assert_eq!(names(&trace), ["seen"]);
}

#[traced_async]
async fn boom() {
    traced_async::yield_now().await;
    panic!("boom");
}

#[traced_async]
async fn after_boom() {
    traced_async::yield_now().await;
}

#[traced_async]
async fn unscoped() {
    traced_async::yield_now().await;
}

#[test]
fn a_panic_inside_a_scope_leaves_the_one_around_it_recording_and_none_behind() {
    // Keeps a scope alive (unpolled) throughout, so that traced polls outside every scope still
    // look for one on their thread: none may be left there by the panicking polls.
    let bystander = Captured::new(unscoped());
    let ((), trace) = block_on(Captured::new(async {
        let caught = AssertUnwindSafe(Captured::new(boom())).catch_unwind().await;
        assert!(caught.is_err());
        after_boom().await;
    }));
    assert_eq!(names(&trace), ["after_boom"]);
    assert_eq!(trace.function("after_boom").returned(), 1);

    // A scope whose own poll panics, caught outside it.
    let caught = std::panic::catch_unwind(|| block_on(Captured::new(boom())));
    assert!(caught.is_err());
    // Polled outside every scope: recorded nowhere.
    block_on(unscoped());
    let ((), trace) = block_on(bystander);
    assert_eq!(names(&trace), ["unscoped"]);
    assert_eq!(trace.function("unscoped").calls(), 1);
}

#[traced_async]
async fn moved() -> u32 {
    traced_async::yield_now().await;
    7
}

#[test]
fn a_future_moved_to_another_scope_is_recorded_by_the_one_polling_it() {
    let mut future = Box::pin(moved());
    let (first, before) = block_on(Captured::new(async { futures::poll!(future.as_mut()) }));
    assert!(first.is_pending());
    let (out, after) = block_on(Captured::new(future));
    assert_eq!(out, 7);
    let before: Vec<(State, State, u32)> = before
        .transitions()
        .iter()
        .map(|t| (t.from(), t.to(), t.poll()))
        .collect();
    assert_eq!(before, [(State::Start, State::Await(0), 1)]);
    // Numbered by the second scope from its first poll there, which resumes the await point.
    let after: Vec<(u64, State, State, u32)> = after
        .transitions()
        .iter()
        .map(|t| (t.call(), t.from(), t.to(), t.poll()))
        .collect();
    assert_eq!(after, [(1, State::Await(0), State::Returned, 1)]);
}
