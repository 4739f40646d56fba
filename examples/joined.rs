//! Two IO-bound futures joined on one thread: while one waits, the other runs. Their
//! transitions interleave, and `join!` shows up as an await point of `both`.
//!
//! Run with `cargo run --example joined`.

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

#[traced_async]
async fn download(name: &'static str, chunks: u32) -> usize {
    let mut bytes = 0;
    for _ in 0..chunks {
        Io { polls: 1 }.await;
        bytes += 1024;
    }
    println!("{name}: {bytes} bytes");
    bytes
}

#[traced_async]
async fn both() -> usize {
    let (a, b) = futures::join!(download("a.txt", 2), download("b.txt", 3));
    a + b
}

fn main() {
    let total = traced_async::block_on(both());
    println!("total: {total} bytes");
}
