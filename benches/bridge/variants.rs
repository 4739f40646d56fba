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

/// `#[traced_async]` (a span per invocation, an event per suspension) into the counting
/// subscriber.
pub struct BridgeCounting;

/// `#[tracing::instrument]` (a span per call) into the same subscriber.
pub struct InstrumentCounting;

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
variant!(BridgeNoSubscriber, bridge, ());
variant!(InstrumentNoSubscriber, instrument, ());
