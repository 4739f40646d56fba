//! The process-wide recorder's live stream: every event numbered by one streaming collector
//! and written at once, under one lock (as writing lines to stderr would take anyway).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::collector::Collector;
use crate::event::Event;
use crate::fields::Fields;
use crate::invocations::Live;
use crate::meta::FnMeta;
use crate::sink::Sink;

/// Numbers invocations and writes lines, when live output is on.
static LIVE: Mutex<Option<Collector>> = Mutex::new(None);
/// Whether [`LIVE`] holds a collector: checked without taking the lock.
static LIVE_ON: AtomicBool = AtomicBool::new(false);

/// Whether live output is on.
#[inline(always)]
pub(super) fn is_on() -> bool {
    LIVE_ON.load(Ordering::Relaxed)
}

/// Turns live output on, through `collector`.
pub(super) fn install(collector: Collector) {
    *lock() = Some(collector);
    LIVE_ON.store(true, Ordering::Relaxed);
}

/// The invocations in flight, as the live lines number them; none while live output is off.
pub(super) fn in_flight() -> Vec<Live> {
    if !is_on() {
        return Vec::new();
    }
    lock().as_ref().map(Collector::live).unwrap_or_default()
}

fn lock() -> std::sync::MutexGuard<'static, Option<Collector>> {
    LIVE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The live stream as a sink.
pub(super) struct LiveStream;

impl Sink for LiveStream {
    #[cold]
    fn begin(&mut self, meta: &'static FnMeta, call: u64, parent: u64) {
        if let Some(live) = lock().as_mut() {
            live.begin(meta, call, parent);
        }
    }

    #[cold]
    fn record(&mut self, event: &Event) {
        if let Some(live) = lock().as_mut() {
            live.record(event);
            live.flush();
        }
    }

    #[cold]
    fn fields(&mut self, call: u64, fields: Fields) {
        if let Some(live) = lock().as_mut() {
            live.fields(call, fields);
        }
    }
}
