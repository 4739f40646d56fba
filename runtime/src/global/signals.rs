//! The summary when the process is told to stop: on SIGINT (Ctrl-C) or SIGTERM, a thread of
//! its own prints what the guard would have printed, then lets the signal's default action end
//! the process, so that it exits as it would have without the recorder (killed by that signal,
//! the status a shell or supervisor expects). Unix only; elsewhere nothing is installed.
//!
//! The signal handler itself only wakes the thread (signal-hook's self-pipe): printing, which
//! takes locks and allocates, never runs inside the handler.

/// Starts the thread that runs `end` when SIGINT or SIGTERM arrives, then ends the process by
/// that signal's default action. Returns a warning when the signals cannot be watched (the
/// process then behaves as it would without the recorder).
#[cfg(unix)]
pub(crate) fn install(end: impl FnOnce() + Send + 'static) -> Result<(), String> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::iterator::Signals;

    let mut signals = Signals::new([SIGINT, SIGTERM])
        .map_err(|e| format!("no summary on Ctrl-C or SIGTERM: cannot watch them ({e})"))?;
    std::thread::Builder::new()
        .name("traced-async-signals".to_owned())
        .spawn(move || {
            // One signal is enough: the process ends below.
            if let Some(signal) = signals.forever().next() {
                end();
                // Resets the signal to its default action and raises it again: the process
                // ends as the signal would have ended it. Should that fail (it does not for
                // these two signals), exit with the status a shell gives a killed process.
                if signal_hook::low_level::emulate_default_handler(signal).is_err() {
                    std::process::exit(128 + signal);
                }
            }
        })
        .map(|_| ())
        .map_err(|e| format!("no summary on Ctrl-C or SIGTERM: no thread to watch them ({e})"))
}

/// Signals are not watched outside Unix.
#[cfg(not(unix))]
pub(crate) fn install(_end: impl FnOnce() + Send + 'static) -> Result<(), String> {
    Ok(())
}
