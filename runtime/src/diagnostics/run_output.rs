//! Where a run's output goes: stderr (in the chosen format) and the transcript kept in memory,
//! which holds the same lines without colour.

use crate::diagnostics::watch::Seen;
use crate::output::units::{ErrStream, clock_time};
use crate::output::{Format, json, pretty};

/// A run's output: its lines on stderr and in the transcript.
pub(crate) struct RunOutput {
    format: Format,
    stream: ErrStream,
    /// Durations measured on the real clock are left out (deterministic mode).
    hide_real: bool,
    /// `None` when the run keeps no transcript.
    transcript: Option<String>,
}

impl RunOutput {
    pub(crate) fn new(format: Format, hide_real: bool, keep_transcript: bool) -> Self {
        RunOutput {
            format,
            stream: ErrStream::new(),
            hide_real,
            transcript: keep_transcript.then(String::new),
        }
    }

    /// Whether a line would go anywhere: when not, callers skip formatting it.
    pub(crate) fn wants_lines(&self) -> bool {
        self.transcript.is_some() || self.format != Format::Off
    }

    /// A line (or block of lines) of runtime events: spawns, clock jumps, diagnostics.
    pub(crate) fn event(&mut self, text: &str) {
        let mut text = text.trim_end().to_owned();
        text.push('\n');
        if let Some(transcript) = &mut self.transcript {
            transcript.push_str(&text);
        }
        if self.format == Format::Pretty {
            self.stream.write(&text);
        }
    }

    /// One transition, prefixed with the clock and the task it ran in.
    pub(crate) fn transition(&mut self, seen: &Seen, task: &str) {
        if !self.wants_lines() {
            return;
        }
        let t = if self.hide_real {
            seen.t.without_duration()
        } else {
            seen.t
        };
        let line = format!(
            "{:>9}  {task:<10} {}\n",
            clock_time(seen.at),
            pretty::line(&t, seen.depth)
        );
        let plain = anstream::adapter::strip_str(&line).to_string();
        // Padding inside the colour codes leaves trailing spaces once they are stripped.
        if let Some(transcript) = &mut self.transcript {
            transcript.push_str(plain.trim_end());
            transcript.push('\n');
        }
        match self.format {
            Format::Pretty => self.stream.write(&line),
            Format::Json => {
                let line = format!("{}\n", json::line(&t));
                self.stream.write(&line);
            }
            Format::Off => {}
        }
    }

    pub(crate) fn transcript(&self) -> &str {
        self.transcript.as_deref().unwrap_or_default()
    }
}
