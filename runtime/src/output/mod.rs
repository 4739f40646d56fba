//! Live output of transitions and the end-of-run summary, in the format `TRACED_ASYNC_FORMAT`
//! picks: `pretty` (the default), `json` or `off`.

pub(crate) mod json;
pub(crate) mod place;
pub(crate) mod pretty;
mod totals;
pub(crate) mod tree;
pub(crate) mod units;

use crate::stats::FnStats;
use crate::transition::Transition;

pub(crate) use totals::{write_awaits, write_summary, write_waiting};
use units::ErrStream;

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
    stream: ErrStream,
    pending: Vec<(Transition, usize)>,
}

impl Output {
    /// `None` when `format` prints nothing.
    pub(crate) fn stderr(format: Format) -> Option<Output> {
        (format != Format::Off).then(|| Output {
            format,
            stream: ErrStream::new(),
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
        self.stream.write(&text);
    }

    /// Ends the output: what is still buffered, then the summary of `functions` (pretty only).
    pub(crate) fn summary(mut self, functions: &[FnStats]) {
        self.flush();
        if self.format == Format::Pretty {
            let mut text = String::new();
            write_summary(&mut text, functions);
            self.stream.write(&text);
        }
    }
}
