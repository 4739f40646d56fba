//! The test example in the README, as written there, so that it keeps compiling and passing,
//! and the tour of examples/README.md kept in step with the examples.

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

/// The examples that `Cargo.toml` builds only with a feature (`[[example]]` with
/// `required-features`): `examples/regenerate.sh` does not build them, so the tour leaves them
/// out and the README shows them (the OpenTelemetry one).
fn examples_behind_features() -> Vec<String> {
    let manifest = include_str!("../Cargo.toml");
    (manifest.split("\n[[example]]\n").skip(1))
        .map(|table| table.split("\n[").next().unwrap_or(table))
        .filter(|table| table.contains("\nrequired-features"))
        .filter_map(|table| {
            let line = table.lines().find(|line| line.starts_with("name = "))?;
            Some(
                line.trim_start_matches("name = ")
                    .trim_matches('"')
                    .to_owned(),
            )
        })
        .collect()
}

/// The tour in `examples/README.md` has a section for every example in `examples/` that builds
/// without a feature, with the example's code as it is in the file (`examples/regenerate.sh`
/// writes both code and output).
#[test]
fn the_tour_shows_every_example_as_written() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
    let tour = std::fs::read_to_string(format!("{dir}/README.md")).expect("examples/README.md");
    let behind_features = examples_behind_features();
    assert_eq!(
        behind_features,
        ["opentelemetry"],
        "examples behind features in Cargo.toml"
    );
    let mut examples = 0;
    for entry in std::fs::read_dir(dir).expect("examples/") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        examples += 1;
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a UTF-8 name");
        if behind_features.iter().any(|n| n == name) {
            continue;
        }
        let command = format!("\n`cargo run --example {name}`\n");
        let at = tour.find(&command).unwrap_or_else(|| {
            panic!("examples/README.md has no section for {name}: run examples/regenerate.sh")
        });
        let source = std::fs::read_to_string(&path).expect("the example's source");
        // The file without its `//!` header and the blank line after it.
        let code: String = source
            .lines()
            .skip_while(|line| line.starts_with("//!"))
            .skip(1)
            .map(|line| format!("{line}\n"))
            .collect();
        let section = &tour[at..];
        let shown = section.find(&format!("```rust\n{code}```\n"));
        let output = section.find("\nOutput");
        assert!(
            shown.is_some_and(|shown| output.is_some_and(|output| shown < output)),
            "examples/README.md's section for {name} does not show its code as in the file: \
             run examples/regenerate.sh"
        );
    }
    assert!(examples >= 3, "found only {examples} examples in {dir}");
}
