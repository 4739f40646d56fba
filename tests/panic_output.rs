//! When a traced future panics, every transition recorded before the panic is printed (the
//! callee's `returned`, the caller's `panicked`) before the panic propagates with its payload
//! unchanged: on `block_on` (pretty and JSON), `Captured` with live output, and `Runtime`. Each
//! case runs in a child process of this test, since the lines go to stderr.

use std::process::Command;

use traced_async::{Captured, Format, Mode, Runtime, traced_async};

const CHILD: &str = "TRACED_ASYNC_TEST_PANIC_CHILD";

#[traced_async]
async fn step() {
    traced_async::yield_now().await;
}

#[traced_async]
async fn boom() {
    step().await;
    panic!("the payload");
}

/// Runs `run` (which panics), checks the payload came through unchanged, and marks the point
/// after the panic propagated: every line must come before the mark.
fn expect_payload(run: impl FnOnce() + std::panic::UnwindSafe) {
    std::panic::set_hook(Box::new(|_| {}));
    let payload = std::panic::catch_unwind(run).expect_err("boom panics");
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"the payload"));
    eprintln!("PROPAGATED");
}

fn child(case: &str) {
    match case {
        "block_on" | "block_on_json" => expect_payload(|| traced_async::block_on(boom())),
        "captured" => expect_payload(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            rt.block_on(Captured::with(boom(), Mode::Count, Format::Pretty));
        }),
        "runtime" => expect_payload(|| {
            Runtime::builder()
                .deterministic(true)
                .summary(false)
                .build()
                .block_on(boom());
        }),
        other => panic!("unknown case {other}"),
    }
}

/// The child's stderr up to the point where the panic had propagated.
fn run_child(case: &str, format: &str) -> String {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "panic_output_keeps_every_transition",
            "--nocapture",
        ])
        .env(CHILD, case)
        .env("TRACED_ASYNC", format)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "child {case} failed:\n{stderr}");
    let (before, _) = stderr
        .split_once("PROPAGATED")
        .unwrap_or_else(|| panic!("child {case} never caught the panic:\n{stderr}"));
    before.to_owned()
}

/// The `(fn, from, to)` of each pretty line, in order.
fn pretty_transitions(text: &str) -> Vec<(String, String, String)> {
    text.lines()
        .filter_map(|line| {
            let (left, right) = line.split_once(" -> ")?;
            let from = left.split_whitespace().last()?;
            let to = right.split_whitespace().next()?;
            let call = left.split_whitespace().find(|w| w.contains('#'))?;
            let name = call.split('#').next()?;
            Some((name.to_owned(), from.to_owned(), to.to_owned()))
        })
        .collect()
}

fn owned(expected: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    expected
        .iter()
        .map(|(f, a, b)| ((*f).to_owned(), (*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn panic_output_keeps_every_transition() {
    if let Some(case) = std::env::var_os(CHILD) {
        child(case.to_str().unwrap());
        return;
    }
    let expected = owned(&[
        ("step", "start", "await#0"),
        ("boom", "start", "await#0"),
        ("step", "await#0", "returned"),
        ("boom", "await#0", "panicked"),
    ]);
    for case in ["block_on", "captured", "runtime"] {
        let text = run_child(case, "pretty");
        assert_eq!(pretty_transitions(&text), expected, "{case}:\n{text}");
    }

    let json = run_child("block_on_json", "json");
    let lines: Vec<serde_json::Value> = json
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let seen: Vec<(String, String, String)> = lines
        .iter()
        .map(|v| {
            let field = |k: &str| v[k].as_str().unwrap_or_default().to_owned();
            (field("fn"), field("from"), field("to"))
        })
        .collect();
    assert_eq!(seen, expected, "{json}");
}
