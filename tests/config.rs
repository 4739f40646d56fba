//! A mistake in `TRACED_ASYNC` never stops the service: the process keeps running, each bad
//! word is warned about with what is accepted, the valid part is kept, and a fn name that
//! matched no traced fn is named when the guard drops. In a child process: the recorder is
//! installed once per process and reads the environment.

use std::process::Command;

use traced_async::traced_async;

const CHILD: &str = "TRACED_ASYNC_TEST_CONFIG_CHILD";

#[traced_async]
async fn fetch() -> u32 {
    traced_async::yield_now().await;
    7
}

fn run_child(config: &str) -> String {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "typos_warn_and_keep_the_valid_part",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .env("TRACED_ASYNC", config)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "TRACED_ASYNC={config}: child failed:\n{stderr}"
    );
    stderr
}

#[test]
fn typos_warn_and_keep_the_valid_part() {
    if std::env::var_os(CHILD).is_some() {
        // The strict reading returns the problems instead of warning.
        match traced_async::RecorderBuilder::try_from_env() {
            Ok(_) => eprintln!("STRICT: ok"),
            Err(e) => eprintln!("STRICT: {} problems: {}", e.problems().len(), e),
        }
        let guard = traced_async::init();
        assert_eq!(futures::executor::block_on(fetch()), 7);
        drop(guard);
        eprintln!("STILL RUNNING");
        return;
    }
    // `ALL` is `all`; `lve` is kept as a name but flagged; `1` is dropped; the level is dropped.
    let stderr = run_child("ALL;lve,1,fetch=debug");
    for line in [
        "warning: TRACED_ASYNC: `lve` is read as a fn or module name; did you mean `live`?",
        "warning: TRACED_ASYNC: `1` ignored (did you mean `all`?)\n  it takes fn or module paths \
         and all, *, off, none, live, pretty, json,\n  summary, no-summary, timing, no-timing, \
         signals, no-signals, out=PATH,\n  timeline=PATH, slow=2ms, watchdog=1s, sample=16",
        "warning: TRACED_ASYNC: `fetch=debug`: no levels here (`debug` ignored); tracing `fetch`",
        // Traced anyway: the valid part was kept.
        "fetch  1 call, 2 polls",
        "warning: TRACED_ASYNC: `lve` matched no traced fn that ran",
        "STILL RUNNING",
    ] {
        assert!(stderr.contains(line), "no `{line}` in:\n{stderr}");
    }
    // Each mistake of the issue, alone, as a user types it: the process keeps running and
    // says what it did with the word; valid spellings trace without a word.
    for (config, says) in [
        (
            "al",
            "`al` is read as a fn or module name; did you mean `all`?",
        ),
        (
            "all,lve",
            "`lve` is read as a fn or module name; did you mean `live`?",
        ),
        ("1", "`1` ignored (did you mean `all`?)"),
        (
            "render_report=debug",
            "no levels here (`debug` ignored); tracing `render_report`",
        ),
        (
            "fetch,tmeline=run.json",
            "`tmeline=run.json` ignored (did you mean `timeline=`?)",
        ),
        ("my-app", "`my-app` ignored (did you mean `my_app`?)"),
    ] {
        let stderr = run_child(config);
        assert!(
            stderr.contains(says),
            "TRACED_ASYNC={config}: no `{says}` in:\n{stderr}"
        );
        assert!(
            stderr.contains("STRICT: 1 problems: TRACED_ASYNC="),
            "{stderr}"
        );
        assert!(stderr.contains("STILL RUNNING"), "{stderr}");
    }
    // An output word alone names no fn for the recorder: it says so.
    let stderr = run_child("live");
    let says = "warning: TRACED_ASYNC: `live` names no fn to trace: the recorder traces nothing \
                (add `all`, or fn names)";
    assert!(stderr.contains(says), "{stderr}");
    assert!(!stderr.contains("fetch  1 call"), "{stderr}");
    assert!(stderr.contains("STILL RUNNING"), "{stderr}");
    for config in ["ALL", "all;live", "all live"] {
        let stderr = run_child(config);
        assert!(
            !stderr.contains("warning"),
            "TRACED_ASYNC={config}:\n{stderr}"
        );
        assert!(
            stderr.contains("STRICT: ok"),
            "TRACED_ASYNC={config}:\n{stderr}"
        );
        assert!(
            stderr.contains("fetch  1 call, 2 polls"),
            "{config}:\n{stderr}"
        );
    }
    // A misspelt fn name traces nothing, and says so at the end.
    let stderr = run_child("fecth");
    assert!(!stderr.contains("fetch  1 call"), "{stderr}");
    assert!(
        stderr.contains("`fecth` matched no traced fn that ran; did you mean `fetch`?"),
        "{stderr}"
    );
    assert!(stderr.contains("STILL RUNNING"), "{stderr}");
}

const MODE: &str = "TRACED_ASYNC_TEST_CONFIG_MODE";

/// Runs the child `one_variable_for_everything` with `env`; returns its stderr.
fn run_mode(mode: &str, env: &[(&str, &str)]) -> String {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", "one_variable_for_everything", "--nocapture"])
        .env(MODE, mode)
        .env("NO_COLOR", "1")
        .env_remove("TRACED_ASYNC")
        .env_remove("TRACED_ASYNC_FORMAT");
    for (key, value) in env {
        command.env(key, value);
    }
    let out = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{env:?}: child failed:\n{stderr}");
    stderr
}

/// The lines of `text` between the test harness's own (`running 1 test`, `test ... ok`).
fn child_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with("running ") && !l.starts_with("test "))
        .filter(|l| !l.starts_with("successes:") && !l.starts_with("    "))
        .collect()
}

fn parse_all(lines: &[&str]) -> Vec<serde_json::Value> {
    lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

#[test]
fn one_variable_for_everything() {
    if let Ok(mode) = std::env::var(MODE) {
        match mode.as_str() {
            // The process-wide recorder, on another executor.
            "recorder" => {
                let guard = traced_async::init();
                assert_eq!(futures::executor::block_on(fetch()), 7);
                drop(guard);
            }
            // A `Runtime` whose main task deadlocks after one traced call.
            "runtime" => {
                let rt = traced_async::Runtime::builder().deterministic(true).build();
                let (_keep, never) = futures::channel::oneshot::channel::<()>();
                let result = rt.try_block_on(async move {
                    assert_eq!(fetch().await, 7);
                    traced_async::spawn(async {}).await;
                    let _ = never.await;
                });
                assert!(result.is_err());
            }
            // A capture scope, twice (the deprecation warning comes once).
            _ => {
                assert_eq!(traced_async::block_on(fetch()), 7);
                assert_eq!(traced_async::block_on(fetch()), 7);
            }
        }
        return;
    }

    // `all,json`: every line the recorder writes is a JSON object with a `type`, its summary
    // included.
    let stderr = run_mode("recorder", &[("TRACED_ASYNC", "all,json")]);
    let lines = child_lines(&stderr);
    let objects = parse_all(&lines);
    let kinds: Vec<&str> = objects
        .iter()
        .map(|o| o["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["transition", "transition", "fn", "await"],
        "{stderr}"
    );
    assert_eq!(objects[2]["fn"], "fetch");
    assert_eq!(objects[2]["calls"], 1);
    assert_eq!(objects[2]["polls"], 2);
    assert_eq!(objects[3]["suspended"], 1);

    // `json` applies to the capture scopes too, and a bad word stays inside the JSON stream.
    let stderr = run_mode("scope", &[("TRACED_ASYNC", "json,lve")]);
    let objects = parse_all(&child_lines(&stderr));
    let kinds: Vec<&str> = objects
        .iter()
        .map(|o| o["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds[0], "warning", "{stderr}");
    assert_eq!(
        kinds.iter().filter(|k| **k == "transition").count(),
        4,
        "{stderr}"
    );
    assert_eq!(kinds.iter().filter(|k| **k == "fn").count(), 2, "{stderr}");

    // On `Runtime` too: its own lines are `event` lines, an anomaly an `anomaly` line, and its
    // summary `fn` and `await` lines, all JSON.
    let stderr = run_mode("runtime", &[("TRACED_ASYNC", "json")]);
    let objects = parse_all(&child_lines(&stderr));
    let kinds: Vec<&str> = objects
        .iter()
        .map(|o| o["type"].as_str().unwrap())
        .collect();
    for kind in ["event", "transition", "anomaly", "fn", "await"] {
        assert!(kinds.contains(&kind), "no {kind} line:\n{stderr}");
    }
    let anomaly = objects.iter().find(|o| o["type"] == "anomaly").unwrap();
    assert_eq!(anomaly["kind"], "deadlock", "{stderr}");
    assert_eq!(anomaly["task"], "main (1)", "{stderr}");
    let fetch = objects.iter().find(|o| o["type"] == "fn").unwrap();
    assert_eq!(
        (&fetch["fn"], &fetch["calls"]),
        (&"fetch".into(), &1.into()),
        "{stderr}"
    );
    // Deterministic: no real duration in the stream.
    assert!(fetch["busy_ns"].is_null(), "{stderr}");

    // `out=PATH`: the lines go to the file; nothing on stderr.
    let dir = std::env::temp_dir().join(format!("traced-async-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("trace.jsonl");
    let config = format!("all,json,out={}", path.display());
    let stderr = run_mode("recorder", &[("TRACED_ASYNC", &config)]);
    assert!(child_lines(&stderr).is_empty(), "{stderr}");
    let written = std::fs::read_to_string(&path).unwrap();
    let objects = parse_all(&written.lines().collect::<Vec<_>>());
    assert_eq!(objects.len(), 4, "{written}");
    std::fs::remove_dir_all(&dir).unwrap();

    // An unwritable path warns and falls back to stderr.
    let config = "all,json,out=/nonexistent-dir/trace.jsonl";
    let stderr = run_mode("recorder", &[("TRACED_ASYNC", config)]);
    let objects = parse_all(&child_lines(&stderr));
    let message = objects[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("TRACED_ASYNC: `out=/nonexistent-dir/trace.jsonl`: cannot write"),
        "{stderr}"
    );
    assert!(message.ends_with("; writing to stderr"), "{stderr}");
    assert_eq!(objects.len(), 5, "{stderr}");

    // `off` is a keyword: nothing printed by a scope, nothing traced by the recorder, and no
    // warning that a fn named `off` never ran.
    let stderr = run_mode("scope", &[("TRACED_ASYNC", "off")]);
    assert!(child_lines(&stderr).is_empty(), "{stderr}");
    let stderr = run_mode("recorder", &[("TRACED_ASYNC", "off")]);
    assert!(child_lines(&stderr).is_empty(), "{stderr}");

    // The old variable still works, warned about once (inside the JSON stream it selects).
    let stderr = run_mode("scope", &[("TRACED_ASYNC_FORMAT", "json")]);
    let objects = parse_all(&child_lines(&stderr));
    let warning = "TRACED_ASYNC: TRACED_ASYNC_FORMAT is deprecated: use TRACED_ASYNC=json";
    let warnings: Vec<_> = objects.iter().filter(|o| o["type"] == "warning").collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert_eq!(warnings[0]["message"], warning);
    assert_eq!(objects.len(), 9, "{stderr}");
    // And an unknown value is a warning, not a panic: the lines are pretty.
    let stderr = run_mode("scope", &[("TRACED_ASYNC_FORMAT", "yaml")]);
    assert!(stderr.contains("`yaml` is not a format"), "{stderr}");
    assert!(stderr.contains("fetch#1  "), "{stderr}");
}
