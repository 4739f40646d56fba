//! The test example in the README, as written there, so that it keeps compiling and passing.

use std::time::Duration;

use traced_async::{Format, Runtime, State, sleep, traced_async};

#[traced_async]
async fn fetch(name: &str, ms: u64) -> String {
    sleep(Duration::from_millis(ms)).await; // simulated IO
    format!("<{name}>")
}

#[traced_async]
async fn page() -> String {
    let header = fetch("header", 10).await;
    let body = fetch("body", 20).await;
    format!("{header}{body}")
}

#[test]
fn readme_test_example() {
    // README: begin
    let rt = Runtime::builder()
        .deterministic(true)
        .format(Format::Off)
        .summary(false)
        .build();
    assert_eq!(rt.block_on(page()), "<header><body>");
    assert_eq!(rt.elapsed(), Duration::from_millis(30)); // virtual time: 10 ms + 20 ms

    let trace = rt.trace();
    let fetch = trace.function("fetch"); // bare name, or a tail of the module path
    assert_eq!((fetch.calls(), fetch.polls()), (2, 4));
    let sleep = &fetch.await_points()[0];
    assert_eq!(sleep.expr(), "sleep(Duration::from_millis(ms))");
    assert_eq!(sleep.suspensions(), 2);
    let page = trace.function("page");
    let states: Vec<State> = page.transitions().map(|t| t.to()).collect();
    assert_eq!(states, [State::Await(0), State::Await(1), State::Returned]);
    // README: end
}
