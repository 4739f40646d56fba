//! Pretty output fits 100 columns (the width used when stderr is not a terminal, and for every
//! transcript), however long the names and awaited expressions: long expressions are shortened
//! with an ellipsis, long names cut, long prose wrapped. JSON keeps everything whole.

use std::time::Duration;

use traced_async::{Format, Runtime, sleep, spawn_named, traced_async};

struct AnUncommonlyVerboseRepositoryTypeName;

impl AnUncommonlyVerboseRepositoryTypeName {
    #[traced_async]
    async fn load_every_record_in_the_table_and_then_some(&self, ms: u64) -> u64 {
        sleep(Duration::from_millis(ms)).await;
        ms
    }
}

#[traced_async]
async fn a_function_with_a_remarkably_long_name_that_nobody_would_ever_type() -> u64 {
    let repo = AnUncommonlyVerboseRepositoryTypeName;
    let first = futures::select_biased! {
        a = futures::FutureExt::fuse(repo.load_every_record_in_the_table_and_then_some(10)) => a,
        b = futures::FutureExt::fuse(repo.load_every_record_in_the_table_and_then_some(20)) => b,
    };
    let (x, y) = futures::join!(
        repo.load_every_record_in_the_table_and_then_some(first),
        repo.load_every_record_in_the_table_and_then_some(first + 5),
    );
    x + y
}

fn too_wide(text: &str) -> Vec<&str> {
    text.lines().filter(|l| l.chars().count() > 100).collect()
}

#[test]
fn every_line_fits_100_columns() {
    let rt = Runtime::builder()
        .deterministic(true)
        .format(Format::Off)
        .build();
    let out = rt.block_on(async {
        spawn_named(
            "a task whose name is also rather long",
            a_function_with_a_remarkably_long_name_that_nobody_would_ever_type(),
        )
        .await
    });
    assert_eq!(out, 25);
    let transcript = rt.transcript();
    assert!(too_wide(&transcript).is_empty(), "{transcript}");
    // The long expressions are there, shortened.
    assert!(transcript.contains("select_biased! { … }"), "{transcript}");
    assert!(transcript.contains("join!(…)"), "{transcript}");
    assert!(transcript.contains("…"), "{transcript}");

    let summary = rt.trace().summary().to_string();
    assert!(too_wide(&summary).is_empty(), "{summary}");
    assert!(summary.contains("tests/width.rs"), "{summary}");
}
