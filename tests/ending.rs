//! How a recording ends: the summary on Ctrl-C and SIGTERM (the process then dies by the
//! signal, as it would have), a guard inside a traced `main` that reports no bogus invocation,
//! and the any-executor example ending under the configuration its header suggests. Each in a
//! child process: the recorder is installed once per process and reads the environment.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use traced_async::traced_async;

const CHILD: &str = "TRACED_ASYNC_TEST_ENDING_CHILD";

#[traced_async]
async fn wait_for_job(job: tokio::sync::oneshot::Receiver<u32>) -> u32 {
    job.await.unwrap_or(0)
}

#[traced_async]
async fn fetch() -> u32 {
    traced_async::yield_now().await;
    7
}

/// `main` as a service writes it: traced, installing the recorder in its first poll.
#[traced_async]
async fn service_main() -> u32 {
    let guard = traced_async::init();
    // Suspended three times: its later polls would be counted from the middle.
    let got = fetch().await + fetch().await;
    drop(guard);
    got
}

/// The child: `signal` waits for a job forever (after saying READY once the recorder counts
/// the waiter), `main` runs [`service_main`].
#[test]
fn child() {
    let Ok(mode) = std::env::var(CHILD) else {
        return;
    };
    match mode.as_str() {
        "signal" => {
            let _guard = traced_async::init();
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .build()
                .unwrap();
            let (_never_sent, job) = tokio::sync::oneshot::channel();
            rt.spawn(wait_for_job(job));
            while traced_async::report()
                .function("wait_for_job")
                .is_none_or(|f| f.awaits()[0].waiting() < 1)
            {
                std::thread::sleep(Duration::from_millis(1));
            }
            println!("READY");
            loop {
                std::thread::park();
            }
        }
        #[cfg(unix)]
        "graceful" => {
            // A service with its own graceful shutdown on SIGINT, installed after `init()`.
            let guard = traced_async::init();
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                use tokio::signal::unix::{SignalKind, signal};
                let mut interrupt = signal(SignalKind::interrupt()).unwrap();
                let (_never_sent, job) = tokio::sync::oneshot::channel();
                tokio::spawn(wait_for_job(job));
                println!("READY");
                interrupt.recv().await;
                // The shutdown's work outlives the 5 s after which we would once have killed it.
                tokio::time::sleep(Duration::from_millis(5500)).await;
                eprintln!("SHUTDOWN DONE");
            });
            drop(rt);
            drop(guard);
            std::process::exit(7);
        }
        _ => {
            assert_eq!(futures::executor::block_on(service_main()), 14);
            eprintln!("STILL RUNNING");
        }
    }
}

/// Sends `signal` to `child` (no `kill` binary needed).
#[cfg(unix)]
fn send(child: &Child, signal: i32) {
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: `kill` takes any pid and signal number and only reports errors; `pid` is our
    // child's, not yet waited for, so it names no other process.
    assert_eq!(
        unsafe { libc::kill(pid, signal) },
        0,
        "kill({pid}, {signal})"
    );
}

fn spawn_child(mode: &str, config: &str) -> Child {
    spawn_child_ignoring(mode, config, false)
}

/// [`spawn_child`], with SIGINT ignored in the child when `ignore_sigint`, as a shell starts
/// a background job.
fn spawn_child_ignoring(mode: &str, config: &str, ignore_sigint: bool) -> Child {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env(CHILD, mode)
        .env("TRACED_ASYNC", config)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // The child starts as from a terminal: run from a shell's background job, these tests
    // inherit SIGINT ignored, and the recorder leaves an ignored signal ignored.
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: the closure runs in the forked child before `exec`, where only
        // async-signal-safe calls are allowed: `signal` is one, and it touches no memory of
        // the parent's.
        unsafe {
            command.pre_exec(move || {
                let action = if ignore_sigint {
                    libc::SIG_IGN
                } else {
                    libc::SIG_DFL
                };
                libc::signal(libc::SIGINT, action);
                Ok(())
            });
        }
    }
    command.spawn().unwrap()
}

/// Reads `child`'s stdout until it says it is ready (`what` names the case if it never does).
#[cfg(unix)]
fn wait_ready(child: &mut Child, what: &str) {
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let ready = stdout
        .lines()
        .map_while(Result::ok)
        .any(|line| line.ends_with("READY"));
    assert!(ready, "{what}: the child never got ready");
}

/// Waits for `child` at most `limit`; kills it and fails if it has not ended by then.
fn wait_at_most(
    mut child: Child,
    limit: Duration,
    what: &str,
) -> (std::process::ExitStatus, String) {
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status, stderr)
}

#[cfg(unix)]
#[test]
fn a_signal_prints_the_summary_then_ends_the_process_by_that_signal() {
    use std::os::unix::process::ExitStatusExt;
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    for (name, number) in [("INT", 2), ("TERM", 15)] {
        let mut child = spawn_child("signal", "all");
        wait_ready(&mut child, &format!("SIG{name}"));
        send(&child, number);
        let (status, stderr) = wait_at_most(child, Duration::from_secs(30), "the child");
        // Ended by the signal itself, as without the recorder: no exit code, that signal.
        assert_eq!(
            status.signal(),
            Some(number),
            "SIG{name}: {status:?}\n{stderr}"
        );
        for line in [
            "wait_for_job  1 call, 1 poll",
            "── where is everyone? ──",
            "wait_for_job  1 in flight",
            "  await#0    line 16   job  1 waiting",
        ] {
            assert!(
                stderr.contains(line),
                "SIG{name}: no `{line}` in:\n{stderr}"
            );
        }
    }
    // `no-signals`: the signal's default action alone, no summary.
    let mut child = spawn_child("signal", "all,no-signals");
    wait_ready(&mut child, "no-signals");
    send(&child, libc::SIGINT);
    let (status, stderr) = wait_at_most(child, Duration::from_secs(30), "the child");
    assert_eq!(status.signal(), Some(2), "{stderr}");
    assert!(!stderr.contains("wait_for_job"), "{stderr}");
}

/// A service started with SIGINT ignored (a shell's background job) keeps ignoring it: no
/// summary, no end; SIGTERM still prints the summary, once.
#[cfg(unix)]
#[test]
fn an_ignored_sigint_stays_ignored() {
    use std::os::unix::process::ExitStatusExt;
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let mut child = spawn_child_ignoring("signal", "all", true);
    wait_ready(&mut child, "SIGINT ignored");
    send(&child, libc::SIGINT);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        child.try_wait().unwrap().is_none(),
        "SIGINT ended the child"
    );
    send(&child, libc::SIGTERM);
    let (status, stderr) = wait_at_most(child, Duration::from_secs(30), "the child");
    assert_eq!(status.signal(), Some(15), "{status:?}\n{stderr}");
    assert_eq!(stderr.matches("── summary ──").count(), 1, "{stderr}");
}

/// A service whose own handler stops it on SIGINT: the summary prints at the signal, its
/// shutdown runs to the end and it exits with its own code.
#[cfg(unix)]
#[test]
fn a_signal_the_service_handles_itself_never_cuts_its_shutdown_short() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let mut child = spawn_child("graceful", "all");
    wait_ready(&mut child, "graceful");
    std::thread::sleep(Duration::from_millis(200));
    send(&child, libc::SIGINT);
    let (status, stderr) = wait_at_most(child, Duration::from_secs(30), "the child");
    assert_eq!(status.code(), Some(7), "{status:?}\n{stderr}");
    assert!(stderr.contains("SHUTDOWN DONE"), "{stderr}");
    assert!(stderr.contains("wait_for_job  1 in flight"), "{stderr}");
}

#[test]
fn a_guard_inside_a_traced_main_reports_no_bogus_invocation() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let child = spawn_child("main", "all");
    let (status, stderr) = wait_at_most(child, Duration::from_secs(30), "the child");
    assert!(status.success(), "{stderr}");
    // `fetch` ran after `init()`, from its first poll: counted. `service_main` was first
    // polled before there was a recorder: never counted, so never "in flight" at the end.
    assert!(stderr.contains("fetch  2 calls, 4 polls"), "{stderr}");
    for absent in ["service_main", "in flight", "await#?", "where is everyone"] {
        assert!(!stderr.contains(absent), "`{absent}` in:\n{stderr}");
    }
    assert!(stderr.contains("STILL RUNNING"), "{stderr}");
}

/// `TRACED_ASYNC=fetch,live cargo run --example any_executor`, the command the example's
/// header suggests, ends (it used to wait forever for `worker`s it was told not to trace).
#[test]
fn the_any_executor_example_ends_when_told_to_trace_only_fetch() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    // `cargo test` builds the examples; `cargo test --test ending` does not: build it then.
    let deps = std::env::current_exe().unwrap();
    let example = deps
        .parent()
        .unwrap()
        .with_file_name("examples")
        .join("any_executor");
    if !example.exists() {
        let built = Command::new(env!("CARGO"))
            .args(["build", "--example", "any_executor"])
            .status()
            .unwrap();
        assert!(built.success());
    }
    let child = Command::new(&example)
        .env("TRACED_ASYNC", "fetch,live")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (status, stderr) = wait_at_most(child, Duration::from_secs(60), "any_executor");
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("fetch  30 calls, 60 polls"), "{stderr}");
    assert!(!stderr.contains("worker"), "{stderr}");
}
