//! The summary when the process is told to stop: on SIGINT (Ctrl-C) or SIGTERM, a thread of
//! its own prints what the guard would have printed; then the process does what it would have
//! done without the recorder. Unix only; elsewhere nothing is installed.
//!
//! The handler is installed with `sigaction` (not for a signal the process ignores) and chains
//! to the one it replaced. It only stores
//! the signal's number in an atomic and writes one byte to a pipe (both async-signal-safe);
//! printing, which takes locks and allocates, runs on the thread that reads the pipe. After
//! the summary, the process dies by the signal's default action only when nobody else handles
//! it: the handler we replaced was the default one, and the handler in force now is still ours
//! (a handler installed later, tokio's or signal-hook's, replaced ours and runs its own
//! shutdown, ending with the summary at exit as usual).

#[cfg(unix)]
mod imp {
    use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};

    /// How long the summary may take once a signal came before a process that nobody else
    /// handles the signal for ends anyway: it may wait for a lock that a stuck thread holds,
    /// or for a stderr that nobody reads.
    const GRACE: std::time::Duration = std::time::Duration::from_secs(5);

    /// The signals watched, and for each the handler replaced: its address, and whether it
    /// takes three arguments (`SA_SIGINFO`). 0 is `SIG_DFL`.
    const WATCHED: [libc::c_int; 2] = [libc::SIGINT, libc::SIGTERM];
    static PREVIOUS: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];
    static PREVIOUS_INFO: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];
    /// The pipe's write end, -1 before it exists.
    static PIPE: AtomicI32 = AtomicI32::new(-1);

    extern "C" fn on_signal(
        signal: libc::c_int,
        info: *mut libc::siginfo_t,
        context: *mut libc::c_void,
    ) {
        let Some(slot) = WATCHED.iter().position(|&s| s == signal) else {
            return;
        };
        let fd = PIPE.load(Ordering::Acquire);
        if fd >= 0 {
            let byte = u8::try_from(signal).unwrap_or(0);
            // SAFETY: `write` is async-signal-safe; `byte` lives for the call; a full pipe or
            // any error only loses this wake-up (the thread already has one to read).
            let _ = unsafe { libc::write(fd, (&raw const byte).cast(), 1) };
        }
        let previous = PREVIOUS[slot].load(Ordering::Acquire);
        if previous == libc::SIG_DFL || previous == libc::SIG_IGN {
            return;
        }
        if PREVIOUS_INFO[slot].load(Ordering::Acquire) != 0 {
            // SAFETY: `previous` is the `sa_sigaction` that `sigaction` returned for this
            // signal with `SA_SIGINFO` set: a three-argument handler, called as the kernel
            // would have called it.
            let chained: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                unsafe { std::mem::transmute(previous) };
            chained(signal, info, context);
        } else {
            // SAFETY: `previous` is the one-argument `sa_handler` that `sigaction` returned
            // for this signal (no `SA_SIGINFO`), neither SIG_DFL nor SIG_IGN.
            let chained: extern "C" fn(libc::c_int) = unsafe { std::mem::transmute(previous) };
            chained(signal);
        }
    }

    /// The handler in force for `signal`, by a `sigaction` query.
    fn current(signal: libc::c_int) -> Option<libc::sigaction> {
        // SAFETY: a zeroed `sigaction` is a valid value to be overwritten; a null new action
        // makes this a query only.
        let mut now: libc::sigaction = unsafe { std::mem::zeroed() };
        let failed = unsafe { libc::sigaction(signal, std::ptr::null(), &mut now) } != 0;
        (!failed).then_some(now)
    }

    /// Whether, at this moment, nobody but us handles `slot`'s signal: the handler replaced
    /// was the default one and ours is still in force.
    fn ours_alone(slot: usize) -> bool {
        let ours = on_signal as *const () as usize;
        PREVIOUS[slot].load(Ordering::Acquire) == libc::SIG_DFL
            && current(WATCHED[slot]).is_some_and(|now| now.sa_sigaction == ours)
    }

    /// Ends the process as the signal would have: default action, then raised again.
    fn die(signal: libc::c_int) {
        // SAFETY: resetting a signal to its default action and raising it are plain calls
        // with valid arguments; the process then ends as the signal's default says.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
        std::process::exit(128 + signal);
    }

    pub(crate) fn install(end: impl FnOnce() + Send + 'static) -> Result<(), String> {
        let problem = |what: &str| format!("no summary on Ctrl-C or SIGTERM: {what}");
        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: `fds` has room for the two descriptors `pipe` writes.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            return Err(problem("no pipe to hear them"));
        }
        let [read_end, write_end] = fds;
        // SAFETY: `fcntl` on the two descriptors `pipe` just made: neither leaks into programs
        // the service runs, and the handler's write never blocks (a full pipe, once this
        // thread stopped reading, only loses wake-ups nobody waits for).
        unsafe {
            for fd in fds {
                libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
            }
            let flags = libc::fcntl(write_end, libc::F_GETFL);
            libc::fcntl(write_end, libc::F_SETFL, flags | libc::O_NONBLOCK);
        }
        PIPE.store(write_end, Ordering::Release);
        for (slot, &signal) in WATCHED.iter().enumerate() {
            // A signal the process was started ignoring (a shell's background job ignores
            // SIGINT) stays ignored: it stops nothing, so it prints nothing either.
            if current(signal).is_some_and(|now| now.sa_sigaction == libc::SIG_IGN) {
                continue;
            }
            // SAFETY: a zeroed `sigaction` is valid; the mask is emptied by sigemptyset; the
            // handler has the three-argument form that SA_SIGINFO announces and touches only
            // atomics, `write` and the chained handler.
            unsafe {
                let mut new: libc::sigaction = std::mem::zeroed();
                new.sa_sigaction = on_signal as *const () as usize;
                new.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART;
                libc::sigemptyset(&mut new.sa_mask);
                let mut old: libc::sigaction = std::mem::zeroed();
                if libc::sigaction(signal, &new, &mut old) != 0 {
                    return Err(problem("cannot watch them"));
                }
                let info = usize::from(old.sa_flags & libc::SA_SIGINFO != 0);
                PREVIOUS_INFO[slot].store(info, Ordering::Release);
                PREVIOUS[slot].store(old.sa_sigaction, Ordering::Release);
            }
        }
        std::thread::Builder::new()
            .name("traced-async-signals".to_owned())
            .spawn(move || {
                let mut byte = 0u8;
                // SAFETY: `byte` has room for the one byte read; `read_end` is our pipe's.
                let read = |b: &mut u8| unsafe { libc::read(read_end, (b as *mut u8).cast(), 1) };
                while read(&mut byte) != 1 {}
                let signal = libc::c_int::from(byte);
                let Some(slot) = WATCHED.iter().position(|&s| s == signal) else {
                    return;
                };
                let (done, ended) = std::sync::mpsc::channel::<()>();
                let _ = std::thread::Builder::new()
                    .name("traced-async-summary".to_owned())
                    .spawn(move || {
                        end();
                        let _ = done.send(());
                    });
                if !ours_alone(slot) {
                    // Somebody else's shutdown runs: nothing of ours ends the process.
                    return;
                }
                let _ = std::thread::Builder::new()
                    .name("traced-async-signal-grace".to_owned())
                    .spawn(move || {
                        let _ = ended.recv_timeout(GRACE);
                        die(signal);
                    });
                // A second signal while the summary is written: the user means it.
                while read(&mut byte) != 1 {}
                die(signal);
            })
            .map(|_| ())
            .map_err(|e| problem(&format!("no thread to watch them ({e})")))
    }
}

#[cfg(unix)]
pub(crate) use imp::install;

/// Signals are not watched outside Unix.
#[cfg(not(unix))]
pub(crate) fn install(_end: impl FnOnce() + Send + 'static) -> Result<(), String> {
    Ok(())
}
