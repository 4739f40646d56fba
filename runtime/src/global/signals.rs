//! The summary when the process is told to stop: on SIGINT (Ctrl-C) or SIGTERM, a thread of
//! its own prints what the guard would have printed, then lets the signal's default action end
//! the process, so that it exits as it would have without the recorder (killed by that signal,
//! the status a shell or supervisor expects). Unix only; elsewhere nothing is installed.
//!
//! The signal handler itself only wakes the thread (signal-hook's self-pipe): printing, which
//! takes locks and allocates, never runs inside the handler.

/// How long the summary may take once a signal came before the process ends anyway: it may
/// wait for a lock that a stuck thread holds, or for a stderr that nobody reads.
#[cfg(unix)]
const GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// Starts the thread that runs `end` when SIGINT or SIGTERM arrives, then ends the process by
/// that signal's default action: when `end` returns, at a second signal, or after [`GRACE`],
/// whichever comes first, so that tracing never keeps a process from stopping. Returns a
/// warning when the signals cannot be watched (the process then behaves as it would without
/// the recorder).
#[cfg(unix)]
pub(crate) fn install(end: impl FnOnce() + Send + 'static) -> Result<(), String> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::iterator::Signals;

    let mut signals = Signals::new([SIGINT, SIGTERM])
        .map_err(|e| format!("no summary on Ctrl-C or SIGTERM: cannot watch them ({e})"))?;
    std::thread::Builder::new()
        .name("traced-async-signals".to_owned())
        .spawn(move || {
            let Some(signal) = signals.forever().next() else {
                return;
            };
            let (done, ended) = std::sync::mpsc::channel::<()>();
            // The summary on a thread of its own, so that this one still hears a second signal.
            // Should no thread start, `done` is dropped and the wait below ends at once.
            let _ = std::thread::Builder::new()
                .name("traced-async-summary".to_owned())
                .spawn(move || {
                    end();
                    let _ = done.send(());
                });
            let _ = std::thread::Builder::new()
                .name("traced-async-signal-grace".to_owned())
                .spawn(move || {
                    let _ = ended.recv_timeout(GRACE);
                    die(signal);
                });
            // A second signal while the summary is written: the user means it.
            if signals.forever().next().is_some() {
                die(signal);
            }
        })
        .map(|_| ())
        .map_err(|e| format!("no summary on Ctrl-C or SIGTERM: no thread to watch them ({e})"))
}

/// Ends the process as `signal` would have: resets it to its default action and raises it
/// again. Should that fail (it does not for SIGINT and SIGTERM), exits with the status a shell
/// gives a process killed by it.
#[cfg(unix)]
fn die(signal: i32) {
    if signal_hook::low_level::emulate_default_handler(signal).is_err() {
        std::process::exit(128 + signal);
    }
}

/// Signals are not watched outside Unix.
#[cfg(not(unix))]
pub(crate) fn install(_end: impl FnOnce() + Send + 'static) -> Result<(), String> {
    Ok(())
}
