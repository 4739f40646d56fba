//! Where a run's output goes: stderr (in the chosen format) and the transcript kept in memory,
//! which holds the same lines without colour.

use std::io::{Stderr, Write};

use anstream::AutoStream;

use crate::diagnostics::watch::Seen;
use crate::output::{Format, human_nanos, json, pretty};

pub(crate) struct Report {
    format: Format,
    stream: AutoStream<Stderr>,
    /// Durations measured on the real clock are left out (deterministic mode).
    hide_real: bool,
    /// `None` when the run keeps no transcript.
    transcript: Option<String>,
}

impl Report {
    pub(crate) fn new(format: Format, hide_real: bool, keep_transcript: bool) -> Self {
        Report {
            format,
            stream: AutoStream::auto(std::io::stderr()),
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
            self.write(&text);
        }
    }

    /// One transition, prefixed with the clock and the task it ran in.
    pub(crate) fn transition(&mut self, seen: &Seen, task: &str) {
        if !self.wants_lines() {
            return;
        }
        let mut t = seen.t;
        if self.hide_real {
            t.nanos = None;
        }
        let line = format!(
            "{:>9}  {task:<10} {}\n",
            time(seen.at),
            pretty::line(&t, seen.depth)
        );
        let plain = anstream::adapter::strip_str(&line).to_string();
        // Padding inside the colour codes leaves trailing spaces once they are stripped.
        if let Some(transcript) = &mut self.transcript {
            transcript.push_str(plain.trim_end());
            transcript.push('\n');
        }
        match self.format {
            Format::Pretty => self.write(&line),
            Format::Json => {
                let line = format!("{}\n", json::line(&t));
                self.write(&line);
            }
            Format::Off => {}
        }
    }

    pub(crate) fn transcript(&self) -> &str {
        self.transcript.as_deref().unwrap_or_default()
    }

    fn write(&mut self, text: &str) {
        // Output is best effort: a closed stderr must not change what the program does.
        let _ = self.stream.write_all(text.as_bytes());
    }
}

/// `0s`, `10.00ms`: the clock shown in front of each line.
pub(crate) fn time(nanos: u64) -> String {
    if nanos == 0 {
        "0s".to_owned()
    } else {
        human_nanos(nanos)
    }
}
