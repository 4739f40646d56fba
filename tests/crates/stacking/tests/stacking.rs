//! `#[traced_async]` next to other attributes: `#[async_trait]` (on impls and trait default
//! methods, `Send` and `?Send`), `#[tracing::instrument]` and a local helper attribute in both
//! orders, and `#[tokio::main]` / `#[tokio::test]` in both orders.

#[path = "../../../common/mod.rs"]
mod common;

use std::cell::RefCell;

use async_trait::async_trait;
use common::{io, points, states};
use traced_async::{capture, traced_async};
use traced_async_helper_attr::log_entry;

#[async_trait]
trait Store {
    async fn get(&self, key: u32) -> u32;

    #[traced_async]
    async fn get_twice(&self, key: u32) -> u32 {
        self.get(key).await + self.get(key).await
    }
}

struct Memory(u32);

#[async_trait]
impl Store for Memory {
    #[traced_async]
    async fn get(&self, key: u32) -> u32 {
        io(1, self.0 + key).await
    }
}

#[async_trait(?Send)]
trait LocalStore {
    async fn get_local(&self) -> std::rc::Rc<u32>;
}

#[async_trait(?Send)]
impl LocalStore for Memory {
    #[traced_async(name = "local")]
    async fn get_local(&self) -> std::rc::Rc<u32> {
        let rc = std::rc::Rc::new(self.0);
        io(1, ()).await;
        rc
    }
}

#[test]
fn async_trait_methods_are_traced() {
    let (out, trace) = capture(async {
        let store = Memory(1);
        (store.get_twice(1).await, *store.get_local().await)
    });
    assert_eq!(out, (4, 1));
    assert_eq!(trace.function("get").calls(), 2);
    assert_eq!(points(&trace, "get"), ["0 Await io(1, self.0 + key)"]);
    assert_eq!(
        states(&trace, "get"),
        ["await#0", "returned", "await#0", "returned"]
    );
    assert_eq!(points(&trace, "get_twice").len(), 2);
    assert_eq!(states(&trace, "local"), ["await#0", "returned"]);
    fn assert_send<T: Send>(_: &T) {}
    assert_send(&Memory(1).get(1));
}

#[traced_async]
#[tracing::instrument(level = "info", skip(b))]
async fn traced_above_instrument(a: u32, b: u32) -> u32 {
    io(1, a).await + b
}

#[tracing::instrument(level = "info")]
#[traced_async]
async fn instrument_above_traced(a: u32) -> u32 {
    io(1, a).await
}

#[tracing::instrument(err, ret)]
#[traced_async]
async fn instrument_err_ret(a: u32) -> Result<u32, String> {
    let b = io(1, a).await;
    Ok(b + io(0, a).await)
}

#[test]
fn stacks_with_tracing_instrument_in_both_orders() {
    let (out, trace) = capture(async {
        (
            traced_above_instrument(1, 2).await,
            instrument_above_traced(3).await,
            instrument_err_ret(4).await,
        )
    });
    assert_eq!(out, (3, 3, Ok(8)));
    // Above #[instrument], the attribute sees the body as written: the user's await points.
    assert_eq!(
        points(&trace, "traced_above_instrument"),
        ["0 Await io(1, a)"]
    );
    assert_eq!(
        states(&trace, "traced_above_instrument"),
        ["await#0", "returned"]
    );
    // Below it, the attribute finds the user's block inside #[instrument]'s expansion.
    assert_eq!(
        points(&trace, "instrument_above_traced"),
        ["0 Await io(1, a)"]
    );
    assert_eq!(
        states(&trace, "instrument_above_traced"),
        ["await#0", "returned"]
    );
    assert_eq!(
        points(&trace, "instrument_err_ret"),
        ["0 Await io(1, a)", "1 Await io(0, a)"]
    );
    assert_eq!(
        states(&trace, "instrument_err_ret"),
        ["await#0", "returned"]
    );
}

thread_local! {
    static ENTERED: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

#[traced_async]
#[log_entry(ENTERED)]
async fn traced_above_helper() -> u32 {
    io(1, 1).await
}

#[log_entry(ENTERED)]
#[traced_async]
async fn helper_above_traced() -> u32 {
    io(1, 2).await
}

#[test]
fn stacks_with_a_helper_attribute_in_both_orders() {
    let (out, trace) = capture(async { traced_above_helper().await + helper_above_traced().await });
    assert_eq!(out, 3);
    assert_eq!(
        ENTERED.with(|e| e.borrow().clone()),
        ["traced_above_helper", "helper_above_traced"]
    );
    for name in ["traced_above_helper", "helper_above_traced"] {
        assert_eq!(points(&trace, name).len(), 1, "{name}");
        assert_eq!(states(&trace, name), ["await#0", "returned"], "{name}");
    }
}

#[traced_async]
#[tokio::test]
async fn under_tokio_test() {
    let (out, trace) = capture(async { io(1, 5).await });
    assert_eq!(out, 5);
    assert!(trace.transitions().is_empty());
    tokio::task::yield_now().await;
}

#[traced_async(name = "tokio_main_traced")]
#[tokio::main(flavor = "current_thread")]
async fn tokio_main_below() -> u32 {
    io(1, 6).await
}

#[test]
fn stacks_above_tokio_main() {
    assert_eq!(tokio_main_below(), 6);
}

// Below tokio's attributes, the attribute finds tokio's plain fn and traces the async block
// tokio made of the body.
#[tokio::main(flavor = "current_thread")]
#[traced_async]
async fn tokio_main_above() -> u32 {
    io(1, 7).await
}

#[test]
fn stacks_below_tokio_main() {
    let (out, trace) = capture(async { tokio_main_above() });
    assert_eq!(out, 7);
    assert_eq!(points(&trace, "tokio_main_above").len(), 1);
    assert_eq!(states(&trace, "tokio_main_above"), ["await#0", "returned"]);
}

#[tokio::test]
#[traced_async]
async fn below_tokio_test() {
    io(1, 8).await;
    tokio::task::yield_now().await;
}

#[test]
fn stacks_below_tokio_test() {
    let ((), trace) = capture(async { below_tokio_test() });
    let points = points(&trace, "below_tokio_test");
    assert_eq!(points.len(), 2);
    assert_eq!(points[1], "1 Await tokio::task::yield_now()");
    assert_eq!(
        states(&trace, "below_tokio_test"),
        ["await#0", "await#1", "returned"]
    );
}

/// With the `tracing` bridge, each order gives two spans of the fn, one the child of the
/// other: the attribute that runs first (the upper one) makes the inner span.
#[test]
fn bridge_spans_nest_with_tracing_instrument_in_both_orders() {
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
    use tracing_subscriber::registry::LookupSpan;

    #[derive(Clone, Default)]
    struct Spans(Arc<Mutex<Vec<String>>>);
    impl<S: tracing::Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Spans {
        fn on_new_span(
            &self,
            attrs: &tracing::span::Attributes<'_>,
            id: &tracing::Id,
            ctx: Context<'_, S>,
        ) {
            let parent = ctx.span(id).and_then(|s| s.parent()).map(|p| {
                let fields = p.fields().iter().any(|f| f.name() == "code.lineno");
                format!("{}{}", p.name(), if fields { " (bridge)" } else { "" })
            });
            let bridge = attrs.fields().iter().any(|f| f.name() == "code.lineno");
            self.0.lock().unwrap().push(format!(
                "{}{} <- {}",
                attrs.metadata().name(),
                if bridge { " (bridge)" } else { "" },
                parent.unwrap_or_default()
            ));
        }
    }
    let spans = Spans::default();
    let subscriber = tracing_subscriber::registry().with(spans.clone());
    tracing::subscriber::with_default(subscriber, || {
        futures::executor::block_on(async {
            traced_above_instrument(1, 2).await;
            instrument_above_traced(3).await;
        })
    });
    assert_eq!(
        *spans.0.lock().unwrap(),
        [
            "traced_above_instrument <- ",
            "traced_above_instrument (bridge) <- traced_above_instrument",
            "instrument_above_traced (bridge) <- ",
            "instrument_above_traced <- instrument_above_traced (bridge)",
        ]
    );
}
