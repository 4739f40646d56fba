//! Traced fns as OpenTelemetry spans: `tracing-opentelemetry` turns the `tracing` spans that
//! `#[traced_async]` makes (the `tracing` feature) into OpenTelemetry spans, one per invocation,
//! nested like the calls, with an event per suspension. They are exported over OTLP (HTTP,
//! protobuf) when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, to Jaeger or an OpenTelemetry
//! collector, and printed to stdout otherwise, so the example runs offline.
//!
//! Run with `cargo run --example opentelemetry --features example-opentelemetry`, or
//! `OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 cargo run --example opentelemetry
//! --features example-opentelemetry` with Jaeger listening there (README: "OpenTelemetry").

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
use traced_async::traced_async;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// A request: load the user, then render the page.
#[traced_async]
async fn handle(id: u64) -> String {
    let user = load_user(id).await;
    render(&user).await
}

#[traced_async]
async fn load_user(id: u64) -> String {
    tokio::time::sleep(Duration::from_millis(10 * id)).await;
    format!("user{id}")
}

#[traced_async]
async fn render(user: &str) -> String {
    tokio::task::yield_now().await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    format!("<h1>{user}</h1>")
}

/// An exporter that counts what its inner exporter took and what it refused, so the example
/// can say how the export went (a batch processor's shutdown succeeds either way).
#[derive(Debug)]
struct Tally<E> {
    inner: E,
    counts: Arc<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    exported: AtomicUsize,
    failed: AtomicUsize,
    error: Mutex<Option<String>>,
}

impl<E: SpanExporter> SpanExporter for Tally<E> {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let spans = batch.len();
        let result = self.inner.export(batch).await;
        match &result {
            Ok(()) => self.counts.exported.fetch_add(spans, Ordering::Relaxed),
            Err(e) => {
                if let Ok(mut error) = self.counts.error.lock() {
                    *error = Some(e.to_string());
                }
                self.counts.failed.fetch_add(spans, Ordering::Relaxed)
            }
        };
        result
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn shutdown(&self) -> OTelSdkResult {
        self.inner.shutdown()
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

/// Where the spans go: the OTLP endpoint when one is configured (batched, sent from the batch
/// processor's own thread), else stdout (printed as each span ends).
fn provider(counts: &Arc<Counts>) -> (SdkTracerProvider, String) {
    let builder = SdkTracerProvider::builder().with_resource(
        Resource::builder()
            .with_service_name("traced-async-example")
            .build(),
    );
    let tally = |inner| Tally {
        inner,
        counts: counts.clone(),
    };
    if let Ok(endpoint) = std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT") {
        // The exporter reads the endpoint (and OTEL_EXPORTER_OTLP_TIMEOUT, ..) itself.
        match opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .build()
        {
            Ok(exporter) => {
                let provider = builder.with_batch_exporter(Tally {
                    inner: exporter,
                    counts: counts.clone(),
                });
                return (provider.build(), format!("OTLP at {endpoint}"));
            }
            Err(e) => eprintln!("no OTLP exporter for {endpoint:?} ({e}); printing to stdout"),
        }
    }
    let exporter = tally(opentelemetry_stdout::SpanExporter::default());
    (
        builder.with_simple_exporter(exporter).build(),
        "stdout".into(),
    )
}

fn main() {
    let counts = Arc::new(Counts::default());
    let (provider, destination) = provider(&counts);
    let tracer = provider.tracer("traced-async-example");
    tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(tracer))
        .init();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("a tokio runtime");
    let pages = runtime.block_on(async {
        let requests: Vec<_> = (1..=2).map(|id| tokio::spawn(handle(id))).collect();
        let mut pages = Vec::new();
        for request in requests {
            pages.push(request.await.expect("a request"));
        }
        pages
    });
    drop(runtime);

    // Shutting down exports what the batch still holds. A collector that cannot be reached is
    // reported, not fatal.
    if let Err(e) = provider.shutdown() {
        eprintln!("shutting the tracer provider down: {e}");
    }
    eprintln!("served {}", pages.join(" "));
    let exported = counts.exported.load(Ordering::Relaxed);
    eprintln!("{exported} spans exported to {destination}");
    let failed = counts.failed.load(Ordering::Relaxed);
    if failed > 0 {
        let error = counts
            .error
            .lock()
            .ok()
            .and_then(|e| e.clone())
            .unwrap_or_default();
        eprintln!("{failed} spans not exported: {error}");
    }
}
