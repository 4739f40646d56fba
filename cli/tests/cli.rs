//! The `traced-async` command on a real recording (`fixtures/sequential.jsonl`, the JSON lines
//! of `TRACED_ASYNC_FORMAT=json cargo run --example 02_sequential`) and on bad ones: truncated,
//! binary, mixed with pretty lines, empty, missing. It never panics; a bad line is named.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/sequential.jsonl"
);

fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("traced-async-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(args: &[&Path]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_traced-async"))
        .args(args)
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(101), "it panicked: {out:?}");
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn timeline(input: &Path, dir: &Path) -> (Output, PathBuf, PathBuf) {
    let (chrome, svg) = (dir.join("run.json"), dir.join("run.svg"));
    let out = run(&[
        Path::new("timeline"),
        input,
        Path::new("--chrome"),
        &chrome,
        Path::new("--svg"),
        &svg,
    ]);
    (out, chrome, svg)
}

fn slices(chrome: &Path) -> Vec<String> {
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(chrome).unwrap()).unwrap();
    doc["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["cat"] == "poll")
        .map(|e| e["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_recording_becomes_a_chrome_trace_an_svg_and_a_summary() {
    let dir = dir("good");
    let (out, chrome, svg) = timeline(Path::new(FIXTURE), &dir);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        slices(&chrome),
        [
            "page#1 start -> await#0",
            "fetch#2 start -> await#0",
            "page#1 await#0 -> await#1",
            "fetch#2 await#0 -> returned",
            "fetch#3 start -> await#0",
            "page#1 await#1 -> returned",
            "fetch#3 await#0 -> returned",
        ]
    );
    let picture = std::fs::read_to_string(&svg).unwrap();
    assert!(picture.contains("waiting at await#1 fetch(&quot;body&quot;, 20) :19"));
    assert!(picture.ends_with("</svg>\n"));

    let out = run(&[Path::new("summary"), Path::new(FIXTURE)]);
    assert!(out.status.success());
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("fetch  2 calls, 4 polls"), "{summary}");
    assert!(
        summary.contains("await#1    line 19   fetch(\"body\", 20)  suspended 1"),
        "{summary}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_line_is_named_and_the_lines_before_it_converted() {
    let dir = dir("bad");
    let good = std::fs::read_to_string(FIXTURE).unwrap();
    let lines: Vec<&str> = good.lines().collect();
    let cases = [
        // Truncated in the middle of line 5.
        (
            "truncated",
            format!("{}\n{}", lines[..4].join("\n"), &lines[4][..40]),
            5,
            4,
        ),
        // Binary.
        ("binary", "\u{0}\u{7f}ELF\u{1}\u{2}\n\u{3}".to_owned(), 1, 0),
        // Pretty lines after JSON ones.
        (
            "mixed",
            format!(
                "{}\n{}\n       0s  main       page#1   poll 1   start -> await#0\n{}",
                lines[0], lines[1], lines[2]
            ),
            3,
            2,
        ),
    ];
    for (name, text, line, before) in cases {
        let input = dir.join(format!("{name}.jsonl"));
        std::fs::write(&input, text).unwrap();
        let (out, chrome, svg) = timeline(&input, &dir);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(
            err.contains(&format!("{name}.jsonl:line {line}: ")),
            "{name}: {err}"
        );
        assert!(
            err.contains(&format!("converted the {before} transitions before it")),
            "{name}: {err}"
        );
        assert_eq!(slices(&chrome).len(), before, "{name}");
        assert!(std::fs::read_to_string(&svg).unwrap().ends_with("</svg>\n"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_or_empty_file_is_one_clear_message_and_status_2() {
    let dir = dir("missing");
    let empty = dir.join("empty.jsonl");
    std::fs::write(&empty, "\n  \n").unwrap();
    for (input, says) in [
        (dir.join("nope.jsonl"), "cannot read"),
        (empty, "is empty: there is nothing to convert"),
    ] {
        for command in ["timeline", "summary"] {
            let (out, _, _) = if command == "timeline" {
                timeline(&input, &dir)
            } else {
                (
                    run(&[Path::new("summary"), &input]),
                    dir.clone(),
                    dir.clone(),
                )
            };
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{err}");
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(
                err.starts_with("traced-async: ") && err.contains(says),
                "{err}"
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
