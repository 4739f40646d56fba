//! Live output of transitions and the end-of-run summary, in the format `TRACED_ASYNC_FORMAT`
//! picks: `pretty` (the default), `json` or `off`.

pub(crate) mod json;
pub(crate) mod pretty;
mod summary;

use std::io::{Stderr, Write};

use anstream::AutoStream;

use crate::trace::Trace;
use crate::transition::Transition;

pub(crate) use summary::{write_awaits, write_summary, write_waiting};

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned, indented, coloured lines for people.
    Pretty,
    /// One JSON object per transition per line, for programs.
    Json,
    /// Nothing printed.
    Off,
}

impl Format {
    /// Reads `TRACED_ASYNC_FORMAT` (`pretty`, `json` or `off`; unset means `pretty`).
    ///
    /// # Errors
    /// Returns the unknown value when it is none of the three.
    pub fn from_env() -> Result<Format, String> {
        match std::env::var("TRACED_ASYNC_FORMAT") {
            Err(_) => Ok(Format::Pretty),
            Ok(value) => match value.trim().to_ascii_lowercase().as_str() {
                "" | "pretty" => Ok(Format::Pretty),
                "json" => Ok(Format::Json),
                "off" | "none" => Ok(Format::Off),
                _ => Err(value),
            },
        }
    }
}

/// Writes transitions to stderr as they happen. They wait, unformatted, until the scope's poll
/// ends, so that formatting and writing them is not counted in the polls' durations.
pub(crate) struct Output {
    format: Format,
    stream: AutoStream<Stderr>,
    pending: Vec<(Transition, usize)>,
}

impl Output {
    /// `None` when `format` prints nothing.
    pub(crate) fn stderr(format: Format) -> Option<Output> {
        (format != Format::Off).then(|| Output {
            format,
            stream: AutoStream::auto(std::io::stderr()),
            pending: Vec::new(),
        })
    }

    pub(crate) fn transition(&mut self, t: &Transition, depth: usize) {
        self.pending.push((*t, depth));
    }

    pub(crate) fn flush(&mut self) {
        let mut text = String::new();
        for (t, depth) in self.pending.drain(..) {
            text.push_str(&match self.format {
                Format::Pretty => pretty::line(&t, depth),
                Format::Json => json::line(&t),
                Format::Off => continue,
            });
            text.push('\n');
        }
        self.write(&text);
    }

    pub(crate) fn summary(mut self, trace: &Trace) {
        self.flush();
        if self.format == Format::Pretty {
            let mut text = String::new();
            write_summary(&mut text, &trace.stats());
            self.write(&text);
        }
    }

    fn write(&mut self, text: &str) {
        if !text.is_empty() {
            // Output is best effort: a closed stderr must not change what the traced code does.
            let _ = self.stream.write_all(text.as_bytes());
        }
    }
}

/// `850ns`, `12.3µs`, `4.10ms`, `1.20s`.
pub(crate) fn human_nanos(nanos: u64) -> String {
    // Display only: the precision lost converting to f64 is far below what is shown.
    #[allow(clippy::cast_precision_loss)]
    let n = nanos as f64;
    match nanos {
        0..1_000 => format!("{nanos}ns"),
        1_000..1_000_000 => format!("{:.1}µs", n / 1e3),
        1_000_000..1_000_000_000 => format!("{:.2}ms", n / 1e6),
        _ => format!("{:.2}s", n / 1e9),
    }
}
