//! The `tracing` bridge: each traced invocation is a span (name, target, level, `code.*`
//! fields, the attribute's fields and the arguments), entered around every poll, a child of the
//! invocation awaiting it, with an event per suspension, panic and cancellation.

#[path = "../../../common/mod.rs"]
mod common;

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use common::io;
use traced_async::traced_async;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// What the capturing layer saw, one line per span opened, entered, closed and per event.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>);

impl Seen {
    fn lines(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
    fn push(&self, line: String) {
        self.0.lock().unwrap().push(line);
    }
}

/// `name=value` pairs, in order.
#[derive(Default)]
struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        let _ = write!(self.0, "{}={:?}", field.name(), value);
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if !self.0.is_empty() {
            self.0.push(' ');
        }
        let _ = write!(self.0, "{}={value}", field.name());
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Seen {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        let meta = attrs.metadata();
        let parent = ctx
            .span(id)
            .and_then(|s| s.parent())
            .map_or("-".to_owned(), |p| p.name().to_owned());
        let fields = fields.0.replace(meta.file().unwrap_or("?"), "FILE");
        self.push(format!(
            "new {} target={} level={} parent={parent} {fields}",
            meta.name(),
            meta.target(),
            meta.level()
        ));
    }
    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        values.record(&mut fields);
        let name = ctx.span(id).map_or("?", |s| s.name());
        self.push(format!("record {name} {}", fields.0));
    }
    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let span = ctx
            .event_span(event)
            .map_or("-".to_owned(), |s| s.name().to_owned());
        let meta = event.metadata();
        self.push(format!(
            "event in={span} target={} level={} {}",
            meta.target(),
            meta.level(),
            fields.0
        ));
    }
    fn on_enter(&self, id: &Id, ctx: Context<'_, S>) {
        let name = ctx.span(id).map_or("?", |s| s.name());
        self.push(format!("enter {name}"));
    }
    fn on_exit(&self, id: &Id, ctx: Context<'_, S>) {
        let name = ctx.span(id).map_or("?", |s| s.name());
        self.push(format!("exit {name}"));
    }
    fn on_close(&self, id: Id, ctx: Context<'_, S>) {
        let name = ctx
            .span(&id)
            .map_or("?".to_owned(), |s| s.name().to_owned());
        self.push(format!("close {name}"));
    }
}

/// Runs `f` with a subscriber capturing into a fresh `Seen`; returns what it saw.
fn seen<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    let layer = Seen::default();
    let subscriber = tracing_subscriber::registry().with(layer.clone());
    let out = tracing::subscriber::with_default(subscriber, f);
    (out, layer.lines())
}

const LEAF: u32 = line!() + 2;
#[traced_async]
async fn leaf(ms: u64, name: &str) -> usize {
    io(1, ()).await;
    name.len() + ms as usize
}

// `id` is named only in `fields`, not in the body: it is not recorded again as an argument.
const HANDLER: u32 = line!() + 2;
#[traced_async(fields(request_id = %id, double = ?(id * 2), empty))]
async fn handler(id: u32) -> usize {
    let a = leaf(10, "header").await;
    let b = leaf(20, "body").await;
    a + b
}

#[test]
fn a_span_per_invocation_with_its_fields_parent_and_a_suspension_event() {
    let (out, lines) = seen(|| futures::executor::block_on(handler(7)));
    assert_eq!(out, 10 + 6 + 20 + 4);
    let expected = [
        format!(
            "new handler target=bridge level=INFO parent=- code.filepath=FILE \
             code.lineno={HANDLER} code.namespace=bridge request_id=7 double=14"
        ),
        "enter handler".into(),
        format!(
            "new leaf target=bridge level=INFO parent=handler code.filepath=FILE \
             code.lineno={LEAF} code.namespace=bridge ms=10 name=\"header\""
        ),
        "enter leaf".into(),
        format!(
            "event in=leaf target=traced_async::await level=INFO message=suspended at await#0 \
             await.index=0 await.line={} await.expr=io(1, ())",
            LEAF + 1
        ),
        "exit leaf".into(),
        format!(
            "event in=handler target=traced_async::await level=INFO message=suspended at \
             await#0 await.index=0 await.line={} await.expr=leaf(10, \"header\")",
            HANDLER + 1
        ),
        "exit handler".into(),
        "enter handler".into(),
        "enter leaf".into(),
        "exit leaf".into(),
        "close leaf".into(),
    ];
    assert_eq!(lines[..expected.len()], expected, "{lines:#?}");
    assert_eq!(
        lines.last().map(String::as_str),
        Some("close handler"),
        "{lines:#?}"
    );
    let events = lines.iter().filter(|l| l.starts_with("event")).count();
    assert_eq!(events, 4, "{lines:#?}");
}

/// Not `Debug`: an argument of this type is left out, and the fn still compiles.
struct Opaque;

#[derive(Debug)]
struct Counter(u32);

impl Counter {
    #[traced_async(level = "debug", skip(unused))]
    async fn get<T>(&self, _opaque: Opaque, generic: T, unused: u8) -> u32 {
        let _ = (generic, unused);
        io(1, ()).await;
        self.0
    }
}

#[test]
fn a_method_is_named_type_method_and_records_what_is_debug() {
    let counter = Counter(3);
    let (out, lines) = seen(|| futures::executor::block_on(counter.get(Opaque, 5u8, 1)));
    assert_eq!(out, 3);
    let new = lines.iter().find(|l| l.starts_with("new")).unwrap();
    // `self` with Debug; `_opaque` (no Debug) and `generic` (no Debug bound) left out.
    assert!(
        new.starts_with("new Counter::get target=bridge level=DEBUG parent=- "),
        "{new}"
    );
    assert!(
        new.ends_with("code.namespace=bridge self=Counter(3)"),
        "{new}"
    );
}

#[traced_async(skip_all, fields(user = "ann"))]
async fn skipped(secret: &str) -> usize {
    secret.len()
}

#[test]
fn skip_all_leaves_every_argument_out() {
    let (_, lines) = seen(|| futures::executor::block_on(skipped("hunter2")));
    assert!(
        lines[0].ends_with("code.namespace=bridge user=ann"),
        "{lines:#?}"
    );
}

#[traced_async(level = "debug")]
async fn quiet() {
    io(1, ()).await;
}

#[test]
fn filtering_is_the_subscribers() {
    let layer = Seen::default();
    let filter = tracing_subscriber::filter::LevelFilter::INFO;
    let subscriber = tracing_subscriber::registry().with(layer.clone().with_filter(filter));
    tracing::subscriber::with_default(subscriber, || futures::executor::block_on(quiet()));
    assert_eq!(layer.lines(), Vec::<String>::new());
    let (_, lines) = seen(|| futures::executor::block_on(quiet()));
    assert_eq!(
        lines[0].split(' ').take(4).collect::<Vec<_>>(),
        ["new", "quiet", "target=bridge", "level=DEBUG"]
    );
}

const FAILS: u32 = line!() + 2;
#[traced_async]
async fn fails(when: u32) -> u32 {
    io(1, ()).await;
    assert!(when != 1, "failed on purpose");
    when
}

#[test]
fn a_panic_is_an_error_event_and_sets_the_status() {
    let (out, lines) = seen(|| std::panic::catch_unwind(|| futures::executor::block_on(fails(1))));
    assert!(out.is_err());
    let tail: Vec<&str> = lines
        .iter()
        .rev()
        .take(4)
        .rev()
        .map(String::as_str)
        .collect();
    assert_eq!(
        tail,
        [
            "record fails otel.status_code=error",
            "event in=fails target=traced_async::panic level=ERROR message=panicked",
            "exit fails",
            "close fails",
        ]
    );
}

#[test]
fn a_cancellation_is_an_event_at_the_await_point() {
    let (_, lines) = seen(|| {
        let mut future = Box::pin(fails(2));
        let waker = std::task::Waker::noop();
        let pending = future
            .as_mut()
            .poll(&mut std::task::Context::from_waker(waker));
        assert!(pending.is_pending());
        drop(future);
    });
    let tail: Vec<&str> = lines
        .iter()
        .rev()
        .take(4)
        .rev()
        .map(String::as_str)
        .collect();
    let cancel = format!(
        "event in=fails target=traced_async::cancel level=INFO message=cancelled at await#0 \
         await.index=0 await.line={} await.expr=io(1, ())",
        FAILS + 1
    );
    assert_eq!(
        tail,
        ["enter fails", cancel.as_str(), "exit fails", "close fails"]
    );
}

#[traced_async(ret, err)]
async fn parse(text: &str) -> Result<u32, std::num::ParseIntError> {
    io(1, ()).await;
    text.parse()
}

#[traced_async(ret(Display))]
async fn shout(text: &str) -> String {
    text.to_uppercase()
}

#[test]
fn ret_and_err_are_events_in_the_span() {
    let (_, lines) = seen(|| {
        futures::executor::block_on(async {
            let _ = parse("12").await;
            let _ = parse("x").await;
            shout("hi").await
        })
    });
    let events: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with("event") && !l.contains("traced_async::"))
        .map(String::as_str)
        .collect();
    assert_eq!(
        events,
        [
            "event in=parse target=bridge level=INFO return=12",
            "event in=parse target=bridge level=ERROR error=invalid digit found in string",
            "event in=shout target=bridge level=INFO return=HI",
        ]
    );
}

#[test]
fn spans_of_two_tasks_stay_apart_on_a_multi_thread_runtime() {
    let (_, lines) = seen(|| {
        let dispatch = tracing::dispatcher::get_default(Clone::clone);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .on_thread_start(move || {
                // Each worker thread records into the test's subscriber.
                let guard = tracing::dispatcher::set_default(&dispatch);
                std::mem::forget(guard);
            })
            .build()
            .unwrap();
        runtime.block_on(async {
            let a = tokio::spawn(handler(1));
            let b = tokio::spawn(handler(2));
            (a.await.unwrap(), b.await.unwrap())
        });
    });
    let new: Vec<&str> = lines
        .iter()
        .filter(|l| l.starts_with("new"))
        .map(|l| l.split(" code.").next().unwrap())
        .collect();
    let roots = new.iter().filter(|l| l.ends_with("parent=-")).count();
    let children = new.iter().filter(|l| l.ends_with("parent=handler")).count();
    assert_eq!((new.len(), roots, children), (6, 2, 4), "{lines:#?}");
}

#[test]
fn fmt_span_close_shows_busy_and_idle_time() {
    use tracing_subscriber::fmt::format::FmtSpan;
    let buffer = Seen::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || Writer(writer.clone()))
        .finish();
    tracing::subscriber::with_default(subscriber, || futures::executor::block_on(leaf(1, "x")));
    let out = buffer.lines().concat();
    assert!(
        out.contains("ms=1 name=\"x\"}: bridge: close time.busy="),
        "{out}"
    );
    assert!(out.contains(" time.idle="), "{out}");
}

/// A `MakeWriter` target collecting what the fmt layer writes.
struct Writer(Seen);

impl std::io::Write for Writer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.push(String::from_utf8_lossy(bytes).into_owned());
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn with_a_capture_scope_both_record() {
    let ((out, trace), lines) = seen(|| traced_async::capture(handler(3)));
    assert_eq!(out, 10 + 6 + 20 + 4);
    assert_eq!(trace.function("leaf").calls(), 2);
    let suspensions: Vec<&str> = lines
        .iter()
        .filter(|l| l.contains("traced_async::await"))
        .map(|l| {
            l.split(" message=")
                .nth(1)
                .unwrap()
                .split(" await.line")
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(
        suspensions,
        [
            "suspended at await#0 await.index=0",
            "suspended at await#0 await.index=0",
            "suspended at await#0 await.index=0",
            "suspended at await#1 await.index=1",
        ]
    );
}

#[traced_async]
async fn raced(i: u32) -> u32 {
    io(1, ()).await;
    i
}

/// Runs `f(i, barrier)` on `threads` new threads under this thread's subscriber, all sharing
/// one barrier (so that they can start something together), and joins them.
fn on_threads_at_once(threads: u32, f: fn(u32, &std::sync::Barrier)) {
    let dispatch = tracing::dispatcher::get_default(Clone::clone);
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(threads as usize));
    let handles: Vec<_> = (0..threads)
        .map(|i| {
            let (dispatch, barrier) = (dispatch.clone(), barrier.clone());
            std::thread::spawn(move || {
                tracing::dispatcher::with_default(&dispatch, || f(i, &barrier))
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
}

// A site first used on several threads at once: the threads that lose the race to register it
// must still open their spans (they used to read it as disabled while the winner built it;
// also a thread that read the site as "registering" before the winner's metadata existed).
#[test]
fn a_site_first_used_on_many_threads_at_once_opens_every_span() {
    const THREADS: u32 = 8;
    let (_, lines) = seen(|| {
        on_threads_at_once(THREADS, |i, barrier| {
            barrier.wait();
            futures::executor::block_on(raced(i));
        })
    });
    let opened = lines.iter().filter(|l| l.starts_with("new raced ")).count();
    assert_eq!(opened, THREADS as usize, "{lines:#?}");
}

/// Distinct traced fns (a site is per fn), for the stress version of the test above.
macro_rules! raced_fns {
    ($($name:ident)*) => {
        $(
            #[traced_async]
            async fn $name(i: u32) -> u32 {
                io(1, ()).await;
                i
            }
        )*
        /// Runs each fn once on this thread, in order.
        fn run_raced_fns(i: u32, barrier: &std::sync::Barrier) {
            $(
                barrier.wait();
                futures::executor::block_on($name(i));
            )*
        }
        /// The fns' names.
        const RACED_FNS: &[&str] = &[$(stringify!($name)),*];
    };
}

raced_fns!(r00 r01 r02 r03 r04 r05 r06 r07 r08 r09 r10 r11 r12 r13 r14 r15
           r16 r17 r18 r19 r20 r21 r22 r23 r24 r25 r26 r27 r28 r29 r30 r31);

// The same race on many fresh sites, each first used on eight threads at once.
#[test]
fn many_sites_first_used_on_many_threads_at_once_open_every_span() {
    const THREADS: u32 = 8;
    let (_, lines) = seen(|| on_threads_at_once(THREADS, run_raced_fns));
    for name in RACED_FNS {
        let prefix = format!("new {name} ");
        let opened = lines.iter().filter(|l| l.starts_with(&prefix)).count();
        assert_eq!(opened, THREADS as usize, "{name}");
    }
}

const ACCEPTS: u32 = line!() + 2;
#[traced_async]
async fn accepts() -> usize {
    // Each form of `traced!`: a named block, an unnamed one, a closure returning a block and
    // an async closure; each is a span, a child of this fn's.
    let named = traced_async::traced!("accept loop", async {
        io(1, ()).await;
        1
    })
    .await;
    let unnamed = traced_async::traced!(async { 2 }).await;
    let returning = traced_async::traced!("returning", |x: usize| async move {
        io(1, ()).await;
        x
    });
    let closure = traced_async::traced!("closure", async |x: usize| x + 1);
    named + unnamed + returning(3).await + closure(4).await
}

#[test]
fn a_traced_block_or_closure_is_a_span_too() {
    let (out, lines) = seen(|| futures::executor::block_on(accepts()));
    assert_eq!(out, 1 + 2 + 3 + 5);
    let named = format!(
        "new accept loop target=bridge level=INFO parent=accepts code.filepath=FILE \
         code.lineno={} code.namespace=bridge",
        ACCEPTS + 3
    );
    assert_eq!(lines[2], named, "{lines:#?}");
    assert_eq!(lines[3], "enter accept loop", "{lines:#?}");
    assert_eq!(
        lines[4],
        format!(
            "event in=accept loop target=traced_async::await level=INFO message=suspended at \
             await#0 await.index=0 await.line={} await.expr=io(1, ())",
            ACCEPTS + 4
        ),
        "{lines:#?}"
    );
    let opened: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("new "))
        .map(|l| l.split(" target=").next().unwrap_or(l))
        .collect();
    let unnamed = format!("<block at {}:{}>", file!(), ACCEPTS + 8);
    assert_eq!(
        opened,
        ["accepts", "accept loop", &unnamed, "returning", "closure"],
        "{lines:#?}"
    );
    for name in ["accept loop", unnamed.as_str(), "returning", "closure"] {
        let new = lines
            .iter()
            .find(|l| l.starts_with(&format!("new {name} ")));
        assert!(
            new.is_some_and(|l| l.contains(" parent=accepts ")),
            "{name}: {lines:#?}"
        );
        assert!(
            lines.contains(&format!("close {name}")),
            "{name}: {lines:#?}"
        );
    }
}
