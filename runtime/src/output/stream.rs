//! Where the output goes, best effort: stderr (coloured when it is a terminal and `NO_COLOR` is
//! unset), or the file `TRACED_ASYNC`'s `out=PATH` names, shared by every writer of the
//! process. A closed stderr or a full disk must not change what the traced program does.

use std::fs::File;
use std::io::{Stderr, Write};
use std::sync::{Mutex, OnceLock, PoisonError};

use anstream::AutoStream;

use crate::output::width;

/// The file every stream writes to instead of stderr, once set.
static FILE: OnceLock<Mutex<File>> = OnceLock::new();

/// From now on, streams write to `file` instead of stderr. Only the first call counts.
pub(crate) fn send_to(file: File) {
    let _ = FILE.set(Mutex::new(file));
}

/// A writer of output lines.
pub(crate) enum Stream {
    Stderr(AutoStream<Stderr>),
    /// The file of [`send_to`]; colour codes are left out.
    File(&'static Mutex<File>),
}

impl Stream {
    /// The process's output: the file of [`send_to`] if any, else stderr.
    pub(crate) fn new() -> Self {
        match FILE.get() {
            Some(file) => Stream::File(file),
            None => Stream::stderr(),
        }
    }

    /// Stderr, whatever the output's destination (warnings go there).
    pub(crate) fn stderr() -> Self {
        Stream::Stderr(AutoStream::auto(std::io::stderr()))
    }

    /// The columns text lines may take: a terminal's width, else [`width::DEFAULT`].
    pub(crate) fn width(&self) -> usize {
        match self {
            Stream::Stderr(_) => width::stderr(),
            Stream::File(_) => width::DEFAULT,
        }
    }

    /// Writes `text`, ignoring errors; nothing for empty text.
    pub(crate) fn write(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        match self {
            Stream::Stderr(stream) => {
                let _ = stream.write_all(text.as_bytes());
            }
            Stream::File(file) => {
                let plain = anstream::adapter::strip_str(text).to_string();
                let mut file = file.lock().unwrap_or_else(PoisonError::into_inner);
                let _ = file.write_all(plain.as_bytes());
            }
        }
    }

    /// Writes lines of text, each longer than [`width`](Self::width) wrapped at a space.
    pub(crate) fn write_wrapped(&mut self, text: &str) {
        let width = self.width();
        self.write(&width::wrap(text, width));
    }
}
