//! The result of a capture: every transition, and questions a test can ask of them.

use std::fmt;
use std::time::Duration;

use crate::meta::{self, AwaitMeta, FnMeta};
use crate::output;
use crate::stats::{AwaitStats, FnStats};
use crate::timeline::Timeline;
use crate::transition::Transition;

/// Everything recorded while a future ran under [`capture`](crate::capture),
/// [`block_on`](crate::block_on) or [`Captured`](crate::Captured).
///
/// ```
/// use traced_async::traced_async;
///
/// #[traced_async]
/// async fn add(a: u32, b: u32) -> u32 {
///     futures::future::ready(()).await;
///     a + b
/// }
///
/// let (sum, trace) = traced_async::capture(add(1, 2));
/// assert_eq!(sum, 3);
/// let add = trace.function("add");
/// assert_eq!(add.calls(), 1);
/// assert_eq!(add.polls(), 1);
/// assert_eq!(add.await_points()[0].expr(), "futures::future::ready(())");
/// assert_eq!(add.await_points()[0].suspensions(), 0);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Trace {
    transitions: Vec<Transition>,
    /// Stamped on a deterministic runtime's virtual clock.
    deterministic: bool,
    /// Per fn and await point, the polls in which the point returned `Pending` beside other
    /// points of one `join!` or `select!`: those polls' transitions name the whole call.
    pended: Vec<(&'static FnMeta, u16, u64)>,
}

impl Trace {
    pub(crate) fn new(transitions: Vec<Transition>, deterministic: bool) -> Self {
        Trace {
            transitions,
            deterministic,
            pended: Vec::new(),
        }
    }

    /// This trace with the counts of await points pending beside others (see
    /// [`Sink::pended`](crate::sink::Sink::pended)).
    pub(crate) fn with_pended(self, pended: Vec<(&'static FnMeta, u16, u64)>) -> Self {
        Trace { pended, ..self }
    }

    /// The trace laid out in time, a lane per thread (or per task, for a trace of a
    /// [`Runtime`](crate::Runtime)), to write as a Chrome trace or an SVG picture.
    /// [`Runtime::timeline`](crate::Runtime::timeline) adds task polls, names, wakes and anomalies.
    ///
    /// ```
    /// use traced_async::traced_async;
    ///
    /// #[traced_async]
    /// async fn twice() { futures::future::ready(()).await }
    ///
    /// let ((), trace) = traced_async::capture(twice());
    /// let json = trace.timeline().chrome_json();
    /// assert!(json.contains("\"name\":\"twice#1 start -> returned\""));
    /// ```
    pub fn timeline(&self) -> Timeline {
        Timeline::of_trace(&self.transitions, self.deterministic)
    }

    /// Every transition, in the order they happened.
    pub fn transitions(&self) -> &[Transition] {
        &self.transitions
    }

    /// The traced functions that ran, in the order of their first transition.
    pub fn functions(&self) -> Vec<FunctionTrace<'_>> {
        let mut seen: Vec<&'static FnMeta> = Vec::new();
        for t in &self.transitions {
            if !seen.iter().any(|m| std::ptr::eq(*m, t.meta)) {
                seen.push(t.meta);
            }
        }
        seen.into_iter()
            .map(|meta| FunctionTrace { trace: self, meta })
            .collect()
    }

    /// The function named `name`: its bare name (`fetch`) or a tail of its path
    /// (`net::fetch`), or for a method `Type::method`; `None` if no such function ran.
    ///
    /// # Panics
    /// If `name` matches several functions that ran (say two methods called `get`): name the
    /// type or the module to tell them apart.
    pub fn try_function(&self, name: &str) -> Option<FunctionTrace<'_>> {
        meta::find_by_name(self.functions(), name, |f| f.meta)
    }

    /// The function named `name`, as [`try_function`](Self::try_function) finds it.
    ///
    /// # Panics
    /// If no traced function of that name ran (the message lists those that did), or the name
    /// is ambiguous.
    pub fn function(&self, name: &str) -> FunctionTrace<'_> {
        self.try_function(name).unwrap_or_else(|| {
            let ran: Vec<String> = self
                .functions()
                .iter()
                .map(|f| format!("{}::{}", f.meta.module_path(), f.meta.display_name()))
                .collect();
            panic!(
                "no traced function named `{name}` ran; these did: [{}]",
                ran.join(", ")
            )
        })
    }

    /// Totals per function, in the order of their first transition.
    pub fn stats(&self) -> Vec<FnStats> {
        self.functions().iter().map(FunctionTrace::stats).collect()
    }

    /// The per-function summary that `block_on` prints at the end of a run.
    pub fn summary(&self) -> impl fmt::Display + '_ {
        struct Summary(Vec<FnStats>);
        impl fmt::Display for Summary {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut out = String::new();
                output::write_summary(&mut out, &self.0, output::width::DEFAULT);
                f.write_str(&out)
            }
        }
        Summary(self.stats())
    }
}

/// What a [`Trace`] holds about one traced function.
#[derive(Debug, Clone, Copy)]
pub struct FunctionTrace<'a> {
    trace: &'a Trace,
    meta: &'static FnMeta,
}

impl<'a> FunctionTrace<'a> {
    /// The function's compile-time description.
    pub fn meta(&self) -> &'static FnMeta {
        self.meta
    }

    /// Totals of this function's transitions.
    pub fn stats(&self) -> FnStats {
        let mut stats = FnStats::new(self.meta);
        for t in self.transitions() {
            stats.add(t);
        }
        for (_, index, n) in self
            .trace
            .pended
            .iter()
            .filter(|p| std::ptr::eq(p.0, self.meta))
        {
            stats.add_pended(*index, *n);
        }
        stats
    }

    /// This function's transitions, in order.
    pub fn transitions(&self) -> impl Iterator<Item = &'a Transition> + 'a {
        let meta = self.meta;
        self.trace
            .transitions
            .iter()
            .filter(move |t| std::ptr::eq(t.meta, meta))
    }

    /// Invocations that were polled at least once.
    pub fn calls(&self) -> u64 {
        self.stats().calls()
    }

    /// Polls of all invocations together.
    pub fn polls(&self) -> u64 {
        self.stats().polls()
    }

    /// Invocations that ran to their end.
    pub fn returned(&self) -> u64 {
        self.stats().returned()
    }

    /// Invocations whose poll panicked.
    pub fn panicked(&self) -> u64 {
        self.stats().panicked()
    }

    /// Invocations dropped while suspended.
    pub fn cancelled(&self) -> u64 {
        self.stats().cancelled()
    }

    /// Time spent inside this function's polls, when timing was on (nested traced calls
    /// included).
    pub fn busy(&self) -> Option<Duration> {
        self.stats().busy()
    }

    /// Suspensions at await points the attribute could not see (`await#?`).
    pub fn hidden_suspensions(&self) -> u64 {
        self.stats().hidden_suspensions()
    }

    /// Every await point of the function, in source order, whether or not it suspended.
    pub fn await_points(&self) -> Vec<AwaitPointTrace<'a>> {
        self.meta
            .awaits()
            .iter()
            .map(|meta| AwaitPointTrace {
                function: *self,
                meta,
            })
            .collect()
    }

    /// The await point with this index.
    ///
    /// # Panics
    /// If the function has no such await point.
    pub fn await_point(&self, index: usize) -> AwaitPointTrace<'a> {
        let Some(meta) = self.meta.awaits().get(index) else {
            panic!(
                "`{}` has {} await points; there is no await#{index}",
                self.meta.display_name(),
                self.meta.awaits().len()
            )
        };
        AwaitPointTrace {
            function: *self,
            meta,
        }
    }
}

/// What a [`Trace`] holds about one await point of a function.
#[derive(Debug, Clone, Copy)]
pub struct AwaitPointTrace<'a> {
    function: FunctionTrace<'a>,
    meta: &'static AwaitMeta,
}

impl AwaitPointTrace<'_> {
    /// The await point's compile-time description.
    pub fn meta(&self) -> &'static AwaitMeta {
        self.meta
    }

    /// Index among the function's await points, from 0 in source order.
    pub fn index(&self) -> u16 {
        self.meta.index()
    }

    /// Line of the `.await`.
    pub fn line(&self) -> u32 {
        self.meta.line()
    }

    /// Source text of the awaited expression.
    pub fn expr(&self) -> &'static str {
        self.meta.expr()
    }

    /// Totals of this await point.
    fn stats(&self) -> AwaitStats {
        let index = usize::from(self.meta.index());
        self.function.stats().awaits()[index]
    }

    /// How many polls returned `Pending` here.
    pub fn suspensions(&self) -> u64 {
        self.stats().suspensions()
    }

    /// How many invocations were dropped while suspended here.
    pub fn cancellations(&self) -> u64 {
        self.stats().cancellations()
    }
}
