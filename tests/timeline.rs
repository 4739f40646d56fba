//! Timelines: the Chrome trace of deterministic runs is byte-identical across runs and matches
//! `tests/transcripts/timeline_*.json`; every trace written (runtime, deterministic or real,
//! capture scopes) passes the validator below: it parses, slices nest strictly per track,
//! timestamps never go back on a track, every flow has both ends bound to slices, every name and
//! arg is present. The SVG is checked for its parts.
//!
//! To accept new files after an intended change: `BLESS=1 cargo test --test timeline`.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use futures::channel::oneshot;
use serde_json::Value;
use traced_async::{Format, Runtime, sleep, spawn_named, timeout, traced_async, yield_now};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn runtime() -> Runtime {
    Runtime::builder()
        .deterministic(true)
        .format(Format::Off)
        .summary(false)
        .blocking_threshold(ms(100))
        .build()
}

#[traced_async]
async fn fetch(name: &str, n: u64) -> String {
    sleep(ms(n)).await;
    format!("<{name}>")
}

#[traced_async]
async fn page() -> String {
    let header = fetch("header", 10).await;
    let body = fetch("body", 20).await;
    format!("{header}{body}")
}

#[traced_async]
async fn producer(tx: oneshot::Sender<u32>) {
    sleep(ms(5)).await;
    let _ = tx.send(7);
}

#[traced_async]
async fn consumer(rx: oneshot::Receiver<u32>) -> u32 {
    rx.await.unwrap_or(0)
}

#[traced_async]
async fn slow() -> u32 {
    sleep(ms(50)).await;
    1
}

#[traced_async]
async fn spinner() {
    for _ in 0..3 {
        yield_now().await;
    }
}

#[traced_async]
async fn stuck(rx: oneshot::Receiver<()>) {
    let _ = rx.await;
}

/// Every check of the list on one Chrome trace; returns the events.
fn validate(json: &str) -> Vec<Value> {
    // Half a ns, in µs: times are written in whole ns.
    validate_within(json, 0.0005)
}

/// [`validate`], with times compared within `eps` µs.
fn validate_within(json: &str, eps: f64) -> Vec<Value> {
    let doc: Value = serde_json::from_str(json).expect("the trace parses as JSON");
    let events = doc["traceEvents"].as_array().expect("traceEvents").clone();
    let mut named_tids = Vec::new();
    let mut last_ts: BTreeMap<u64, f64> = BTreeMap::new();
    let mut stacks: BTreeMap<u64, Vec<(f64, f64, String)>> = BTreeMap::new();
    let mut slices: BTreeMap<u64, Vec<(f64, f64)>> = BTreeMap::new();
    let mut flows: BTreeMap<u64, Vec<(String, u64, f64)>> = BTreeMap::new();
    for e in &events {
        let name = e["name"].as_str().expect("every event has a name");
        assert!(!name.is_empty(), "{e}");
        let ph = e["ph"].as_str().expect("ph");
        let tid = e["tid"].as_u64().expect("tid");
        assert_eq!(e["pid"], 1, "{e}");
        if ph == "M" {
            if name == "thread_name" {
                named_tids.push(tid);
            }
            continue;
        }
        assert!(named_tids.contains(&tid), "track {tid} has no name: {e}");
        let ts = e["ts"].as_f64().expect("ts");
        let last = last_ts.entry(tid).or_insert(f64::MIN);
        assert!(ts + eps >= *last, "time goes back on track {tid}: {e}");
        *last = ts;
        match ph {
            "X" => {
                let dur = e["dur"].as_f64().expect("dur");
                assert!(dur >= 0.0, "{e}");
                let end = ts + dur;
                let stack = stacks.entry(tid).or_default();
                while stack
                    .last()
                    .is_some_and(|(_, top_end, _)| *top_end <= ts + eps)
                {
                    stack.pop();
                }
                if let Some((_, top_end, top)) = stack.last() {
                    assert!(end <= top_end + eps, "`{name}` overlaps `{top}` on {tid}");
                }
                stack.push((ts, end, name.to_owned()));
                slices.entry(tid).or_default().push((ts, end));
                let args = e["args"].as_object().expect("args");
                let keys: &[&str] = match e["cat"].as_str().expect("cat") {
                    "poll" => &[
                        "fn", "module", "call", "parent", "poll", "from", "to", "file", "line",
                        "expr",
                    ],
                    "wait" => &["fn", "call", "await", "file", "line", "expr", "until"],
                    "task" => &[],
                    other => panic!("unknown category {other}"),
                };
                for key in keys {
                    assert!(args.contains_key(*key), "`{name}` has no arg {key}");
                }
            }
            "i" => assert!(e["args"]["message"].is_string(), "{e}"),
            "s" | "f" => flows
                .entry(e["id"].as_u64().expect("id"))
                .or_default()
                .push((ph.to_owned(), tid, ts)),
            other => panic!("unexpected phase {other}: {e}"),
        }
    }
    for (id, ends) in &flows {
        let mut phases: Vec<&str> = ends.iter().map(|(p, _, _)| p.as_str()).collect();
        phases.sort_unstable();
        assert_eq!(
            phases,
            ["f", "s"],
            "flow {id} has both ends, once each: {ends:?}"
        );
        for (_, tid, ts) in ends {
            let bound = slices
                .get(tid)
                .is_some_and(|s| s.iter().any(|(a, b)| *a <= ts + eps && *ts <= b + eps));
            assert!(bound, "flow {id} end at {ts} on {tid} binds to no slice");
        }
    }
    events
}

fn names(events: &[Value], ph: &str) -> Vec<String> {
    events
        .iter()
        .filter(|e| e["ph"] == ph)
        .map(|e| e["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Compares with the expected file, or writes it when `BLESS` is set.
fn check(name: &str, actual: &str) {
    let path = format!("{}/tests/transcripts/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e}; run with BLESS=1 to create it"));
    if let Some((i, (e, a))) = expected
        .lines()
        .zip(actual.lines())
        .enumerate()
        .find(|(_, (e, a))| e != a)
    {
        panic!(
            "{name} changed at line {}:\n  expected: {e}\n  actual:   {a}",
            i + 1
        );
    }
    assert_eq!(expected, actual, "{name} changed in length");
}

fn sequential_json() -> String {
    let rt = runtime();
    assert_eq!(rt.block_on(page()), "<header><body>");
    rt.timeline().chrome_json()
}

#[test]
fn deterministic_chrome_trace_is_byte_identical() {
    let first = sequential_json();
    assert_eq!(first, sequential_json(), "two runs, two files");
    check("timeline_sequential.json", &first);
    let events = validate(&first);
    let slices = names(&events, "X");
    for expected in [
        "main (1) poll 1",
        "page#1 start -> await#0",
        "fetch#2 start -> await#0",
        "page#1 await#0 -> await#1",
        "waiting at await#1 fetch(\"body\", 20) :39",
        "timer fired",
    ] {
        assert!(
            slices.iter().any(|s| s == expected),
            "{expected} in {slices:?}"
        );
    }
    let tracks: Vec<String> = events
        .iter()
        .filter(|e| e["name"] == "thread_name")
        .map(|e| e["args"]["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        tracks,
        [
            "main (1)",
            "  page#1 waits",
            "  fetch#2 waits",
            "  fetch#3 waits",
            "timers"
        ]
    );
    // The timers woke main twice.
    assert_eq!(names(&events, "s").len(), 2);
}

#[test]
fn wakes_between_tasks_are_flows() {
    let rt = runtime();
    let out = rt.block_on(async {
        let (tx, rx) = oneshot::channel();
        let c = spawn_named("consumer", consumer(rx));
        let _producer = spawn_named("producer", producer(tx));
        c.await
    });
    assert_eq!(out, 7);
    let timeline = rt.timeline();
    assert_eq!(
        timeline.lanes(),
        ["main (1)", "consumer (2)", "producer (3)", "timers"]
    );
    let events = validate(&timeline.chrome_json());
    // The producer's poll woke the consumer, whose end woke main.
    let by: Vec<&str> = events
        .iter()
        .filter(|e| e["cat"] == "task")
        .filter_map(|e| e["args"]["woken"].as_str())
        .collect();
    assert!(by.contains(&"by producer (3)"), "{by:?}");
    assert!(by.contains(&"by consumer (2)"), "{by:?}");
    assert!(by.contains(&"by a timer"), "{by:?}");
    assert!(timeline.wakes() >= 3);
}

#[test]
fn cancellations_and_anomalies_are_instants() {
    let rt = runtime();
    let out = rt.block_on(async { timeout(ms(10), slow()).await });
    assert!(out.is_err());
    let events = validate(&rt.timeline().chrome_json());
    assert!(
        names(&events, "i").contains(&"slow#1 cancelled at await#0".to_owned()),
        "{:?}",
        names(&events, "i")
    );
    let until: Vec<&str> = events
        .iter()
        .filter(|e| e["cat"] == "wait")
        .filter_map(|e| e["args"]["until"].as_str())
        .collect();
    // At 10 ms the task polls `slow` once more (still pending), then drops it.
    assert_eq!(until, ["resumed", "cancelled"]);

    let rt = runtime();
    let (_tx, rx) = oneshot::channel::<()>();
    assert!(rt.try_block_on(stuck(rx)).is_err());
    let events = validate(&rt.timeline().chrome_json());
    assert!(names(&events, "i").contains(&"deadlock".to_owned()));
    let until: Vec<&str> = events
        .iter()
        .filter(|e| e["cat"] == "wait")
        .filter_map(|e| e["args"]["until"].as_str())
        .collect();
    assert_eq!(
        until,
        ["cancelled"],
        "the deadlocked run's tasks are cancelled"
    );
}

#[test]
fn real_time_runs_and_capture_scopes_validate() {
    let rt = Runtime::builder()
        .format(Format::Off)
        .summary(false)
        .build();
    rt.block_on(async {
        let a = traced_async::spawn(page());
        spinner().await;
        a.await
    });
    let timeline = rt.timeline();
    assert_eq!(timeline.polls(), rt.trace().transitions().len());
    let json = timeline.chrome_json();
    assert!(json.contains("\"clock\":\"real\""));
    validate(&json);

    let (_, trace) = traced_async::capture(async {
        spinner().await;
        page_on_any().await
    });
    let events = validate(&trace.timeline().chrome_json());
    let tracks: Vec<&str> = events
        .iter()
        .filter(|e| e["name"] == "thread_name")
        .filter_map(|e| e["args"]["name"].as_str())
        .collect();
    assert!(tracks[0].starts_with("thread "), "{tracks:?}");
    // Polls nest: the callee's poll lies inside its caller's.
    let poll = |name: &str| {
        events
            .iter()
            .find(|e| e["name"] == name)
            .map(|e| {
                (
                    e["ts"].as_f64().unwrap(),
                    e["ts"].as_f64().unwrap() + e["dur"].as_f64().unwrap(),
                )
            })
            .unwrap_or_else(|| panic!("no slice {name}"))
    };
    let (outer, inner) = (
        poll("outer#2 start -> returned"),
        poll("inner#3 start -> returned"),
    );
    assert!(
        outer.0 <= inner.0 && inner.1 <= outer.1,
        "{outer:?} {inner:?}"
    );
}

#[traced_async]
async fn inner() -> u32 {
    futures::future::ready(1).await
}

#[traced_async]
async fn outer() -> u32 {
    inner().await + 1
}

async fn page_on_any() -> u32 {
    outer().await
}

#[test]
fn svg_has_lanes_bars_waits_arrows_axis_and_legend() {
    let rt = runtime();
    rt.block_on(async {
        let (tx, rx) = oneshot::channel();
        let c = spawn_named("consumer", consumer(rx));
        let _producer = spawn_named("producer", producer(tx));
        c.await;
        page().await
    });
    let svg = rt.timeline().svg();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(!svg.contains("<script"), "no script");
    assert!(!svg.contains("href"), "no external resource");
    for part in [
        ">main (1)</text>",
        ">consumer (2)</text>",
        "<title>page#3 start -&gt; await#0 (poll 1)\nat ",
        "waiting at await#1 fetch(&quot;body&quot;, 20) :39",
        "marker-end=\"url(#arrow)\"><title>wake: producer (3) woke consumer (2)</title>",
        ">10.00ms</text>",
        ">fetch</text>",
        "fill-opacity=\"0.25\"",
    ] {
        assert!(svg.contains(part), "{part} in\n{svg}");
    }
    assert_eq!(svg, rt.timeline().svg(), "the same picture twice");
}

#[test]
fn builder_writes_both_files_when_the_run_ends() {
    let dir = std::env::temp_dir().join(format!("traced-async-timeline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (json, svg) = (dir.join("run.json"), dir.join("run.svg"));
    let rt = Runtime::builder()
        .deterministic(true)
        .format(Format::Off)
        .summary(false)
        .chrome_trace_to(&json)
        .svg_to(&svg)
        .build();
    rt.block_on(page());
    validate(&std::fs::read_to_string(&json).unwrap());
    assert!(std::fs::read_to_string(&svg).unwrap().ends_with("</svg>\n"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Writes the picture of a run with several tasks for a person to look at, when asked.
#[test]
fn picture_for_a_person() {
    let Some(path) = std::env::var_os("TIMELINE_SVG_OUT") else {
        return;
    };
    let rt = runtime();
    rt.block_on(async {
        let (tx, rx) = oneshot::channel();
        let c = spawn_named("consumer", consumer(rx));
        let _producer = spawn_named("producer", producer(tx));
        c.await;
        page().await
    });
    std::fs::write(path, rt.timeline().svg()).unwrap();
}

#[traced_async]
async fn stream_inner(rx: tokio::sync::oneshot::Receiver<u32>) -> u32 {
    rx.await.unwrap_or(0)
}

#[traced_async]
async fn stream_outer(rx: tokio::sync::oneshot::Receiver<u32>) -> u32 {
    tokio::task::yield_now().await;
    stream_inner(rx).await + 1
}

const STREAM_CHILD: &str = "TRACED_ASYNC_TEST_TIMELINE_CHILD";

/// In a child process (the recorder is installed once per process): `TRACED_ASYNC` with
/// `timeline=path` streams from tokio's worker threads; the file is valid and complete when
/// the guard drops, and says how many events it lost.
#[test]
fn the_process_wide_recorder_streams_a_valid_timeline() {
    if std::env::var_os(STREAM_CHILD).is_some() {
        let guard = traced_async::init();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        let (senders, tasks): (Vec<_>, Vec<_>) = (0..8)
            .map(|_| {
                let (tx, rx) = tokio::sync::oneshot::channel();
                (tx, rt.spawn(stream_outer(rx)))
            })
            .unzip();
        for (n, tx) in (1..).zip(senders) {
            let _ = tx.send(n);
        }
        let sum: u32 = rt.block_on(async {
            let mut sum = 0;
            for task in tasks {
                sum += task.await.unwrap();
            }
            sum
        });
        assert_eq!(sum, 44);
        eprintln!("LOST {}", traced_async::report().timeline_lost());
        drop(guard);
        return;
    }
    let path =
        std::env::temp_dir().join(format!("traced-async-stream-{}.json", std::process::id()));
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "the_process_wide_recorder_streams_a_valid_timeline",
            "--nocapture",
        ])
        .env(STREAM_CHILD, "1")
        .env(
            "TRACED_ASYNC",
            format!("all,no-summary,timeline={}", path.display()),
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{stderr}");
    let json = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    // Real times converted from the TSC per poll: a callee may end 1 ns past its caller.
    let events = validate_within(&json, 0.0015);
    let doc: Value = serde_json::from_str(&json).unwrap();
    let lost = doc["otherData"]["lost"].as_u64().expect("lost is written");
    assert!(stderr.contains(&format!("LOST {lost}")), "{stderr}");
    let polls = names(&events, "X")
        .iter()
        .filter(|n| n.starts_with("stream_outer#"))
        .count() as u64;
    // Each outer: start -> await#0 (yield), await#0 -> await#1 or returned, ...
    assert!(polls + lost >= 16, "{polls} polls, {lost} lost");
    assert!(
        names(&events, "X")
            .iter()
            .any(|n| n.starts_with("waiting at await#0 tokio::task::yield_now() :"))
    );
}
