//! The `tracing` bridge into tracing-subscriber's fmt layer, with `FmtSpan::CLOSE`: the
//! README's "Into tracing and OpenTelemetry" output. `cargo run -p traced-async-bridge
//! --example fmt`.

use std::time::Duration;

use traced_async::traced_async;
use tracing_subscriber::fmt::format::FmtSpan;

#[traced_async(fields(name = %name), skip(pause))]
async fn fetch(name: &str, pause: Duration, ms: u64) -> usize {
    tokio::time::sleep(pause).await;
    name.len() + ms as usize
}

#[traced_async]
async fn page(id: u32) -> usize {
    let ms = 10;
    let head = fetch("header", Duration::from_millis(ms), ms).await;
    head + fetch("body", Duration::from_millis(2 * ms), 2 * ms).await + id as usize
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    tracing_subscriber::fmt()
        .with_span_events(FmtSpan::CLOSE)
        .with_target(true)
        .with_timer(())
        .with_ansi(false)
        .init();
    page(7).await;
}
