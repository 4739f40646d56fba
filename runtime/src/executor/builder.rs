//! Options of a [`Runtime`](crate::Runtime), set through its builder.

use std::path::PathBuf;
use std::time::Duration;

use crate::executor::Runtime;
use crate::output::Format;

/// Everything the builder sets.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) deterministic: bool,
    pub(crate) format: Format,
    pub(crate) blocking_threshold: Duration,
    pub(crate) deadlock_timeout: Duration,
    pub(crate) summary: bool,
    pub(crate) dump_at_end: bool,
    pub(crate) state_diagrams: Option<PathBuf>,
    pub(crate) chrome_trace: Option<PathBuf>,
    pub(crate) svg: Option<PathBuf>,
    pub(crate) transcript: bool,
}

/// Builds a [`Runtime`]: `Runtime::builder().deterministic(true).build()`.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct RuntimeBuilder {
    options: Options,
}

impl RuntimeBuilder {
    pub(crate) fn new() -> Self {
        RuntimeBuilder {
            options: Options {
                deterministic: false,
                // Like `block_on`: `TRACED_ASYNC=off` silences a program without editing it.
                format: Format::from_env().unwrap_or(Format::Pretty),
                blocking_threshold: Duration::from_millis(5),
                deadlock_timeout: Duration::from_secs(1),
                summary: true,
                dump_at_end: false,
                state_diagrams: None,
                chrome_trace: None,
                // Like the format: `TRACED_ASYNC_SVG=run.svg` draws a program's runs unedited.
                svg: std::env::var_os("TRACED_ASYNC_SVG")
                    .filter(|p| !p.is_empty())
                    .map(PathBuf::from),
                transcript: true,
            },
        }
    }

    /// Deterministic mode: a virtual clock that starts at 0 and jumps to the next timer when
    /// every task waits on one, and real durations hidden from the output, so that the same
    /// program prints the same transcript on every run. Wakes are expected to come from inside
    /// the runtime (timers, other tasks), so a run with nothing runnable and no timer is a
    /// deadlock at once. Off by default.
    ///
    /// A poll that holds the thread longer than the [blocking
    /// threshold](Self::blocking_threshold) moves the virtual clock too, by its measured
    /// duration rounded down to whole thresholds (a 100.2 ms poll with a 50 ms threshold: 100
    /// ms), so the tasks it held up run later on the virtual clock as they would on a real one;
    /// the transcript stays the same as long as that duration stays within the same multiple.
    ///
    /// The runtime is deterministic; code it runs may not be: `futures::select!` polls its
    /// branches in a random order (use `select_biased!`), and so do other randomised combinators.
    pub fn deterministic(mut self, on: bool) -> Self {
        self.options.deterministic = on;
        self
    }

    /// How transitions are printed to stderr as they happen: by default what `TRACED_ASYNC`
    /// says ([`Format::from_env`]), or `Format::Pretty` when it names no format. The transcript kept in memory is the same whatever the format.
    pub fn format(mut self, format: Format) -> Self {
        self.options.format = format;
        self
    }

    /// A poll that holds the thread longer than this is reported as blocking (5 ms by default).
    pub fn blocking_threshold(mut self, threshold: Duration) -> Self {
        self.options.blocking_threshold = threshold;
        self
    }

    /// Outside deterministic mode, when nothing can run and no timer is set but some waker is
    /// still held (it might fire from another thread), how long to wait before calling it a
    /// deadlock (1 s by default).
    pub fn deadlock_timeout(mut self, timeout: Duration) -> Self {
        self.options.deadlock_timeout = timeout;
        self
    }

    /// Whether the summary is printed when a run ends (on by default).
    pub fn summary(mut self, on: bool) -> Self {
        self.options.summary = on;
        self
    }

    /// Whether the tree of tasks and await points is printed when the `block_on` future returns
    /// (off by default): the tasks still alive then are what the run goes on waiting for. (A run
    /// that cannot finish prints the tree anyway, in its deadlock report.)
    pub fn dump_at_end(mut self, on: bool) -> Self {
        self.options.dump_at_end = on;
        self
    }

    /// Writes a Mermaid state diagram of every traced fn to this file when a run ends.
    pub fn state_diagrams_to(mut self, path: impl Into<PathBuf>) -> Self {
        self.options.state_diagrams = Some(path.into());
        self
    }

    /// Writes the run's [`timeline`](Runtime::timeline) as Chrome Trace Event JSON to this file
    /// when a run ends (open it in ui.perfetto.dev or `chrome://tracing`).
    pub fn chrome_trace_to(mut self, path: impl Into<PathBuf>) -> Self {
        self.options.chrome_trace = Some(path.into());
        self
    }

    /// Writes the run's [`timeline`](Runtime::timeline) as a self-contained SVG picture to this
    /// file when a run ends. By default, the file `TRACED_ASYNC_SVG` names, if set. In either
    /// path (and in [`chrome_trace_to`](Self::chrome_trace_to)'s), `{n}` is replaced by the
    /// number of the file in the process, from 1, so that each run keeps its own.
    pub fn svg_to(mut self, path: impl Into<PathBuf>) -> Self {
        self.options.svg = Some(path.into());
        self
    }

    /// Whether the run keeps its [`transcript`](Runtime::transcript) in memory (on by default).
    /// Off, and with [`Format::Off`], a run formats no line at all: for runs of many tasks
    /// where only the counts, the summary or the diagnostics matter.
    pub fn transcript(mut self, on: bool) -> Self {
        self.options.transcript = on;
        self
    }

    /// Builds the runtime on the current thread.
    pub fn build(self) -> Runtime {
        Runtime::with_options(self.options)
    }
}
