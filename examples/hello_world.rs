//! The seed's first lesson: an `async fn` returns a future that does nothing until an executor
//! runs it. `#[traced_async]` shows when it is polled and what state it ends in.
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
