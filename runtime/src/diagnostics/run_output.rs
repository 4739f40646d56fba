//! Where a run's output goes: stderr (in the chosen format, fitted to its width) and the
//! transcript kept in memory, which holds the same lines without colour, fitted to
//! [`width::DEFAULT`] columns whatever the terminal.

use crate::diagnostics::watch::Seen;
use crate::output::stream::Stream;
use crate::output::units::clock_time;
use crate::output::{Format, json, pretty, width};

/// A run's output: its lines on stderr and in the transcript.
pub(crate) struct RunOutput {
    format: Format,
    stream: Stream,
    /// Durations measured on the real clock are left out (deterministic mode).
    hide_real: bool,
    /// `None` when the run keeps no transcript.
    transcript: Option<String>,
}

impl RunOutput {
    pub(crate) fn new(format: Format, hide_real: bool, keep_transcript: bool) -> Self {
        RunOutput {
            format,
            stream: Stream::new(),
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
        let text = text.trim_end();
        if let Some(transcript) = &mut self.transcript {
            transcript.push_str(&width::wrap(text, width::DEFAULT));
            transcript.push('\n');
        }
        if self.format == Format::Pretty {
            let mut text = pretty::event(text, self.stream.width());
            text.push('\n');
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
        let clock = clock_time(seen.at);
        // `  10.00ms  main     `: the clock and the task, then the transition in what is left.
        let task = width::cut(task, 12);
        let line = |columns: usize| {
            let prefix = format!("{clock:>8}  {task:<8} ");
            let room = columns.saturating_sub(prefix.chars().count());
            format!("{prefix}{}\n", pretty::line(&t, seen.depth, room))
        };
        if let Some(transcript) = &mut self.transcript {
            let plain = anstream::adapter::strip_str(&line(width::DEFAULT)).to_string();
            transcript.push_str(plain.trim_end());
            transcript.push('\n');
        }
        match self.format {
            Format::Pretty => self.stream.write(&line(self.stream.width())),
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
