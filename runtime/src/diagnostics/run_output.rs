//! Where a run's output goes: stderr (in the chosen format, fitted to its width) and the
//! transcript kept in memory, which holds the same lines without colour, fitted to
//! [`width::DEFAULT`] columns whatever the terminal.

use crate::diagnostics::watch::Seen;
use crate::fields::Fields;
use crate::output::stream::Stream;
use crate::output::units::clock_time;
use crate::output::{Format, json, pretty, width};
use crate::stats::FnStats;

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
        self.keep(text);
        match self.format {
            Format::Pretty => {
                let mut text = pretty::event(text, self.stream.width());
                text.push('\n');
                self.stream.write(&text);
            }
            Format::Json => self.stream.write(&format!("{}\n", json::event(text))),
            Format::Off => {}
        }
    }

    /// An anomaly's report: an event line, or in JSON an `anomaly` line naming its kind and task.
    pub(crate) fn anomaly(&mut self, kind: &str, task: &str, text: &str) {
        if self.format == Format::Json {
            self.keep(text);
            let line = format!("{}\n", json::anomaly(kind, task, text.trim_end()));
            self.stream.write(&line);
        } else {
            self.event(text);
        }
    }

    /// The run's summary: its text, or in JSON the `fn` and `await` lines of `functions`.
    pub(crate) fn summary(&mut self, text: &str, functions: &[FnStats]) {
        if self.format == Format::Json {
            self.keep(text);
            // Deterministic mode hides real durations here too: the stream is the same each run.
            let hidden: Vec<FnStats>;
            let functions = if self.hide_real {
                hidden = functions
                    .iter()
                    .map(|f| FnStats {
                        busy_nanos: None,
                        ..f.clone()
                    })
                    .collect();
                &hidden
            } else {
                functions
            };
            let mut lines = String::new();
            json::write_summary(&mut lines, functions);
            self.stream.write(&lines);
        } else {
            self.event(text);
        }
    }

    /// A block of event lines into the transcript only.
    fn keep(&mut self, text: &str) {
        if let Some(transcript) = &mut self.transcript {
            transcript.push_str(&width::wrap(text.trim_end(), width::DEFAULT));
            transcript.push('\n');
        }
    }

    /// One transition, prefixed with the clock and the task it ran in; `fields` given for its
    /// invocation's start line.
    pub(crate) fn transition(&mut self, seen: &Seen, task: &str, fields: Option<&Fields>) {
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
            format!("{prefix}{}\n", pretty::line(&t, seen.depth, room, fields))
        };
        if let Some(transcript) = &mut self.transcript {
            let plain = anstream::adapter::strip_str(&line(width::DEFAULT)).to_string();
            transcript.push_str(plain.trim_end());
            transcript.push('\n');
        }
        match self.format {
            Format::Pretty => self.stream.write(&line(self.stream.width())),
            Format::Json => {
                let line = format!("{}\n", json::line(&t, fields));
                self.stream.write(&line);
            }
            Format::Off => {}
        }
    }

    pub(crate) fn transcript(&self) -> &str {
        self.transcript.as_deref().unwrap_or_default()
    }
}
