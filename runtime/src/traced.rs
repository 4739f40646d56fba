//! The future `#[traced_async]` wraps around an `async fn` body: it counts polls and records
//! one transition per poll. This is the poll path every user pays for.

use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::sync::atomic::AtomicU64;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::context::{self, Ctx, NONE};
use crate::global::{self, counters};
use crate::meta::FnMeta;
use crate::record::{self, Mode, Target};
use crate::state::State;
use crate::transition::Transition;
use crate::{clock, context::Saved};

/// Per-invocation bookkeeping, kept beside the body's future (16 bytes).
#[derive(Debug)]
struct Frame {
    /// Invocation id, given at the first recorded poll; 0 before.
    call: u64,
    /// Polls made so far.
    polls: u32,
    /// Current state, encoded (see [`State::encode`]).
    state: u16,
    /// The await point whose statement (or macro call) the body entered last, carried from one
    /// poll to the next: a suspension no `AwaitPoint` reports happened there.
    region: u16,
}

pin_project! {
    /// A traced invocation: the body of a `#[traced_async]` fn, with its metadata and frame.
    ///
    /// `M` is a zero-sized closure returning the fn's static metadata, so the metadata costs no
    /// bytes in the future. Built by the attribute's expansion; `Send`, `Sync` and `Unpin`
    /// exactly when the body is.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Traced<F, M: Fn() -> &'static FnMeta> {
        #[pin]
        body: F,
        meta: M,
        frame: Frame,
    }

    impl<F, M: Fn() -> &'static FnMeta> PinnedDrop for Traced<F, M> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            let frame = &*this.frame;
            // Dropped while suspended: the invocation was cancelled at its current await point.
            // Finished or never polled invocations (the common drops) cost two compares.
            if frame.polls == 0 || State::is_final_code(frame.state) {
                return;
            }
            let from = State::decode(frame.state);
            let meta = (this.meta)();
            let target = record::target(meta);
            if target != Target::Off {
                record::emit(target, &Transition {
                    meta,
                    call: frame.call,
                    parent: 0,
                    poll: frame.polls,
                    from,
                    to: State::Cancelled,
                    nanos: None,
                });
            }
        }
    }
}

impl<F: Future, M: Fn() -> &'static FnMeta> Traced<F, M> {
    #[doc(hidden)]
    /// Wraps a traced fn's body; called by the attribute's expansion.
    #[inline]
    pub fn new(meta: M, body: F) -> Self {
        let frame = Frame {
            call: 0,
            polls: 0,
            state: State::Start.encode(),
            region: NONE,
        };
        Traced { body, meta, frame }
    }
}

#[doc(hidden)]
/// Wraps a traced fn's body, naming its output type so that type errors in the body are
/// reported against the fn's declared return type, at the user's code.
#[inline]
pub fn traced<T, F, M>(meta: M, body: F) -> Traced<F, M>
where
    F: Future<Output = T>,
    M: Fn() -> &'static FnMeta,
{
    Traced::new(meta, body)
}

impl<F: Future, M: Fn() -> &'static FnMeta> Future for Traced<F, M> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        if !record::any_active() {
            return this.body.poll(cx);
        }
        let meta = (this.meta)();
        if this.frame.polls == 0 {
            meta.note_future_size(size_of::<Self>());
        }
        context::with(|ctx| {
            let target = record::target_in(ctx, meta);
            match target {
                Target::Off => this.body.poll(cx),
                Target::Global(mode) if !global::live() => {
                    let timed = mode == Mode::Timing && meta.timing();
                    poll_counted(ctx, meta, timed, this.frame, this.body, cx)
                }
                Target::Scope(mode) | Target::Global(mode) => {
                    poll_recorded(target, mode, meta, this.frame, this.body, cx)
                }
            }
        })
    }
}

/// The full path: invocation ids, parents, timing, one [`Transition`] per poll.
#[inline]
fn poll_recorded<F: Future>(
    target: Target,
    mode: Mode,
    meta: &'static FnMeta,
    frame: &mut Frame,
    body: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> Poll<F::Output> {
    let mut parent = 0;
    if frame.call == 0 {
        parent = context::current_call();
        frame.call = context::next_call_id();
        record::begin(target, meta, frame.call, parent);
    }
    let started = (mode == Mode::Timing && meta.timing()).then(clock::now);
    let saved = context::enter(frame.call, frame.region);
    let unwind = Unwind {
        saved,
        target,
        meta,
        frame,
        parent,
        started,
    };
    let poll = body.poll(cx);
    unwind.finish(poll.is_ready());
    poll
}

/// The lean path for the process-wide recorder without live output: no invocation ids, no
/// transition built, a few counter cells bumped on this thread's table (and the poll timed,
/// when `timed`).
#[inline(always)]
fn poll_counted<F: Future>(
    ctx: &Ctx,
    meta: &'static FnMeta,
    timed: bool,
    frame: &mut Frame,
    body: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> Poll<F::Output> {
    let Some(cells) = counters::cells(ctx, meta) else {
        return body.poll(cx);
    };
    let started = timed.then(clock::now);
    let saved = ctx.enter_counting(frame.region);
    let unwind = CountUnwind {
        ctx,
        saved,
        cells,
        frame,
        started,
    };
    let poll = body.poll(cx);
    let mut this = ManuallyDrop::new(unwind);
    let (suspended, region) = this.ctx.exit_counting(this.saved);
    this.frame.region = region;
    this.count(State::after_poll(meta, poll.is_ready(), suspended, region));
    poll
}

/// [`Unwind`] for [`poll_counted`].
struct CountUnwind<'a> {
    ctx: &'a Ctx,
    saved: (u16, u16),
    cells: &'static [AtomicU64],
    frame: &'a mut Frame,
    started: Option<u64>,
}

impl CountUnwind<'_> {
    #[inline(always)]
    fn count(&mut self, to: State) {
        let nanos = self
            .started
            .map(|start| clock::nanos_between(start, clock::now()));
        counters::count_poll(self.cells, self.frame.polls == 0, to, nanos);
        self.frame.polls += 1;
        self.frame.state = to.encode();
    }
}

impl Drop for CountUnwind<'_> {
    fn drop(&mut self) {
        self.ctx.exit_counting(self.saved);
        self.count(State::Panicked);
    }
}

/// Finishes a poll: restores the thread's context and records the transition. Dropped without
/// [`finish`](Unwind::finish) only while the body's poll unwinds, which it records as a panic.
struct Unwind<'a> {
    saved: Saved,
    target: Target,
    meta: &'static FnMeta,
    frame: &'a mut Frame,
    parent: u64,
    started: Option<u64>,
}

impl Unwind<'_> {
    #[inline]
    fn finish(self, ready: bool) {
        let mut this = ManuallyDrop::new(self);
        let (suspended, region) = context::exit(this.saved);
        this.frame.region = region;
        let to = State::after_poll(this.meta, ready, suspended, region);
        this.record(to);
    }

    fn record(&mut self, to: State) {
        let nanos = self
            .started
            .map(|start| clock::nanos_between(start, clock::now()));
        self.frame.polls += 1;
        let from = State::decode(std::mem::replace(&mut self.frame.state, to.encode()));
        record::emit(
            self.target,
            &Transition {
                meta: self.meta,
                call: self.frame.call,
                parent: self.parent,
                poll: self.frame.polls,
                from,
                to,
                nanos,
            },
        );
    }
}

impl Drop for Unwind<'_> {
    fn drop(&mut self) {
        context::exit(self.saved);
        self.record(State::Panicked);
    }
}
