//! The `tracing` bridge (feature `tracing`): each traced invocation is a `tracing` span, made
//! at its first poll, entered around every poll and closed when the invocation returns, panics
//! or is dropped; each suspension, panic and cancellation is an event inside it.
//!
//! The span is made by the traced body itself, as its first statement ([`SpanSite::open`]),
//! because only the body holds the arguments its fields record. It hands the span to the
//! [`Traced`](crate::traced::Traced) polling it through this thread's hand-off slot: a frame's
//! first bridged poll sets the slot to "expecting", the body's first statement enters the new
//! span and leaves it there, and the frame takes it when the body's poll returns. Nested frames
//! save and restore the slot around their own polls, so each frame takes only its own span.
//! A span is made while the awaiting invocation's span is entered, so its contextual parent is
//! that invocation on any executor, and tasks stay apart.
//!
//! With no subscriber, a poll asks `LevelFilter::current()` (one relaxed load) and goes on as
//! without the bridge; a body's span site asks only tracing's own disabled-callsite check.

use std::cell::Cell;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ptr;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

use tracing::field::Value;
use tracing::level_filters::{LevelFilter, STATIC_MAX_LEVEL};
use tracing::{Level, Metadata, Span};
use tracing_core::callsite::{self, Callsite, DefaultCallsite};
use tracing_core::field::FieldSet;
use tracing_core::metadata::Kind;
use tracing_core::subscriber::Interest;

use crate::activity::Activity;
use crate::context;
use crate::marks::{Marks, NONE};
use crate::meta::FnMeta;
use crate::state::State;

/// The fields every span has, first, in this order; the attribute's fields follow.
pub const FIXED_FIELDS: [&str; 4] = [
    "code.filepath",
    "code.lineno",
    "code.namespace",
    "otel.status_code",
];

/// Whether a subscriber may want anything: tracing's global maximum level is not `OFF` (one
/// relaxed load; with no subscriber it is `OFF`). Only then are frames bridged, and only then
/// do await points report suspensions to the poll context while no recorder is active.
#[inline(always)]
pub(crate) fn maybe() -> bool {
    LevelFilter::current() != LevelFilter::OFF
}

thread_local! {
    /// The hand-off slot: the bridge of the frame in its first bridged poll whose body has not
    /// opened its span yet, or null. Only [`Bridge::begin`] stores a frame's own bridge in it,
    /// and its poll's end (or unwinding) restores what it held before, so a non-null value
    /// always points to the bridge of a frame whose bridged poll is in progress on this thread
    /// (polls on one thread nest: one that began inside ours ends before ours).
    static EXPECTING: Cell<*mut Bridge> = const { Cell::new(ptr::null_mut()) };
}

/// Interest values of [`SpanSite::interest`].
const UNREGISTERED: u8 = 0;
const REGISTERING: u8 = 1;
const NEVER: u8 = 2;
const SOMETIMES: u8 = 3;
const ALWAYS: u8 = 4;

/// The callsite of one traced fn's span: a `static` the attribute writes beside the fn's
/// [`FnMeta`]. Its metadata is built at its first enabled use, so that a method's span is
/// named `Type::method` (the type is known to the body only, at run time).
#[doc(hidden)]
pub struct SpanSite {
    meta: &'static FnMeta,
    level: Level,
    /// [`FIXED_FIELDS`], then the attribute's fields and the recorded arguments.
    fields: &'static [&'static str],
    metadata: OnceLock<Metadata<'static>>,
    interest: AtomicU8,
}

impl std::fmt::Debug for SpanSite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpanSite")
            .field("fn", &self.meta.name())
            .field("level", &self.level)
            .field("fields", &self.fields)
            .finish_non_exhaustive()
    }
}

impl SpanSite {
    #[doc(hidden)]
    /// Built by the attribute's expansion; `fields` starts with [`FIXED_FIELDS`].
    pub const fn new(meta: &'static FnMeta, level: Level, fields: &'static [&'static str]) -> Self {
        SpanSite {
            meta,
            level,
            fields,
            metadata: OnceLock::new(),
            interest: AtomicU8::new(UNREGISTERED),
        }
    }

    /// The span's level.
    pub fn level(&self) -> Level {
        self.level
    }

    #[doc(hidden)]
    /// The traced body's first statement: when a subscriber wants this span, makes it with
    /// `make` (which records the fields' values, evaluated only then), enters it and hands it
    /// to the frame polling the body. `owner` is `type_name::<Self>` for a method. Out of
    /// line, so the body stays small enough to be inlined into its frame's poll.
    #[inline(never)]
    pub fn open(
        &'static self,
        owner: Option<fn() -> &'static str>,
        make: impl FnOnce(&'static SpanSite) -> Span,
    ) {
        // The level filters first (with no subscriber the global one is `OFF`).
        if self.level > STATIC_MAX_LEVEL || self.level > LevelFilter::current() {
            return;
        }
        self.open_enabled(owner, make);
    }

    #[inline(never)]
    fn open_enabled(
        &'static self,
        owner: Option<fn() -> &'static str>,
        make: impl FnOnce(&'static SpanSite) -> Span,
    ) {
        if !self.enabled(owner) {
            return;
        }
        let span = make(self);
        if span.is_none() {
            return;
        }
        hand_off(span);
    }

    #[doc(hidden)]
    /// The span, with `values` for [`FIXED_FIELDS`] and the attribute's fields, in order;
    /// `Span::none()` if they do not match the site's fields (never, as the attribute writes them).
    #[inline]
    pub fn span(&'static self, values: &[Option<&dyn Value>]) -> Span {
        let Some(meta) = self.metadata.get() else {
            return Span::none();
        };
        if values.len() != meta.fields().len() {
            return Span::none();
        }
        Span::new(meta, &meta.fields().value_set_all(values))
    }

    /// tracing's check for a disabled callsite after the level filters: the cached interest,
    /// then (for "sometimes") the current subscriber.
    #[inline(always)]
    fn enabled(&'static self, owner: Option<fn() -> &'static str>) -> bool {
        // Acquire: a site read as registered has its metadata visible to this thread.
        let interest = match self.interest.load(Ordering::Acquire) {
            // While another thread registers the site, its metadata may not be built yet:
            // `register` waits for it (read as "sometimes" and no metadata, the span was lost).
            UNREGISTERED | REGISTERING => self.register(owner),
            interest => interest,
        };
        match interest {
            NEVER => false,
            ALWAYS => true,
            _ => self
                .metadata
                .get()
                .is_some_and(|meta| tracing::dispatcher::get_default(|d| d.enabled(meta))),
        }
    }

    /// Builds the metadata and registers the callsite (once; a thread that loses the race
    /// waits for the metadata, then treats the site as "sometimes" until the winner is done).
    #[cold]
    fn register(&'static self, owner: Option<fn() -> &'static str>) -> u8 {
        let swapped = self.interest.compare_exchange(
            UNREGISTERED,
            REGISTERING,
            Ordering::AcqRel,
            Ordering::Acquire,
        );
        // The loser must not see the site without metadata (it would read as disabled and the
        // invocation would get no span): `get_or_init` waits for the winner's.
        self.build(owner);
        if swapped.is_err() {
            return SOMETIMES;
        }
        callsite::register(self);
        // `register` stored the interest through `set_interest`; read it back.
        match self.interest.load(Ordering::Acquire) {
            REGISTERING => SOMETIMES,
            interest => interest,
        }
    }

    /// The site's metadata, built by the first caller (the others wait for it).
    fn build(&'static self, owner: Option<fn() -> &'static str>) -> &'static Metadata<'static> {
        self.metadata.get_or_init(|| {
            let name = match owner {
                Some(type_name) => {
                    let full = type_name();
                    let path = full.split('<').next().unwrap_or(full);
                    let short = path.rsplit("::").next().unwrap_or(path);
                    // One name per callsite, made once: a bounded leak.
                    &*Box::leak(format!("{short}::{}", self.meta.name()).into_boxed_str())
                }
                None => self.meta.name(),
            };
            Metadata::new(
                name,
                self.meta.module_path(),
                self.level,
                Some(self.meta.file()),
                Some(self.meta.line()),
                Some(self.meta.module_path()),
                FieldSet::new(self.fields, tracing_core::identify_callsite!(self)),
                Kind::SPAN,
            )
        })
    }
}

impl Callsite for SpanSite {
    fn set_interest(&self, interest: Interest) {
        let value = if interest.is_never() {
            NEVER
        } else if interest.is_always() {
            ALWAYS
        } else {
            SOMETIMES
        };
        self.interest.store(value, Ordering::Release);
    }

    fn metadata(&self) -> &Metadata<'_> {
        // Registered only after the metadata is built, so the placeholder is never asked for.
        self.metadata.get().unwrap_or(&PLACEHOLDER)
    }
}

/// The metadata of a site asked for it before it was built (which does not happen).
static PLACEHOLDER: Metadata<'static> = Metadata::new(
    "traced_async",
    "traced_async",
    Level::TRACE,
    None,
    None,
    None,
    FieldSet::new(&[], tracing_core::identify_callsite!(&PLACEHOLDER_SITE)),
    Kind::SPAN,
);

/// The callsite of [`PLACEHOLDER`].
struct PlaceholderSite;

static PLACEHOLDER_SITE: PlaceholderSite = PlaceholderSite;

impl Callsite for PlaceholderSite {
    fn set_interest(&self, _: Interest) {}

    fn metadata(&self) -> &Metadata<'_> {
        &PLACEHOLDER
    }
}

/// Enters `span` and stores it in the bridge of the frame expecting it; with no frame
/// expecting one (a body polled outside its frame's first bridged poll), the span just closes.
#[inline(always)]
fn hand_off(span: Span) {
    let _ = EXPECTING.try_with(|slot| {
        let bridge = slot.replace(ptr::null_mut());
        if bridge.is_null() {
            return;
        }
        enter(&span);
        // SAFETY: a non-null slot points to the bridge of a frame whose bridged poll is in
        // progress on this thread (see `EXPECTING`): alive, pinned in its `Traced`, and reached
        // during that poll only through the pointer `begin` made, which this one is (the
        // `Polling` holding the frame's borrow uses the same pointer). Nothing else holds a
        // reference to the bridge now: this runs inside the body's poll, which the frame's
        // `poll_bridged` calls between `begin` and `end` without touching the bridge.
        unsafe { (*bridge).span = span };
    });
}

#[inline(always)]
fn enter(span: &Span) {
    span.with_subscriber(|(id, dispatch)| dispatch.enter(id));
}

#[inline(always)]
fn exit(span: &Span) {
    span.with_subscriber(|(id, dispatch)| dispatch.exit(id));
}

/// A frame's part of the bridge: its open span, inline (a 48-byte frame part; boxed, it cost
/// an allocation per invocation, more than the rest of the bridge's bookkeeping).
#[derive(Debug)]
pub(crate) struct Bridge {
    /// The invocation's span: `Span::none()` before its first bridged poll, when no subscriber
    /// wanted it, and after it closed. Its metadata's level is the events' level.
    span: Span,
    /// The code of the state the last poll ended in (an await point's index while suspended),
    /// for the cancellation event.
    at: u16,
}

impl Bridge {
    pub(crate) const fn new() -> Self {
        Bridge {
            span: Span::none(),
            at: NONE,
        }
    }

    /// Starts a poll made while a subscriber may want spans ([`maybe`]): enters the frame's
    /// span, or, for a frame without one, expects its body's (which only a first poll opens).
    /// With no recorder active, the bridge keeps the poll's marks itself, from `region`, so
    /// suspensions are known and the frame's await points are not taken for the awaiting
    /// frame's.
    #[inline]
    pub(crate) fn begin(&mut self, region: u16) -> Polling<'_> {
        let expecting = self.span.is_none();
        if !expecting {
            enter(&self.span);
        }
        // The one pointer through which the bridge is reached until the poll ends.
        let bridge = ptr::from_mut(self);
        let outer = if expecting {
            Some(expect(bridge))
        } else {
            None
        };
        let own_marks = Activity::now().is_idle();
        let saved = own_marks.then(|| context::with(|c| c.enter_counting(region)));
        Polling {
            bridge,
            outer,
            saved,
            borrow: PhantomData,
        }
    }

    /// The frame is dropped: a frame suspended in a span is cancelled there. Inline, so the
    /// common drop (no span) costs a compare and leaves nothing for the field's own drop.
    #[inline(always)]
    pub(crate) fn dropped(&mut self, meta: &'static FnMeta) {
        if !self.span.is_none() {
            cancel(meta, self);
        }
    }
}

/// Puts `bridge` in the hand-off slot, returning what it held.
#[inline(always)]
fn expect(bridge: *mut Bridge) -> *mut Bridge {
    EXPECTING
        .try_with(|slot| slot.replace(bridge))
        .unwrap_or(ptr::null_mut())
}

/// The cancellation event of an invocation dropped in its span, then the span's close.
#[cold]
#[inline(never)]
fn cancel(meta: &'static FnMeta, bridge: &mut Bridge) {
    let span = std::mem::replace(&mut bridge.span, Span::none());
    enter(&span);
    cancelled(meta, bridge.at, level_of(&span));
    exit(&span);
}

/// The level of `span` (its site's), for the events inside it.
fn level_of(span: &Span) -> Level {
    span.metadata().map_or(Level::INFO, |meta| *meta.level())
}

/// One poll in progress; [`end`](Polling::end) finishes it, a drop without it means the
/// body's poll unwound.
pub(crate) struct Polling<'a> {
    /// The frame's bridge, as `begin` had it (see `EXPECTING`, which may hold the same pointer).
    bridge: *mut Bridge,
    /// For a frame without a span: the hand-off slot's value before the poll, restored after.
    outer: Option<*mut Bridge>,
    /// The marks the poll replaced, when the bridge keeps its own.
    saved: Option<Marks>,
    /// The frame's bridge stays borrowed for the whole poll.
    borrow: PhantomData<&'a mut Bridge>,
}

impl Polling<'_> {
    /// The frame's bridge.
    fn bridge(&mut self) -> &mut Bridge {
        // SAFETY: `bridge` was made in `begin` from the `&'a mut Bridge` this `Polling` keeps
        // borrowed (`borrow`), so the bridge is alive and nothing else uses it meanwhile; the
        // hand-off slot's copy of the pointer is used only inside the body's poll, before this
        // (`end` and the unwinding drop run after the body's poll returned or unwound).
        unsafe { &mut *self.bridge }
    }

    /// Ends a poll that returned: emits the suspension event (the span still entered) or
    /// closes the span when `ready`. `recorded` is the frame's state code after the poll, which
    /// the recorder's paths set when the bridge kept no marks. Inline: fewer instructions per
    /// poll and per call than a call (BENCHMARKS.md, the bridge's 2026-12-02 pass).
    #[inline(always)]
    pub(crate) fn end(self, meta: &'static FnMeta, ready: bool, recorded: u16, region: &mut u16) {
        let mut this = ManuallyDrop::new(self);
        this.restore_slot();
        let code = match this.saved.take() {
            Some(saved) => {
                let marks = context::exit_marks(saved);
                *region = marks.region();
                marks.end_code(meta, ready, |_| {
                    context::take_pended();
                })
            }
            None if ready => State::Returned.encode(),
            None => recorded,
        };
        let bridge = this.bridge();
        if bridge.span.is_none() {
            return;
        }
        bridge.at = code;
        exit_after(meta, ready, code, bridge);
    }

    /// For a frame without a span: restores the hand-off slot. Inline: a frame with its span
    /// (every poll after the first) pays one compare.
    #[inline(always)]
    fn restore_slot(&mut self) {
        if let Some(outer) = self.outer.take() {
            let _ = EXPECTING.try_with(|slot| slot.set(outer));
        }
    }
}

/// After a poll of an invocation with a span: the suspension event and the span's exit, or
/// when `ready` the exit and the close.
#[inline(always)]
fn exit_after(meta: &'static FnMeta, ready: bool, code: u16, bridge: &mut Bridge) {
    if ready {
        exit(&bridge.span);
        // Closes the span.
        bridge.span = Span::none();
    } else {
        suspended(meta, code, &bridge.span);
    }
}

impl Drop for Polling<'_> {
    /// The body's poll unwound: the span records the error and closes.
    #[cold]
    #[inline(never)]
    fn drop(&mut self) {
        self.restore_slot();
        if let Some(saved) = self.saved.take() {
            context::discard_pended(context::exit_marks(saved));
        }
        let bridge = self.bridge();
        if bridge.span.is_none() {
            return;
        }
        let span = std::mem::replace(&mut bridge.span, Span::none());
        span.record("otel.status_code", "error");
        panicked();
        exit(&span);
    }
}

/// `tracing::event!` at a level known only at run time.
macro_rules! event_at {
    ($level:expr, target: $target:expr, $($rest:tt)*) => {{
        let level: Level = $level;
        if level == Level::TRACE {
            tracing::event!(target: $target, Level::TRACE, $($rest)*)
        } else if level == Level::DEBUG {
            tracing::event!(target: $target, Level::DEBUG, $($rest)*)
        } else if level == Level::INFO {
            tracing::event!(target: $target, Level::INFO, $($rest)*)
        } else if level == Level::WARN {
            tracing::event!(target: $target, Level::WARN, $($rest)*)
        } else {
            tracing::event!(target: $target, Level::ERROR, $($rest)*)
        }
    }};
}

/// The fields of a suspension event.
const AWAIT_FIELDS: [&str; 4] = ["message", "await.index", "await.line", "await.expr"];

/// One suspension-event callsite per level (an event's level is its callsite's).
macro_rules! await_sites {
    ($($site:ident $meta:ident $level:ident),*) => {
        $(
            static $meta: Metadata<'static> = Metadata::new(
                "suspended",
                "traced_async::await",
                Level::$level,
                Some(file!()),
                Some(line!()),
                Some(module_path!()),
                FieldSet::new(&AWAIT_FIELDS, tracing_core::identify_callsite!(&$site)),
                Kind::EVENT,
            );
            static $site: DefaultCallsite = DefaultCallsite::new(&$meta);
        )*
        /// The suspension-event callsite at `level`.
        fn await_site(level: Level) -> &'static DefaultCallsite {
            $(if level == Level::$level {
                return &$site;
            })*
            &AWAIT_INFO
        }
    };
}

await_sites!(
    AWAIT_TRACE AWAIT_TRACE_META TRACE,
    AWAIT_DEBUG AWAIT_DEBUG_META DEBUG,
    AWAIT_INFO AWAIT_INFO_META INFO,
    AWAIT_WARN AWAIT_WARN_META WARN,
    AWAIT_ERROR AWAIT_ERROR_META ERROR
);

/// The event of a poll that suspended at state `code`, at the span's level, dispatched to the
/// span's own subscriber as its child (the span is entered: the same parent as a contextual
/// event, without looking up the thread's current subscriber); then the span's exit, in the
/// same look-up of the span's subscriber.
fn suspended(meta: &'static FnMeta, code: u16, span: &Span) {
    let site = await_site(level_of(span));
    let interest = site.interest();
    let event_meta = site.metadata();
    span.with_subscriber(|(id, dispatch)| {
        if !interest.is_never() && (interest.is_always() || dispatch.enabled(event_meta)) {
            send_suspended(meta, code, event_meta, id, dispatch);
        }
        dispatch.exit(id);
    });
}

/// The suspension event itself (see [`suspended`]).
#[inline(always)]
fn send_suspended(
    meta: &'static FnMeta,
    code: u16,
    event_meta: &'static Metadata<'static>,
    id: &tracing::Id,
    dispatch: &tracing::Dispatch,
) {
    let fields = event_meta.fields();
    let dispatch_with = |values: &[Option<&dyn Value>]| {
        let values = fields.value_set_all(values);
        dispatch.event(&tracing_core::Event::new_child_of(
            id.clone(),
            event_meta,
            &values,
        ));
    };
    match State::decode(code).await_meta(meta) {
        Some(point) => {
            let message = format_args!("suspended at await#{}", point.label());
            // Signed: tracing-opentelemetry keeps i64 values as integers, u64 ones as strings.
            let (index, line) = (i64::from(point.index()), i64::from(point.line()));
            let expr = point.expr();
            dispatch_with(&[Some(&message), Some(&index), Some(&line), Some(&expr)]);
        }
        None if code == State::Hidden.encode() => {
            let message = format_args!(
                "suspended at await#? (inside a macro call the attribute does not see)"
            );
            dispatch_with(&[Some(&message), None, None, None]);
        }
        // The recorder is active but did not record this fn: the await point is unknown.
        None => {
            let message = format_args!("suspended");
            dispatch_with(&[Some(&message), None, None, None]);
        }
    }
}

/// The event of an invocation dropped while suspended at state `code`.
fn cancelled(meta: &'static FnMeta, code: u16, level: Level) {
    match State::decode(code).await_meta(meta) {
        Some(point) => event_at!(
            level,
            target: "traced_async::cancel",
            "await.index" = i64::from(point.index()),
            "await.line" = i64::from(point.line()),
            "await.expr" = point.expr(),
            "cancelled at await#{}",
            point.label()
        ),
        None => event_at!(level, target: "traced_async::cancel", "cancelled"),
    }
}

/// The event of a poll that panicked, at ERROR whatever the span's level.
fn panicked() {
    tracing::event!(target: "traced_async::panic", Level::ERROR, "panicked");
}

/// An argument recorded with `Debug` when its type implements it, left out otherwise (the
/// autoref choice between [`DebugArg`] and [`NotDebug`]).
#[doc(hidden)]
pub struct Arg<'a, T: ?Sized>(pub &'a T);

#[doc(hidden)]
/// Chosen for an argument whose type implements `Debug`.
pub trait DebugArg {
    /// The argument's value, recorded with `Debug`.
    type Recorded: Value;
    /// The value to record.
    fn __traced_async_value(&self) -> Self::Recorded;
}

impl<'a, T: std::fmt::Debug + ?Sized> DebugArg for Arg<'a, T> {
    type Recorded = Option<tracing::field::DebugValue<&'a T>>;
    #[inline]
    fn __traced_async_value(&self) -> Self::Recorded {
        Some(tracing::field::debug(self.0))
    }
}

#[doc(hidden)]
/// Chosen for any other argument: nothing recorded.
pub trait NotDebug {
    /// Nothing.
    fn __traced_async_value(&self) -> Option<tracing::field::Empty>;
}

impl<T: ?Sized> NotDebug for &Arg<'_, T> {
    #[inline]
    fn __traced_async_value(&self) -> Option<tracing::field::Empty> {
        None
    }
}

pin_project_lite::pin_project! {
    /// A traced body with `ret` or `err`: `on_output` sees its output, inside its span.
    #[doc(hidden)]
    pub struct Output<F, C> {
        #[pin]
        body: F,
        on_output: Option<C>,
    }
}

impl<F: std::future::Future, C: FnOnce(&F::Output)> Output<F, C> {
    #[doc(hidden)]
    /// Wraps a body; called by the attribute's expansion.
    pub fn new(body: F, on_output: C) -> Self {
        Output {
            body,
            on_output: Some(on_output),
        }
    }
}

impl<F: std::future::Future, C: FnOnce(&F::Output)> std::future::Future for Output<F, C> {
    type Output = F::Output;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        let this = self.project();
        let poll = this.body.poll(cx);
        if let std::task::Poll::Ready(output) = &poll
            && let Some(on_output) = this.on_output.take()
        {
            on_output(output);
        }
        poll
    }
}
