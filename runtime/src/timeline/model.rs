//! The timeline model: a recorded run laid out in time, lane by lane, for the Chrome trace and
//! SVG writers. A lane is a task on [`Runtime`](crate::Runtime) and a thread elsewhere; each poll
//! is a slice nested inside its caller's poll (callees end before their callers, so the
//! transitions of one thread form a forest read in order); each suspension is an interval from
//! the poll that returned `Pending` to the next poll of the same invocation; on a runtime,
//! each task poll is a slice of its own, and wakes are flows from the poll or timer that woke a
//! task to the poll it caused.

use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::state::State;
use crate::transition::Transition;

/// Width given to one poll when the run has no measured durations (deterministic mode, where
/// time is virtual and polls take none of it but a blocking poll's charge, or a trace recorded
/// without timing): polls are
/// drawn in the order they ran, this far apart.
pub(crate) const STEP: u64 = 1_000;

/// What a lane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum LaneKey {
    /// A task of a traced-async executor.
    Task(u64),
    /// A thread (elsewhere).
    Thread(u32),
    /// The runtime's timers.
    Timers,
}

/// One horizontal lane of the picture (a track of the Chrome trace).
#[derive(Debug, Clone)]
pub(crate) struct Lane {
    pub(crate) key: LaneKey,
    pub(crate) name: String,
}

/// How a task came to be polled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Woken {
    /// Its first poll: nothing had to wake it.
    First,
    /// By itself, during its own previous poll.
    Itself,
    /// By the task poll at this step of the run.
    Poll(usize),
    /// By the timers fired at this step of the run.
    Timers(usize),
    /// From outside the runtime's thread (another thread, or code outside any task poll).
    Elsewhere,
    /// By no wake (a spurious poll).
    Unasked,
}

/// One poll of a task, as the run loop saw it.
#[derive(Debug, Clone)]
pub(crate) struct TaskPoll {
    pub(crate) task: u64,
    /// Which poll of the task, from 1.
    pub(crate) poll: u64,
    /// The transitions the poll recorded (indices into the run's transitions).
    pub(crate) transitions: Range<usize>,
    /// Start and end on the runtime's clock, ns.
    pub(crate) start: u64,
    pub(crate) end: u64,
    pub(crate) woken: Woken,
}

/// Timers fired together by the run loop.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TimerFire {
    pub(crate) start: u64,
    pub(crate) end: u64,
    /// How many timers fired.
    pub(crate) count: usize,
}

/// One step of a run, in order.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    Poll(TaskPoll),
    Timers(TimerFire),
}

/// An anomaly the runtime reported, to show as an instant.
#[derive(Debug, Clone)]
pub(crate) struct Notice {
    /// `deadlock`, `lost wake-up`, ...
    pub(crate) name: &'static str,
    pub(crate) task: u64,
    pub(crate) message: String,
    /// The step it was noticed after, if any.
    pub(crate) after: Option<usize>,
}

/// What a run of the runtime adds to its transitions for a timeline.
#[derive(Debug, Clone, Default)]
pub(crate) struct RunLog {
    pub(crate) steps: Vec<Step>,
    pub(crate) notices: Vec<Notice>,
}

impl RunLog {
    pub(crate) fn clear(&mut self) {
        self.steps.clear();
        self.notices.clear();
    }
}

/// What a slice is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SliceKind {
    /// A poll of a traced invocation.
    Poll(Transition),
    /// A poll of a task by the runtime.
    Task {
        poll: u64,
        woken: Woken,
        /// The slice that woke it, when drawn.
        by: Option<usize>,
    },
    /// Timers firing.
    Timers { count: usize },
}

/// An interval of a lane: a poll, a task poll or timers firing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slice {
    pub(crate) lane: usize,
    pub(crate) start: u64,
    pub(crate) end: u64,
    /// Nesting in its lane, 0 for the outermost.
    pub(crate) depth: u16,
    pub(crate) kind: SliceKind,
}

/// How a suspension ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Until {
    /// The next poll.
    Resumed,
    /// The future was dropped.
    Cancelled,
    /// It was still suspended when the recording ended.
    End,
}

/// A suspension: from the poll that returned `Pending` (`t`) to the next poll.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Wait {
    pub(crate) lane: usize,
    /// The transition that suspended.
    pub(crate) t: Transition,
    pub(crate) start: u64,
    pub(crate) end: u64,
    pub(crate) until: Until,
}

/// A wake: from the slice that woke a task to the task poll it caused (indices into slices).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Flow {
    pub(crate) from: usize,
    pub(crate) to: usize,
}

/// An instant on a lane: a cancellation or an anomaly.
#[derive(Debug, Clone)]
pub(crate) struct Mark {
    pub(crate) lane: usize,
    pub(crate) at: u64,
    pub(crate) name: String,
    pub(crate) message: String,
}

/// A recorded run laid out in time: lanes, polls nested in their callers, suspensions, wakes
/// and anomalies. Made by [`Trace::timeline`](crate::Trace::timeline) or
/// [`Runtime::timeline`](crate::Runtime::timeline); written as a Chrome trace
/// ([`chrome_json`](Self::chrome_json), opens in Perfetto and `chrome://tracing`) or as a
/// self-contained SVG picture ([`svg`](Self::svg)).
///
/// ```
/// use traced_async::{Format, Runtime, sleep, traced_async};
/// use std::time::Duration;
///
/// #[traced_async]
/// async fn nap() { sleep(Duration::from_millis(5)).await }
///
/// let rt = Runtime::builder().deterministic(true).format(Format::Off).summary(false).build();
/// rt.block_on(nap());
/// let timeline = rt.timeline();
/// assert!(timeline.chrome_json().contains("\"name\":\"nap#1 start -> await#0\""));
/// assert!(timeline.svg().starts_with("<svg"));
/// ```
#[derive(Debug, Clone)]
pub struct Timeline {
    pub(crate) lanes: Vec<Lane>,
    pub(crate) slices: Vec<Slice>,
    pub(crate) waits: Vec<Wait>,
    pub(crate) flows: Vec<Flow>,
    pub(crate) marks: Vec<Mark>,
    /// Polls drawn [`STEP`] apart in run order rather than at measured times.
    pub(crate) synthetic: bool,
    /// Time is the virtual clock of a deterministic runtime.
    pub(crate) deterministic: bool,
    /// The latest end of anything on the timeline, ns.
    pub(crate) end: u64,
}

/// A poll (or cancellation); the callee polls made inside it arrived just before it.
#[derive(Clone, Copy)]
struct Node {
    t: usize,
    /// Width in a synthetic layout.
    size: u64,
    /// Where its subtree starts in arrival order: the subtree is `first..=` the node itself.
    first: u32,
}

fn is_suspended(state: State) -> bool {
    matches!(state, State::Await(_) | State::Hidden)
}

/// Reads transitions in order into a forest held in flat arrays: a poll adopts the subtrees on
/// top of the stack whose parent it is, since a callee's poll ends (and is recorded) inside its
/// caller's. Nodes are kept in arrival order, so each subtree is a contiguous range ending at
/// its root: no `Vec` per node.
struct Forest {
    nodes: Vec<Node>,
    /// The roots of the subtrees not adopted yet, in order.
    stack: Vec<u32>,
}

impl Forest {
    fn new() -> Self {
        Forest {
            nodes: Vec::new(),
            stack: Vec::new(),
        }
    }

    fn push(&mut self, ts: &[Transition], i: usize) {
        let call = ts[i].call();
        let mut k = self.stack.len();
        while k > 0 && ts[self.nodes[self.stack[k - 1] as usize].t].parent() == Some(call) {
            k -= 1;
        }
        let at = self.nodes.len() as u32;
        let first = self
            .stack
            .get(k)
            .map_or(at, |&c| self.nodes[c as usize].first);
        let size = if ts[i].to() == State::Cancelled {
            0
        } else {
            STEP + self.stack[k..]
                .iter()
                .map(|&c| self.nodes[c as usize].size)
                .sum::<u64>()
        };
        self.stack.truncate(k);
        self.stack.push(at);
        self.nodes.push(Node { t: i, size, first });
    }

    /// Appends the children of `node` to `out`, last first.
    fn children_rev(&self, node: u32, out: &mut Vec<u32>) {
        let first = self.nodes[node as usize].first;
        let mut c = node;
        while c > first {
            c -= 1;
            out.push(c);
            c = self.nodes[c as usize].first;
        }
    }
}

/// Where each transition landed: its slice's `(start, end, lane, depth)`, or a cancellation's
/// instant (`start == end`).
type Placed = Vec<Option<(u64, u64, usize, u16)>>;

struct Build<'a> {
    ts: &'a [Transition],
    tl: Timeline,
    lanes: FxHashMap<LaneKey, usize>,
    placed: Placed,
    /// Children being placed, per level of the recursion (reused).
    scratch: Vec<u32>,
}

impl<'a> Build<'a> {
    fn new(ts: &'a [Transition], deterministic: bool) -> Self {
        let synthetic = deterministic || ts.iter().all(|t| t.start().is_none());
        Build {
            ts,
            tl: Timeline {
                lanes: Vec::new(),
                slices: Vec::with_capacity(ts.len()),
                waits: Vec::new(),
                flows: Vec::new(),
                marks: Vec::new(),
                synthetic,
                deterministic,
                end: 0,
            },
            lanes: FxHashMap::default(),
            placed: vec![None; ts.len()],
            scratch: Vec::new(),
        }
    }

    fn lane(&mut self, key: LaneKey, name: impl FnOnce() -> String) -> usize {
        if let Some(&i) = self.lanes.get(&key) {
            return i;
        }
        let i = self.tl.lanes.len();
        self.tl.lanes.push(Lane { key, name: name() });
        self.lanes.insert(key, i);
        i
    }

    fn lane_of(&mut self, t: &Transition) -> usize {
        match t.task() {
            Some(task) => self.lane(LaneKey::Task(task), || format!("task {task}")),
            None => {
                let thread = t.thread();
                self.lane(LaneKey::Thread(thread), || format!("thread {thread}"))
            }
        }
    }

    fn push_slice(&mut self, slice: Slice) -> usize {
        self.tl.end = self.tl.end.max(slice.end);
        self.tl.slices.push(slice);
        self.tl.slices.len() - 1
    }

    /// Places `node` on `lane` no earlier than `lo` and, inside a parent, no later than `hi`;
    /// returns where it ends.
    fn place(
        &mut self,
        forest: &Forest,
        at: u32,
        lane: usize,
        depth: u16,
        lo: u64,
        hi: Option<u64>,
    ) -> u64 {
        let node = forest.nodes[at as usize];
        let t = self.ts[node.t];
        let base = self.scratch.len();
        forest.children_rev(at, &mut self.scratch);
        let children = base..self.scratch.len();
        if t.to() == State::Cancelled {
            let at = hi.map_or(lo, |hi| lo.min(hi));
            self.placed[node.t] = Some((at, at, lane, depth));
            self.tl.end = self.tl.end.max(at);
            self.tl.marks.push(Mark {
                lane,
                at,
                name: format!(
                    "{}#{} cancelled at {}",
                    t.function().display_name(),
                    t.call(),
                    t.from().name(t.function())
                ),
                message: String::new(),
            });
            for j in children.rev() {
                let child = self.scratch[j];
                self.place(forest, child, lane, depth + 1, at, Some(at));
            }
            self.scratch.truncate(base);
            return at;
        }
        let hint = t.start().map_or(0, |s| nanos(s.as_nanos()));
        let (start, end) = if self.tl.synthetic {
            // Inside a parent the synthetic widths fit by construction: run order decides.
            let start = if hi.is_some() { lo } else { lo.max(hint) };
            (start, start + node.size)
        } else {
            let hi = hi.unwrap_or(u64::MAX);
            match (t.start(), t.nanos()) {
                (Some(_), Some(dur)) => {
                    let start = hint.clamp(lo.min(hi), hi);
                    (start, start.saturating_add(dur).min(hi))
                }
                // A poll of a fn traced without timing: no width of its own.
                _ => (lo.min(hi), lo.min(hi)),
            }
        };
        self.placed[node.t] = Some((start, end, lane, depth));
        self.push_slice(Slice {
            lane,
            start,
            end,
            depth,
            kind: SliceKind::Poll(t),
        });
        let mut cursor = if self.tl.synthetic {
            start + STEP / 2
        } else {
            start
        };
        for j in children.rev() {
            let child = self.scratch[j];
            cursor = self.place(forest, child, lane, depth + 1, cursor, Some(end));
        }
        self.scratch.truncate(base);
        end
    }

    /// Lays out transitions `range` read as forests per thread, roots no earlier than `lo`
    /// (per lane), on the lane of their task or thread; returns the latest end.
    fn loose(&mut self, range: Range<usize>, cursors: &mut FxHashMap<usize, u64>, lo: u64) {
        let mut forests: Vec<(u32, Forest)> = Vec::new();
        for i in range {
            let thread = self.ts[i].thread();
            let at = match forests.iter().position(|(th, _)| *th == thread) {
                Some(at) => at,
                None => {
                    forests.push((thread, Forest::new()));
                    forests.len() - 1
                }
            };
            forests[at].1.push(self.ts, i);
        }
        for (_, forest) in forests {
            for &root in &forest.stack {
                let t = self.ts[forest.nodes[root as usize].t];
                let lane = self.lane_of(&t);
                let cursor = cursors.get(&lane).copied().unwrap_or(lo).max(lo);
                let end = self.place(&forest, root, lane, 0, cursor, None);
                cursors.insert(lane, end.max(cursor));
            }
        }
    }

    /// Suspensions, from the placed transitions, in the order each invocation moved.
    fn waits(&mut self) {
        // Each invocation's open suspension, by its index among the suspensions.
        let mut open: FxHashMap<u64, usize> = FxHashMap::default();
        for (i, t) in self.ts.iter().enumerate() {
            let Some((start, end, lane, _)) = self.placed[i] else {
                continue;
            };
            if is_suspended(t.from())
                && let Some(at) = open.remove(&t.call())
            {
                let wait = &mut self.tl.waits[at];
                wait.end = start.max(wait.start);
                wait.until = if t.to() == State::Cancelled {
                    Until::Cancelled
                } else {
                    Until::Resumed
                };
            }
            if is_suspended(t.to()) {
                open.insert(t.call(), self.tl.waits.len());
                self.tl.waits.push(Wait {
                    lane,
                    t: *t,
                    start: end,
                    end,
                    until: Until::End,
                });
            }
        }
        let last = self.tl.end;
        for at in open.into_values() {
            let wait = &mut self.tl.waits[at];
            wait.end = last.max(wait.start);
        }
    }

    /// Puts the suspensions in `(lane, call, start, end)` order (one invocation's suspensions
    /// never overlap), sorting small keys rather than moving the suspensions themselves.
    fn sort_waits(&mut self) {
        let waits = &self.tl.waits;
        let mut keys: Vec<(usize, u64, u64, u64, u32)> = waits
            .iter()
            .enumerate()
            .map(|(i, w)| (w.lane, w.t.call(), w.start, w.end, i as u32))
            .collect();
        keys.sort_unstable();
        self.tl.waits = keys.iter().map(|k| waits[k.4 as usize]).collect();
    }

    fn finish(mut self) -> Timeline {
        self.waits();
        let mut order: Vec<usize> = (0..self.tl.lanes.len()).collect();
        order.sort_by_key(|&i| self.tl.lanes[i].key);
        let mut rank = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            rank[old] = new;
        }
        self.tl.lanes = order.iter().map(|&i| self.tl.lanes[i].clone()).collect();
        for s in &mut self.tl.slices {
            s.lane = rank[s.lane];
        }
        for w in &mut self.tl.waits {
            w.lane = rank[w.lane];
        }
        for m in &mut self.tl.marks {
            m.lane = rank[m.lane];
        }
        self.sort_waits();
        self.tl
    }
}

fn nanos(n: u128) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

impl Timeline {
    /// The timeline of transitions recorded by a capture scope: a lane per task (when they
    /// carry one) or per thread.
    pub(crate) fn of_trace(ts: &[Transition], deterministic: bool) -> Timeline {
        let mut build = Build::new(ts, deterministic);
        let mut cursors = FxHashMap::default();
        build.loose(0..ts.len(), &mut cursors, 0);
        build.finish()
    }

    /// The timeline of a runtime's run: `names` gives each task's lane name, `log` the task
    /// polls, timers and anomalies around `ts`.
    pub(crate) fn of_run(
        ts: &[Transition],
        log: &RunLog,
        names: &dyn Fn(u64) -> String,
        deterministic: bool,
    ) -> Timeline {
        let mut build = Build::new(ts, deterministic);
        // The runtime's clock is its own, so its steps decide the layout even without timing.
        build.tl.synthetic = deterministic;
        let mut cursor = 0u64;
        let mut next = 0usize;
        let mut step_slice: Vec<usize> = Vec::with_capacity(log.steps.len());
        let mut cursors = FxHashMap::default();
        for step in &log.steps {
            match step {
                Step::Poll(p) => {
                    let range = p.transitions.start.min(ts.len())..p.transitions.end.min(ts.len());
                    if next < range.start {
                        build.loose(next..range.start, &mut cursors, cursor);
                        cursor = cursors
                            .values()
                            .copied()
                            .max()
                            .unwrap_or(cursor)
                            .max(cursor);
                    }
                    next = next.max(range.end);
                    let mut forest = Forest::new();
                    for i in range {
                        forest.push(ts, i);
                    }
                    let lane = build.lane(LaneKey::Task(p.task), || names(p.task));
                    let (start, end) = if deterministic {
                        let start = cursor.max(p.start);
                        let inner: u64 = forest
                            .stack
                            .iter()
                            .map(|&r| forest.nodes[r as usize].size)
                            .sum();
                        // A blocking poll moved the virtual clock (its charge): it spans that.
                        let charged = p.end.saturating_sub(p.start);
                        (start, start + (STEP + inner).max(charged))
                    } else {
                        (p.start, p.end.max(p.start))
                    };
                    let by = match p.woken {
                        Woken::Poll(from) | Woken::Timers(from) => step_slice.get(from).copied(),
                        _ => None,
                    };
                    let slice = build.push_slice(Slice {
                        lane,
                        start,
                        end,
                        depth: 0,
                        kind: SliceKind::Task {
                            poll: p.poll,
                            woken: p.woken,
                            by,
                        },
                    });
                    step_slice.push(slice);
                    let mut inner = if deterministic {
                        start + STEP / 2
                    } else {
                        start
                    };
                    for &root in &forest.stack {
                        inner = build.place(&forest, root, lane, 1, inner, Some(end));
                    }
                    cursor = cursor.max(end);
                    cursors.insert(lane, end);
                    if let Some(from) = by {
                        build.tl.flows.push(Flow { from, to: slice });
                    }
                }
                Step::Timers(fire) => {
                    let lane = build.lane(LaneKey::Timers, || "timers".to_owned());
                    let (start, end) = if deterministic {
                        let start = cursor.max(fire.start);
                        (start, start + STEP)
                    } else {
                        (fire.start, fire.end.max(fire.start))
                    };
                    let slice = build.push_slice(Slice {
                        lane,
                        start,
                        end,
                        depth: 0,
                        kind: SliceKind::Timers { count: fire.count },
                    });
                    step_slice.push(slice);
                    cursor = cursor.max(end);
                }
            }
        }
        if next < ts.len() {
            build.loose(next..ts.len(), &mut cursors, cursor);
        }
        for notice in &log.notices {
            let lane = build.lane(LaneKey::Task(notice.task), || names(notice.task));
            let at = notice
                .after
                .and_then(|step| step_slice.get(step))
                .map_or(build.tl.end, |&s| build.tl.slices[s].end);
            build.tl.marks.push(Mark {
                lane,
                at,
                name: notice.name.to_owned(),
                message: notice.message.clone(),
            });
        }
        build.finish()
    }

    /// How many polls (slices of traced invocations) the timeline holds.
    pub fn polls(&self) -> usize {
        self.slices
            .iter()
            .filter(|s| matches!(s.kind, SliceKind::Poll(_)))
            .count()
    }

    /// How many suspensions (from a `Pending` to the next poll) the timeline holds.
    pub fn suspensions(&self) -> usize {
        self.waits.len()
    }

    /// How many wakes are drawn, from the poll or timer that woke a task to the poll it caused.
    pub fn wakes(&self) -> usize {
        self.flows.len()
    }

    /// The names of the lanes, top to bottom: `main (1)` for a task, `thread 2` elsewhere.
    pub fn lanes(&self) -> Vec<&str> {
        self.lanes.iter().map(|l| l.name.as_str()).collect()
    }
}
