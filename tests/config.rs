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
        "warning: TRACED_ASYNC: `1` ignored\n  it takes fn or module paths and all, live, json",
        "warning: TRACED_ASYNC: `fetch=debug`: no levels here (`debug` ignored); tracing `fetch`",
        // Traced anyway: the valid part was kept.
        "fetch  1 call, 2 polls",
        "warning: TRACED_ASYNC: `lve` matched no traced fn that ran",
        "STILL RUNNING",
    ] {
        assert!(stderr.contains(line), "no `{line}` in:\n{stderr}");
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
