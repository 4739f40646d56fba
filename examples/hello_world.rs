//! Futures are lazy: calling an `async fn` only builds its state machine, and nothing runs until
//! an executor polls it, here `traced_async::block_on`. `#[traced_async]` prints each poll, with
//! the state the future left and the state it reached, and a summary at the end.
//!
//! Run with `cargo run --example hello_world`.

use traced_async::traced_async;

#[traced_async]
async fn hello_world() {
    println!("hello, world!");
}

fn main() {
    let future = hello_world(); // Nothing is printed here: futures are lazy.
    println!("created the future; nothing has run yet");
    traced_async::block_on(future); // Polls it: prints the greeting, then the transition.
}
