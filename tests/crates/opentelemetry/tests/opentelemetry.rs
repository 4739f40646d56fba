//! `#[traced_async]` spans through `tracing-opentelemetry` into `opentelemetry_sdk`'s in-memory
//! span exporter: a small request handler on tokio's multi-thread runtime.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use opentelemetry::trace::{SpanId, Status, TracerProvider as _};
use opentelemetry::{KeyValue, Value};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use tracing::instrument::WithSubscriber;
use tracing_subscriber::layer::SubscriberExt;

/// Pending once (a thread wakes it after `for_`), then ready: exactly one suspension, and at
/// least `for_` of idle time, whatever the machine's load.
struct Pause {
    for_: Duration,
    woken: Arc<AtomicBool>,
    started: bool,
}

fn pause(ms: u64) -> Pause {
    Pause {
        for_: Duration::from_millis(ms),
        woken: Arc::new(AtomicBool::new(false)),
        started: false,
    }
}

impl Future for Pause {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.woken.load(Ordering::Acquire) {
            return Poll::Ready(());
        }
        if !self.started {
            self.started = true;
            let (for_, woken, waker) = (self.for_, self.woken.clone(), cx.waker().clone());
            std::thread::spawn(move || {
                std::thread::sleep(for_);
                woken.store(true, Ordering::Release);
                waker.wake();
            });
        }
        Poll::Pending
    }
}

/// Keeps the thread busy for `ms` without yielding: busy time a span must show.
fn spin(ms: u64) {
    let until = Instant::now() + Duration::from_millis(ms);
    while Instant::now() < until {
        std::hint::spin_loop();
    }
}

// The handler: a request loads a user, then renders a page; a bad request panics.

#[traced_async::traced_async]
async fn handle(id: u64) -> u64 {
    let user = load_user(id).await;
    render(user).await
}

#[traced_async::traced_async]
async fn load_user(id: u64) -> u64 {
    pause(20).await;
    id + 100
}

#[traced_async::traced_async]
async fn render(user: u64) -> u64 {
    spin(5);
    pause(1).await;
    pause(2).await;
    user * 2
}

#[traced_async::traced_async]
async fn bad_request() -> u64 {
    pause(3).await;
    panic!("bad request")
}

#[traced_async::traced_async]
async fn wait_for_ever() {
    std::future::pending::<()>().await;
}

/// A request given up on: its call is polled once, then dropped while it waits.
async fn given_up() -> bool {
    let mut call = Box::pin(wait_for_ever());
    let pending = std::future::poll_fn(|cx| Poll::Ready(call.as_mut().poll(cx).is_pending()));
    let was_pending = pending.await;
    drop(call);
    was_pending
}

/// A tracer provider exporting synchronously into memory, and a `tracing` dispatcher that feeds
/// it through `tracing-opentelemetry`.
fn pipeline() -> (SdkTracerProvider, InMemorySpanExporter, tracing::Dispatch) {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer("traced-async-test"));
    let dispatch = tracing::Dispatch::new(tracing_subscriber::registry().with(layer));
    (provider, exporter, dispatch)
}

/// Runs `f`'s futures on tokio's multi-thread runtime (two workers), each spawned as a task of
/// its own with the pipeline's dispatcher, and returns every exported span.
fn export<F>(futures: Vec<F>) -> (Vec<std::thread::Result<F::Output>>, Vec<SpanData>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (provider, exporter, dispatch) = pipeline();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("a tokio runtime");
    let outputs = runtime.block_on(async {
        let tasks: Vec<_> = futures
            .into_iter()
            .map(|f| tokio::spawn(f.with_subscriber(dispatch.clone())))
            .collect();
        let mut outputs = Vec::new();
        for task in tasks {
            outputs.push(task.await.map_err(|e| e.into_panic()));
        }
        outputs
    });
    drop(runtime);
    provider.force_flush().expect("flushed");
    let spans = exporter.get_finished_spans().expect("finished spans");
    (outputs, spans)
}

fn attribute<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a Value> {
    attributes
        .iter()
        .find(|kv| kv.key.as_str() == key)
        .map(|kv| &kv.value)
}

/// An integer attribute: the bridge records its numbers (`code.lineno`, `await.index`,
/// `await.line`) as `i64`, which tracing-opentelemetry exports as integers.
fn int(attributes: &[KeyValue], key: &str) -> i64 {
    match attribute(attributes, key) {
        Some(Value::I64(n)) => *n,
        other => panic!("attribute {key}: expected an integer, found {other:?}"),
    }
}

fn string(attributes: &[KeyValue], key: &str) -> String {
    match attribute(attributes, key) {
        Some(value) => value.as_str().into_owned(),
        None => panic!("attribute {key} missing in {attributes:?}"),
    }
}

fn named<'a>(spans: &'a [SpanData], name: &str) -> Vec<&'a SpanData> {
    spans.iter().filter(|s| s.name == name).collect()
}

fn only<'a>(spans: &'a [SpanData], name: &str) -> &'a SpanData {
    match named(spans, name)[..] {
        [span] => span,
        ref all => panic!("{} spans named {name}, expected one", all.len()),
    }
}

/// The line of this file that ends with `needle` (or `needle;`): there must be one.
fn line_of(needle: &str) -> i64 {
    let source = include_str!("opentelemetry.rs");
    let lines: Vec<usize> = (source.lines().enumerate())
        .filter(|(_, line)| {
            let line = line.trim_end();
            line.ends_with(needle) || line.strip_suffix(';').is_some_and(|l| l.ends_with(needle))
        })
        .map(|(i, _)| i + 1)
        .collect();
    match lines[..] {
        [line] => line as i64,
        _ => panic!("{needle:?} stands on lines {lines:?}, expected one"),
    }
}

/// The suspension events of a span: (await.index, await.line, await.expr). Each is named by
/// its message, as OpenTelemetry names events.
fn suspensions(span: &SpanData) -> Vec<(i64, i64, String)> {
    span.events
        .iter()
        .filter(|e| {
            attribute(&e.attributes, "target").map(|t| t.as_str())
                == Some("traced_async::await".into())
        })
        .map(|e| {
            let index = int(&e.attributes, "await.index");
            assert_eq!(e.name, format!("suspended at await#{index}"));
            (
                index,
                int(&e.attributes, "await.line"),
                string(&e.attributes, "await.expr"),
            )
        })
        .collect()
}

#[test]
fn a_request_is_a_tree_of_spans_with_its_suspensions() {
    let (outputs, spans) = export(vec![handle(1)]);
    assert_eq!(
        outputs.into_iter().map(|o| o.ok()).collect::<Vec<_>>(),
        [Some(202)]
    );
    let names: Vec<&str> = spans.iter().map(|s| &*s.name).collect();
    // Exported as they end: the children first.
    assert_eq!(names, ["load_user", "render", "handle"]);

    let (handle, load_user, render) = (
        only(&spans, "handle"),
        only(&spans, "load_user"),
        only(&spans, "render"),
    );
    assert_eq!(
        handle.parent_span_id,
        SpanId::INVALID,
        "the request is a root span"
    );
    for child in [load_user, render] {
        assert_eq!(
            child.parent_span_id,
            handle.span_context.span_id(),
            "{}",
            child.name
        );
        assert_eq!(
            child.span_context.trace_id(),
            handle.span_context.trace_id()
        );
    }

    assert_eq!(
        string(&handle.attributes, "code.namespace"),
        "opentelemetry"
    );
    assert!(string(&handle.attributes, "code.filepath").ends_with("tests/opentelemetry.rs"));

    let at = |expr: &str| (line_of(&format!("{expr}.await")), expr.to_string());
    let [pause20, pause1, pause2, load, render_] = [
        "pause(20)",
        "pause(1)",
        "pause(2)",
        "load_user(id)",
        "render(user)",
    ]
    .map(at);
    let indexed = |i, (line, expr)| (i, line, expr);
    assert_eq!(suspensions(load_user), [indexed(0, pause20)]);
    assert_eq!(
        suspensions(render),
        [indexed(0, pause1), indexed(1, pause2)]
    );
    // handle suspends whenever a child does, at the await that polls the child.
    assert_eq!(
        suspensions(handle),
        [
            indexed(0, load),
            indexed(1, render_.clone()),
            indexed(1, render_)
        ]
    );

    // busy_ns/idle_ns: the span is entered around each poll, so the 5 ms spin is busy time, and
    // the pauses are idle time but for the part that overlaps the poll that started them (which
    // a loaded machine can stretch): together they cover the span's life.
    let busy = |span: &SpanData| int(&span.attributes, "busy_ns");
    let idle = |span: &SpanData| int(&span.attributes, "idle_ns");
    let ms = 1_000_000;
    assert!(idle(load_user) > 0, "{:?}", load_user.attributes);
    assert!(
        busy(load_user) + idle(load_user) >= 20 * ms,
        "{:?}",
        load_user.attributes
    );
    assert!(busy(render) >= 5 * ms, "{:?}", render.attributes);
    assert!(
        busy(render) + idle(render) >= 8 * ms,
        "{:?}",
        render.attributes
    );
    // handle is entered while its children run in its polls: their busy time is its own too.
    assert!(busy(handle) >= 5 * ms, "{:?}", handle.attributes);
    assert!(
        busy(handle) + idle(handle) >= 28 * ms,
        "{:?}",
        handle.attributes
    );
    assert_eq!(handle.status, Status::Unset);
}

#[test]
fn concurrent_requests_are_separate_traces() {
    let (outputs, spans) = export(vec![handle(1), handle(2), handle(3)]);
    assert!(outputs.iter().all(|o| o.is_ok()));
    let roots = named(&spans, "handle");
    assert_eq!(roots.len(), 3);
    for root in &roots {
        let children: Vec<&str> = spans
            .iter()
            .filter(|s| s.parent_span_id == root.span_context.span_id())
            .map(|s| &*s.name)
            .collect();
        assert_eq!(children, ["load_user", "render"]);
        assert!(
            spans
                .iter()
                .filter(|s| s.span_context.trace_id() == root.span_context.trace_id())
                .all(|s| s.parent_span_id == SpanId::INVALID
                    || s.parent_span_id == root.span_context.span_id())
        );
    }
    let traces: HashSet<_> = roots.iter().map(|r| r.span_context.trace_id()).collect();
    assert_eq!(traces.len(), 3);
}

#[test]
fn a_panic_is_an_error_span() {
    let (outputs, spans) = export(vec![bad_request()]);
    let panic = outputs
        .into_iter()
        .next()
        .unwrap()
        .expect_err("the request panicked");
    assert_eq!(panic.downcast_ref::<&str>(), Some(&"bad request"));
    let span = only(&spans, "bad_request");
    assert!(
        matches!(span.status, Status::Error { .. }),
        "{:?}",
        span.status
    );
    let line = line_of("pause(3).await");
    assert_eq!(suspensions(span), [(0, line, "pause(3)".to_string())]);
    let last = span.events.iter().last().expect("events");
    assert_eq!(last.name, "panicked");
    assert_eq!(string(&last.attributes, "target"), "traced_async::panic");
    assert_eq!(string(&last.attributes, "level"), "ERROR");
}

#[test]
fn a_cancelled_call_ends_with_a_cancel_event() {
    let (outputs, spans) = export(vec![given_up()]);
    assert_eq!(
        outputs.into_iter().map(|o| o.ok()).collect::<Vec<_>>(),
        [Some(true)]
    );
    let span = only(&spans, "wait_for_ever");
    let line = line_of("std::future::pending::<()>().await");
    let expr = "std::future::pending::<()>()".to_string();
    assert_eq!(suspensions(span), [(0, line, expr)]);
    let last = span.events.iter().last().expect("events");
    assert_eq!(last.name, "cancelled at await#0");
    assert_eq!(string(&last.attributes, "target"), "traced_async::cancel");
    assert_eq!(int(&last.attributes, "await.line"), line);
    assert_eq!(span.status, Status::Unset, "a cancellation is no error");
}
