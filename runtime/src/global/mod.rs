//! The process-wide recorder, for traced futures running on any executor (tokio, smol,
//! `futures`' thread pool): installed once by [`init`] or a [`RecorderBuilder`], configured like
//! `RUST_LOG` through `TRACED_ASYNC`. Counting takes no lock (see `counters`); live output
//! goes through one lock, as writing lines to stderr would anyway.

pub(crate) mod ages;
pub(crate) mod config;
pub(crate) mod counters;
pub(crate) mod full_poll;
pub(crate) mod in_flight;
pub(crate) mod in_progress;
mod live;
mod signals;
pub(crate) mod slow;
mod timeline;
mod watchdog;

use std::fmt;
use std::sync::OnceLock;

use crate::activity::{self, Activity, Global, Mode};
use crate::clock;
use crate::collector::Collector;
use crate::event::Event;
use crate::fields::Fields;
use crate::invocations::Live;
use crate::marks::Pended;
use crate::meta::{self, FnMeta};
use crate::output::stream::Stream;
use crate::output::{self, Format, Output, json, width};
use crate::sink::Sink;
use crate::stats::FnStats;

use config::Config;
use counters::Counters;
use in_flight::Ages;
pub use in_flight::InvocationInFlight;
pub use in_progress::PollInProgress;
use live::LiveStream;
pub use slow::SlowPolls;
use timeline::TimelineStream;

static CONFIG: OnceLock<Config> = OnceLock::new();

/// The recording mode for `meta` under the process-wide recorder.
#[inline(always)]
pub(crate) fn mode(meta: &'static FnMeta) -> Mode {
    // Recording or paused is in the activity switch; the mode, fixed at `init`, in the config.
    if Activity::now().global() == Global::Off {
        return Mode::Off;
    }
    match CONFIG.get() {
        Some(config) if meta.is_selected(selects) => config.mode(),
        _ => Mode::Off,
    }
}

/// Asked once per traced fn polled while the recorder records (the answer is kept in its
/// metadata); the fns asked about are kept, so a filter that matched none can be named at the
/// end with the nearest name that ran.
fn selects(meta: &'static FnMeta) -> bool {
    SEEN.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(meta);
    CONFIG.get().is_some_and(|c| c.selects(meta))
}

/// Every traced fn [`selects`] was asked about.
static SEEN: std::sync::Mutex<Vec<&'static FnMeta>> = std::sync::Mutex::new(Vec::new());

/// The process-wide recorder as a sink: its counters, then its live stream when that is on.
pub(crate) struct Recorder;

impl Sink for Recorder {
    #[inline]
    fn begin(&mut self, meta: &'static FnMeta, call: u64, parent: u64) {
        Counters.begin(meta, call, parent);
        if live::is_on() {
            LiveStream.begin(meta, call, parent);
        }
        if timeline::is_on() {
            TimelineStream.begin(meta, call, parent);
        }
    }

    #[inline]
    fn record(&mut self, event: &Event) {
        Counters.record(event);
        if live::is_on() {
            LiveStream.record(event);
        }
        if timeline::is_on() {
            TimelineStream.record(event);
        }
    }

    fn pended(&mut self, meta: &'static FnMeta, points: Pended) {
        Counters.pended(meta, points);
    }

    fn fields(&mut self, call: u64, fields: Fields) {
        if live::is_on() {
            LiveStream.fields(call, fields);
        }
    }
}

/// Whether the process-wide recorder prints start lines (live output is on).
pub(crate) fn shows_fields() -> bool {
    live::is_on()
}

/// Installs the process-wide recorder configured from `TRACED_ASYNC` and returns the guard
/// that prints the summary when dropped (keep it alive for the whole of `main`).
///
/// `TRACED_ASYNC` is a comma-separated list: fn names (`fetch`, `net::fetch`) or module paths
/// (`my_app::net`) to trace, or `all` (`off`: none); and output words: `live` (each transition
/// on stderr), `json` (each transition, then the summary, as JSON lines), `out=PATH` (to that
/// file instead of stderr), `no-summary`, `no-timing`, `no-signals` (no summary on SIGINT and
/// SIGTERM, see [`RecorderBuilder::summary_on_signal`]); `slow=2ms` (the slow-poll threshold,
/// see [`Report::slow_polls`]), `watchdog=1s` (print polls stuck that long), `sample=16` (time
/// one poll in 16). Unset or empty, nothing is traced and traced fns cost one relaxed load per
/// poll.
///
/// ```no_run
/// // TRACED_ASYNC=all cargo run        -> summary when main returns
/// // TRACED_ASYNC=my_app::net,live ... -> each transition of my_app::net's fns, then the summary
/// let _guard = traced_async::init();
/// ```
///
/// A word of `TRACED_ASYNC` it cannot use is left out with a warning (see
/// [`RecorderBuilder::from_env`]); a fn name that matched no traced fn that ran is warned about
/// when the guard drops.
///
/// # Panics
/// If a recorder is already installed (see [`RecorderBuilder::try_init`]).
pub fn init() -> Guard {
    let builder = RecorderBuilder::from_env();
    let config = &builder.config;
    // `TRACED_ASYNC=live` is a format the capture scopes use as it is, but it names no fn for
    // the recorder: say so, rather than trace nothing in silence.
    if config.mode() == Mode::Off
        && config.scopes != Some(Format::Off)
        && let Ok(text) = std::env::var("TRACED_ASYNC")
        && !text.trim().is_empty()
    {
        let problem = format!(
            "`{}` names no fn to trace: the recorder traces nothing (add `all`, or fn names)",
            text.trim()
        );
        config::warn(config, &problem);
    }
    builder.init()
}

/// Pauses (`false`) or resumes (`true`) the process-wide recorder installed by [`init`] or a
/// [`RecorderBuilder`], for example from an admin endpoint of a long-running server. Paused, traced fns
/// cost what they cost with no recorder installed; counts so far are kept. An invocation first
/// polled while paused (or before the recorder was installed) is not counted, even after it
/// resumes: its start was not seen. Does nothing before a recorder is installed.
///
/// ```
/// let _guard = traced_async::RecorderBuilder::new().summary(false).init();
/// traced_async::set_recording(false); // quiet period
/// traced_async::set_recording(true);
/// ```
pub fn set_recording(on: bool) {
    let Some(config) = CONFIG.get() else { return };
    let mode = if on { config.mode() } else { Mode::Off };
    activity::set_global(match mode {
        Mode::Off => Global::Off,
        // Live output and the timeline stream need every event: the full poll path.
        _ if live::is_on() || timeline::is_on() => Global::Live,
        Mode::Count => Global::Count,
        Mode::Timing => Global::Time,
    });
}

/// Totals of everything the process-wide recorder has counted so far, on every thread.
pub fn report() -> Report {
    let (mut functions, lost) = counters::totals();
    // An invocation being polled is not waiting, though its counters say so until the poll
    // ends.
    let in_poll = in_progress::read();
    in_progress::not_waiting(&mut functions, &in_poll);
    // With live output the recorder numbers every invocation in flight: the report can draw
    // them as a tree. Counting alone knows only how many wait where.
    let live = live::in_flight();
    let ages = ages_known();
    let invocations = in_flight::read(&mut functions, ages);
    Report {
        functions,
        ages,
        invocations,
        ages_dropped: ages::dropped(),
        lost,
        timeline_lost: timeline::lost(),
        live,
        in_poll,
        slow: slow::report(),
        slow_threshold_nanos: slow::threshold(),
        sampling: counters::sampling(),
    }
}

/// Whether the recorder keeps wait ages: with timing on, every poll timed, on the lean path.
fn ages_known() -> Ages {
    if live::is_on() {
        return Ages::Live;
    }
    match CONFIG.get().map(Config::mode) {
        Some(Mode::Timing) if counters::sampling() > 1 => Ages::Sampled(counters::sampling()),
        Some(Mode::Timing) => Ages::Listed,
        _ => Ages::NotTimed,
    }
}

/// Configures the process-wide recorder.
///
/// ```
/// let _guard = traced_async::RecorderBuilder::new().trace("my_app::net").summary(false).init();
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `init` or `try_init`"]
pub struct RecorderBuilder {
    config: Config,
}

impl Default for RecorderBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl RecorderBuilder {
    /// Traces every fn, prints the summary when the guard drops, no live output.
    pub fn new() -> Self {
        RecorderBuilder {
            config: Config::default(),
        }
    }

    /// Settings from `TRACED_ASYNC` (see [`init`]); nothing traced when it is unset. Never
    /// fails: a word it cannot use is left out with one warning on stderr naming it, saying
    /// what is accepted and suggesting the nearest option, and the rest is kept, since a
    /// service must not stop over its tracing configuration. [`try_from_env`](Self::try_from_env)
    /// returns the problems instead.
    ///
    /// ```
    /// // TRACED_ASYNC=all,lve warns "`lve` is read as a fn or module name; did you mean
    /// // `live`?" and traces every fn.
    /// let builder = traced_async::RecorderBuilder::from_env();
    /// # drop(builder);
    /// ```
    pub fn from_env() -> Self {
        // Read (and warned about) once per process, also by the capture scopes.
        RecorderBuilder {
            config: config::from_env().clone(),
        }
    }

    /// [`from_env`](Self::from_env), but a word it cannot use is an error instead of a
    /// warning.
    ///
    /// # Errors
    /// [`ConfigError`] listing every word that is not a fn or module path nor an option.
    pub fn try_from_env() -> Result<Self, ConfigError> {
        let text = std::env::var("TRACED_ASYNC").unwrap_or_default();
        let (config, problems) = Config::parse(&text);
        if problems.is_empty() {
            Ok(RecorderBuilder { config })
        } else {
            Err(ConfigError { text, problems })
        }
    }

    /// Traces only the fns named, or declared in the modules named (comma-separated).
    pub fn trace(mut self, names: &str) -> Self {
        self.config.all = false;
        self.config.filter.extend(
            names
                .split(',')
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty()),
        );
        self
    }

    /// Prints each transition to stderr as it happens, in `format`.
    pub fn live(mut self, format: Format) -> Self {
        self.config.live = format;
        self
    }

    /// Whether the guard prints the summary when dropped.
    pub fn summary(mut self, on: bool) -> Self {
        self.config.summary = on;
        self
    }

    /// Streams every transition to `path` as Chrome Trace Event JSON (as `timeline=path` in
    /// `TRACED_ASYNC` does), through a bounded channel to a writer thread: a poll never waits
    /// for it; what does not fit is dropped and counted ([`Report::timeline_lost`]). The file
    /// is closed, valid JSON, when the guard drops.
    pub fn timeline_to(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.config.timeline = Some(path.into());
        self
    }

    /// Whether the summary also prints when SIGINT (Ctrl-C) or SIGTERM stops the process (on by
    /// default, as `no-signals` in `TRACED_ASYNC` turns it off; Unix only): a thread of the
    /// recorder's waits for either and prints the summary; then the process does what it would
    /// have done without the recorder. The signal's default action ends it only when nobody
    /// else handles the signal: a handler installed before `init()` is chained to, and one
    /// installed after (tokio's `ctrl_c`, signal-hook) runs the service's own shutdown, which
    /// nothing of the recorder's cuts short.
    pub fn summary_on_signal(mut self, on: bool) -> Self {
        self.config.signals = on;
        self
    }

    /// Whether polls are timed (on by default); off, only counts are kept.
    pub fn timing(mut self, on: bool) -> Self {
        self.config.timing = on;
        self
    }

    /// Counts timed polls that take at least `threshold` (5 ms by default) against the segment
    /// of code they ran ([`Report::slow_polls`]), and prints a warning line at the first slow
    /// poll of each segment (as `slow=2ms` in `TRACED_ASYNC` does).
    pub fn slow_polls(mut self, threshold: std::time::Duration) -> Self {
        self.config.slow = Some(nanos_of(threshold));
        self
    }

    /// Times one poll in `n` (rounded up to a power of two) instead of every poll, as
    /// `sample=16` in `TRACED_ASYNC` does: counts stay exact; busy and self time are scaled up
    /// from the timed polls, and the percentiles and slow polls are those of the timed polls,
    /// chosen independently of what the polls do (a Weyl sequence over each thread's polls).
    pub fn sample(mut self, n: u32) -> Self {
        self.config.sample = Some(n.max(1));
        self
    }

    /// Starts a watchdog thread that prints each poll in progress for longer than `after`
    /// (thread, fn, segment, how long), once, and again when it returns (as `watchdog=1s` in
    /// `TRACED_ASYNC` does).
    pub fn watchdog(mut self, after: std::time::Duration) -> Self {
        self.config.watchdog = Some(nanos_of(after));
        self
    }

    /// Installs the recorder.
    ///
    /// # Panics
    /// If a recorder is already installed.
    pub fn init(self) -> Guard {
        self.try_init().unwrap_or_else(|e| panic!("{e}"))
    }

    /// Installs the recorder, or says why it cannot: one is already installed.
    ///
    /// # Errors
    /// [`AlreadyInstalled`] when `init` or `try_init` already ran in this process.
    pub fn try_init(self) -> Result<Guard, AlreadyInstalled> {
        let mode = self.config.mode();
        let live = self.config.live;
        let summary = self.config.summary.then_some(live);
        let timeline = self.config.timeline.clone();
        let on_signal = self.config.signals && summary.is_some();
        CONFIG.set(self.config).map_err(|_| AlreadyInstalled)?;
        if let Some(output) = Output::new(live) {
            live::install(Collector::streaming(mode, output));
        }
        if let Some(path) = timeline.filter(|_| mode != Mode::Off)
            && let Err(problem) = timeline::install(&path)
            && let Some(config) = CONFIG.get()
        {
            config::warn(config, &problem);
        }
        if mode == Mode::Timing {
            clock::calibrate();
        }
        // Before any counter cells exist: a timed fn's cells end with its histogram.
        counters::set_timing(mode == Mode::Timing);
        counters::set_filter(selects);
        if let Some(n) = CONFIG.get().and_then(|c| c.sample) {
            counters::set_sampling(n);
        }
        if let Some(config) = CONFIG.get() {
            slow::configure(config.slow.unwrap_or(slow::DEFAULT), config.slow.is_some());
            if let Some(after) = config.watchdog.filter(|_| mode != Mode::Off)
                && let Err(problem) = watchdog::start(after)
            {
                config::warn(config, &problem);
            }
        }
        set_recording(true);
        if on_signal
            && let Err(problem) = signals::install(move || end(summary))
            && let Some(config) = CONFIG.get()
        {
            config::warn(config, &problem);
        }
        Ok(Guard { summary })
    }
}

/// Returned by [`RecorderBuilder::try_init`] when a recorder is already installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlreadyInstalled;

impl fmt::Display for AlreadyInstalled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the traced-async recorder is already installed; call init() once, in main")
    }
}

impl std::error::Error for AlreadyInstalled {}

/// Keeps the process-wide recorder's promise to print the summary: when dropped (at the end of
/// `main`), prints [`report`] where the output goes (stderr, or the file of `out=PATH`) unless
/// the summary was turned off; as JSON lines when the live output is JSON.
#[derive(Debug)]
#[must_use = "the summary is printed when the guard drops: keep it in a variable (`let _guard`)"]
pub struct Guard {
    /// The live output's format, when the summary is printed.
    summary: Option<Format>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        end(self.summary);
    }
}

/// The end of the recording, once per process: from the guard's drop, or from the signal
/// thread when SIGINT or SIGTERM stops the process first. Whichever comes second waits for the
/// first to finish writing, then does nothing.
fn end(summary: Option<Format>) {
    static ENDED: std::sync::Mutex<bool> = std::sync::Mutex::new(false);
    let mut ended = ENDED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if std::mem::replace(&mut *ended, true) {
        return;
    }
    // The timeline file is closed first, so that the report counts every event it lost.
    timeline::finish();
    watchdog::stop();
    let report = report();
    let mut stream = Stream::new();
    match summary {
        Some(Format::Json) => stream.write(&report.json()),
        Some(_) => stream.write_wrapped(&report.to_string()),
        None => {}
    }
    // A misspelt fn name traces nothing, silently, until now: say so at the end.
    if let Some(config) = CONFIG.get() {
        let seen = SEEN.lock().map(|seen| seen.clone()).unwrap_or_default();
        for warning in config.unmatched(&seen) {
            config::warn(config, &warning);
        }
    }
}

/// What [`RecorderBuilder::try_from_env`] found wrong in `TRACED_ASYNC`.
#[derive(Debug, Clone)]
pub struct ConfigError {
    text: String,
    problems: Vec<String>,
}

impl ConfigError {
    /// One line per word that is not a fn or module path nor an option.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TRACED_ASYNC={:?}: {}",
            self.text,
            self.problems.join("; ")
        )
    }
}

impl std::error::Error for ConfigError {}

/// Totals from the process-wide recorder: per traced fn, calls, polls, outcomes, busy time and
/// per await point suspensions, cancellations and invocations waiting there now.
///
/// Displays as the summary `block_on` prints, then, if any invocation is in flight, "where is
/// everyone?": per fn how many are in flight and how many wait at each await point; with live
/// output on, also each invocation in flight under the one that awaits it, numbered as the
/// live lines number them.
///
/// # As JSON
/// `Report` implements [`serde::Serialize`], for an admin endpoint
/// (`serde_json::to_string(&traced_async::report())`; `cargo run -p admin-endpoint` serves it
/// over HTTP). One object; these field names are stable (new fields may be added):
///
/// - `functions`: per traced fn that ran, in the order first seen, the fields of a summary's
///   `fn` JSON line (`fn`, `self` for a method, `module`, `file`, `line`, `calls`, `polls`,
///   `returned`, `panicked`, `cancelled`, `in_flight`, `hidden`, `busy_ns` (`null` without
///   timing), `future_bytes`), then `awaits`: per await point `label`, `line`, `column`,
///   `expr`, `suspended`, `cancelled`, `waiting` (invocations waiting there now). With timing
///   on the lean path, also `self_ns` and `polls_ns` per fn and `suspended_ns` per await point
///   (`polls_ns` and `suspended_ns` objects of `count`, `p50`, `p90`, `p99`, `max`, in ns).
/// - `in_flight`: with live output on, each invocation in flight: `fn`, `self`, `module`,
///   `call` (its number in the live output), `parent` (`null` for an outermost one), `depth`,
///   `state` (`start`, `await#1`, ...) and `task` (`null` off a traced-async executor); empty
///   otherwise.
/// - `lost`: transitions that could not be counted; `timeline_lost`: timeline events dropped.
/// - `ages`: whether wait ages are known (`listed`: timing on, every poll timed; `not timed`;
///   `sampled`; `live`: live output on, see `in_flight`); with them, `oldest_waiting_ns` per
///   await point that has waiters, and
///   `invocations`: every invocation in flight the table lists, oldest first, the fields of
///   [`InvocationInFlight`] (`fn`, `invocation`, `age_nanos`, `polling`, `place`, `for_nanos`,
///   `thread`, `thread_name`, `task`); `invocations_unlisted`: those that found it full.
#[derive(Debug, Clone)]
pub struct Report {
    functions: Vec<FnStats>,
    lost: u64,
    /// Events the timeline stream dropped because its writer fell behind.
    timeline_lost: u64,
    /// The invocations in flight, numbered as the live output numbers them (live output only).
    live: Vec<Live>,
    /// The traced polls in progress on every thread (counting path), innermost first.
    in_poll: Vec<PollInProgress>,
    /// Whether wait ages are known, and the invocations in flight the table lists, oldest
    /// first; invocations that found it full.
    ages: Ages,
    invocations: Vec<InvocationInFlight>,
    ages_dropped: u64,
    /// Slow polls per segment of code, the worst first.
    slow: Vec<SlowPolls>,
    slow_threshold_nanos: u64,
    /// One poll in this many was timed.
    sampling: u64,
}

impl Report {
    /// Totals per traced fn that ran, in the order the recorder first saw them.
    pub fn functions(&self) -> &[FnStats] {
        &self.functions
    }

    /// Totals of the fn named `name` (bare name or a tail of its path), if it ran.
    ///
    /// # Panics
    /// If `name` matches more than one fn that ran.
    pub fn function(&self, name: &str) -> Option<&FnStats> {
        meta::find_by_name(&self.functions, name, |f| f.meta())
    }

    /// Transitions that could not be counted (more than 4096 traced fns, or a thread already
    /// tearing down); reported, never silently dropped.
    pub fn lost(&self) -> u64 {
        self.lost
    }

    /// The report as JSON lines: per fn a `fn` line and its `await` lines, then a `lost` line
    /// when transitions were lost.
    fn json(&self) -> String {
        let mut out = String::new();
        json::write_summary(&mut out, &self.functions);
        if self.lost > 0 {
            out.push_str(&json::lost(self.lost));
            out.push('\n');
        }
        out
    }

    /// The traced polls in progress when the report was taken, per thread its innermost first,
    /// then the polls around it: the invocations being polled, apart from those suspended
    /// (which [`FnStats::awaits`] counts as waiting; these are not). Known on the recorder's
    /// counting path (no live output); 16 nested polls per thread at most.
    pub fn in_poll(&self) -> &[PollInProgress] {
        &self.in_poll
    }

    /// The invocations in flight, oldest first, with their age (since their first poll's
    /// start), what each is doing (waiting at an await point since when, or in a poll since
    /// when, after which await point), the thread that polled it last and, with the feature
    /// `tokio`, its tokio task. Kept with timing on, every poll timed (not under `sample=`), for
    /// the invocations whose first poll the recorder's counting path timed, in a fixed table
    /// of 4 096 slots: an invocation that finds it full is not listed, and counted
    /// ([`invocations_unlisted`](Self::invocations_unlisted)). Empty otherwise.
    pub fn invocations(&self) -> &[InvocationInFlight] {
        &self.invocations
    }

    /// Invocations that found the table of invocations in flight full (since the process
    /// started), so that [`invocations`](Self::invocations) does not list them.
    pub fn invocations_unlisted(&self) -> u64 {
        self.ages_dropped
    }

    /// Timed polls that held their thread at least the slow-poll threshold (5 ms unless
    /// `slow=` or [`RecorderBuilder::slow_polls`] set it), counted per segment of code, the
    /// worst first. A slow poll with a slow traced poll nested in it is counted at the nested
    /// one only. Known on the recorder's counting path (no live output).
    pub fn slow_polls(&self) -> &[SlowPolls] {
        &self.slow
    }

    /// Events the timeline stream (`timeline=path`) dropped because its writer fell behind
    /// (a poll never waits for it); also written in the file, as `otherData.lost`.
    pub fn timeline_lost(&self) -> u64 {
        self.timeline_lost
    }
}

impl serde::Serialize for Report {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// The summary's fields, then the wait ages (`output` knows nothing of the recorder).
        #[derive(serde::Serialize)]
        struct WithAges<'a> {
            #[serde(flatten)]
            report: json::Report<'a>,
            ages: &'static str,
            invocations: &'a [InvocationInFlight],
            invocations_unlisted: u64,
        }
        let report = json::Report::new(&self.functions, &self.live, self.lost, self.timeline_lost);
        let ages = match self.ages {
            Ages::Listed => "listed",
            Ages::NotTimed => "not timed",
            Ages::Sampled(_) => "sampled",
            Ages::Live => "live",
        };
        let json = WithAges {
            report,
            ages,
            invocations: &self.invocations,
            invocations_unlisted: self.ages_dropped,
        };
        json.serialize(serializer)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        output::write_summary(&mut out, &self.functions, width::DEFAULT);
        if self.sampling > 1 && self.functions.iter().any(|f| f.busy_nanos.is_some()) {
            out.push_str(&format!(
                "(one poll in {} timed: busy and self times scaled up; percentiles and slow \
                 polls of those)\n",
                self.sampling
            ));
        }
        let polling = |meta: &FnMeta| in_progress::resumed_polls(&self.in_poll, meta);
        output::write_waiting(&mut out, &self.functions, width::DEFAULT, polling);
        if self.functions.iter().any(|f| f.in_flight() > 0) || !self.invocations.is_empty() {
            let (ages, dropped) = (self.ages, self.ages_dropped);
            in_flight::write(&mut out, &self.invocations, ages, dropped, width::DEFAULT);
        }
        in_progress::write(&mut out, &self.in_poll, width::DEFAULT);
        if !self.slow.is_empty() {
            let threshold = self.slow_threshold_nanos;
            out.push_str("── slow polls ──\n");
            for slow in &self.slow {
                let line = format!("⚠ {}", slow.sentence(threshold));
                out.push_str(&width::wrap(&line, width::DEFAULT));
                out.push('\n');
            }
        }
        if !self.live.is_empty() {
            out.push_str(
                "in flight, numbered as the live output numbers them, where each last suspended:\n",
            );
            let live: Vec<&Live> = self.live.iter().collect();
            output::tree::write_tree(&mut out, &live, 0, &|_| None);
        }
        if self.lost > 0 {
            out.push_str(&format!("{} transitions could not be counted\n", self.lost));
        }
        if self.timeline_lost > 0 {
            out.push_str(&format!(
                "{} timeline events lost: the writer fell behind (a poll never waits for it)\n",
                self.timeline_lost
            ));
        }
        f.write_str(&out)
    }
}

/// `duration` in ns, saturating.
fn nanos_of(duration: std::time::Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}
