//! Several awaits in a row: each `.await` is a numbered await point, and each time the awaited
//! future is not ready the whole chain of futures returns `Pending` and is polled again later.
//!
//! Run with `cargo run --example sequential`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use traced_async::traced_async;

/// Simulated IO: pending `polls` times (waking itself each time), then ready.
struct Io {
    polls: u32,
}

impl Future for Io {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.polls == 0 {
            return Poll::Ready(());
        }
        self.polls -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

fn io(polls: u32) -> Io {
    Io { polls }
}

#[traced_async]
async fn fetch(name: &str, latency: u32) -> String {
    io(latency).await;
    format!("<{name}>")
}

#[traced_async]
async fn page() -> String {
    let header = fetch("header", 1).await;
    let body = fetch("body", 2).await;
    format!("{header}{body}")
}

fn main() {
    let page = traced_async::block_on(page());
    println!("{page}");
}
