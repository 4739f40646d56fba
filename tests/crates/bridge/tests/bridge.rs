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
        let span = ctx.event_span(event).map_or("-".to_owned(), |s| s.name().to_owned());
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
        let name = ctx.span(&id).map_or("?".to_owned(), |s| s.name().to_owned());
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
             code.lineno={HANDLER} code.namespace=bridge request_id=7 double=14 id=7"
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
    assert_eq!(lines.last().map(String::as_str), Some("close handler"), "{lines:#?}");
    let events = lines.iter().filter(|l| l.starts_with("event")).count();
    assert_eq!(events, 4, "{lines:#?}");
}
