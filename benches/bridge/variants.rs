//! The bridge's variants: `#[traced_async]` built with the `tracing` feature, and
//! `#[tracing::instrument]`, each with the counting subscriber installed or with none at all.
//! Both attributes skip the arguments (`skip_all`), so neither formats a field.

use std::future::Future;

use crate::subscriber;
use crate::variant::Variant;
use crate::workload::call_loop;

mod bridge {
    crate::workload::workload!(#[::traced_async::traced_async(skip_all)]);
}

mod instrument {
    crate::workload::workload!(#[tracing::instrument(level = "info", skip_all)]);
}

/// `#[tracing::instrument]` with, in the body, the event the bridge sends at each suspension:
/// the workload's `yield1000` with its await wrapped in [`suspension_event`] (`leaf` never
/// suspends, so it is `instrument`'s).
mod instrument_events {
    pub use super::instrument::leaf;

    #[tracing::instrument(level = "info", skip_all)]
    pub async fn yield1000() -> u64 {
        let mut yields = 0;
        for _ in 0..crate::drive::YIELDS {
            super::suspension_event(::traced_async::yield_now()).await;
            yields += 1;
        }
        yields
    }
}

/// `future`, sending when it returns `Pending` the bridge's suspension event: target
/// `traced_async::await`, the span's level (INFO), a message and the three await fields (the
/// values of `yield1000`'s await point 0, benches/overhead/workload.rs line 18), inside the
/// span `#[instrument]` has entered.
fn suspension_event<F: Future + Unpin>(mut future: F) -> impl Future<Output = F::Output> {
    std::future::poll_fn(move |cx| {
        let poll = std::pin::Pin::new(&mut future).poll(cx);
        if poll.is_pending() {
            tracing::event!(
                target: "traced_async::await",
                tracing::Level::INFO,
                {
                    await.index = 0i64,
                    await.line = 18i64,
                    await.expr = "::traced_async::yield_now()"
                },
                "suspended at await#{}",
                "0"
            );
        }
        poll
    })
}

/// `#[traced_async]` (a span per invocation, an event per suspension) into the counting
/// subscriber.
pub struct BridgeCounting;

/// `#[tracing::instrument]` (a span per call) into the same subscriber.
pub struct InstrumentCounting;

/// `#[tracing::instrument]` into the same subscriber, with the bridge's event at each suspension
/// sent from the body: what `#[instrument]` costs when it records what the bridge records.
pub struct InstrumentCountingEvents;

/// `#[traced_async]` with the bridge compiled in and no subscriber anywhere (and no recorder):
/// what a user who turned the feature on pays where nothing listens.
pub struct BridgeNoSubscriber;

/// `#[tracing::instrument]` with no subscriber: tracing's own disabled-span cost.
pub struct InstrumentNoSubscriber;

macro_rules! variant {
    ($variant:ident, $module:ident, $init:expr) => {
        impl Variant for $variant {
            fn init() {
                $init
            }

            fn yield1000() -> impl Future<Output = u64> {
                $module::yield1000()
            }

            fn calls100k() -> impl Future<Output = u64> {
                call_loop($module::leaf)
            }

            fn future_sizes() -> [usize; 2] {
                [
                    size_of_val(&$module::yield1000()),
                    size_of_val(&$module::leaf(0)),
                ]
            }
        }
    };
}

variant!(BridgeCounting, bridge, subscriber::install());
variant!(InstrumentCounting, instrument, subscriber::install());
variant!(
    InstrumentCountingEvents,
    instrument_events,
    subscriber::install()
);
variant!(BridgeNoSubscriber, bridge, ());
variant!(InstrumentNoSubscriber, instrument, ());
