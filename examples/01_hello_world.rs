//! Futures are lazy: calling an `async fn` only builds its state machine. Nothing runs until an
//! executor polls it, here `Runtime::block_on`.
//!
//! Run with `cargo run --example 01_hello_world`.

use traced_async::{Runtime, traced_async};

#[traced_async]
async fn hello_world() {
    println!("hello, world!");
}

fn main() {
    let rt = Runtime::builder()
        .deterministic(true)
        .summary(false)
        .build();
    let future = hello_world(); // Nothing is printed here: the future has not been polled.
    println!("created the future; nothing has run yet");
    rt.block_on(future); // One poll: the body runs to its end.
}
