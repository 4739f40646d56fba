//! The subscriber both traced variants record into: a `tracing-subscriber` `Registry` (span
//! storage, as every real subscriber stack has) with a layer that counts what reaches it, so
//! that every span is really created, entered, exited and closed, and every event delivered.

use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};

use tracing::span::{Attributes, Id};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

static SPANS: AtomicU64 = AtomicU64::new(0);
static ENTERS: AtomicU64 = AtomicU64::new(0);
static EVENTS: AtomicU64 = AtomicU64::new(0);
static CLOSES: AtomicU64 = AtomicU64::new(0);

/// Counts spans created, entered and closed, and events, process-wide.
struct CountingLayer;

impl<S: Subscriber> Layer<S> for CountingLayer {
    fn on_new_span(&self, _: &Attributes<'_>, _: &Id, _: Context<'_, S>) {
        SPANS.fetch_add(1, Ordering::Relaxed);
    }

    fn on_enter(&self, _: &Id, _: Context<'_, S>) {
        ENTERS.fetch_add(1, Ordering::Relaxed);
    }

    fn on_event(&self, _: &Event<'_>, _: Context<'_, S>) {
        EVENTS.fetch_add(1, Ordering::Relaxed);
    }

    fn on_close(&self, _: Id, _: Context<'_, S>) {
        CLOSES.fetch_add(1, Ordering::Relaxed);
    }
}

/// Installs `Registry` + [`CountingLayer`] as the global default subscriber, once per process.
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let subscriber = tracing_subscriber::registry().with(CountingLayer);
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber is set in this bench");
    });
}

/// What the counting layer has seen so far: spans created, enters, events, spans closed.
pub fn counts() -> [u64; 4] {
    [&SPANS, &ENTERS, &EVENTS, &CLOSES].map(|c| c.load(Ordering::Relaxed))
}
