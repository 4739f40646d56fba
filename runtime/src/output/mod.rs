//! Live output of transitions and the end-of-run summary, in the format `TRACED_ASYNC` picks:
//! `pretty` (the default), `json` or `off`; on stderr or in the file of `out=PATH`.

pub(crate) mod json;
pub(crate) mod place;
pub(crate) mod pretty;
pub(crate) mod stream;
mod totals;
pub(crate) mod tree;
pub(crate) mod units;
pub(crate) mod width;

use rustc_hash::FxHashMap;

use crate::fields::Fields;
use crate::state::State;
use crate::stats::FnStats;
use crate::transition::Transition;

use stream::Stream;
pub(crate) use totals::{NAME_COLUMNS, source, write_awaits, write_summary, write_waiting};

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned, indented, coloured lines for people, fitted to the terminal's width.
    Pretty,
    /// One JSON object per line, for programs: every transition, then the summary.
    Json,
    /// Nothing printed.
    Off,
}

/// Writes transitions as they happen. They wait, unformatted, until the scope's poll
/// ends, so that formatting and writing them is not counted in the polls' durations.
pub(crate) struct Output {
    format: Format,
    stream: Stream,
    pending: Vec<(Transition, usize)>,
    /// The fields of invocations (by number) whose start line is not written yet.
    fields: FxHashMap<u64, Fields>,
}

impl Output {
    /// `None` when `format` prints nothing.
    pub(crate) fn new(format: Format) -> Option<Output> {
        (format != Format::Off).then(|| Output {
            format,
            stream: Stream::new(),
            pending: Vec::new(),
            fields: FxHashMap::default(),
        })
    }

    pub(crate) fn transition(&mut self, t: &Transition, depth: usize) {
        self.pending.push((*t, depth));
    }

    /// Invocation `number` shows `fields` on its start line.
    pub(crate) fn fields(&mut self, number: u64, fields: Fields) {
        self.fields.insert(number, fields);
    }

    pub(crate) fn flush(&mut self) {
        let mut text = String::new();
        let width = self.stream.width();
        for (t, depth) in self.pending.drain(..) {
            let fields = if t.from() == State::Start {
                self.fields.remove(&t.call())
            } else {
                None
            };
            let fields = fields.as_ref();
            text.push_str(&match self.format {
                Format::Pretty => pretty::line(&t, depth, width, fields),
                Format::Json => json::line(&t, fields),
                Format::Off => continue,
            });
            text.push('\n');
        }
        self.stream.write(&text);
    }

    /// Ends the output: what is still buffered, then the summary of `functions` in the
    /// output's format.
    pub(crate) fn summary(mut self, functions: &[FnStats]) {
        self.flush();
        let mut text = String::new();
        match self.format {
            Format::Pretty => write_summary(&mut text, functions, self.stream.width()),
            Format::Json => json::write_summary(&mut text, functions),
            Format::Off => {}
        }
        self.stream.write(&text);
    }
}
