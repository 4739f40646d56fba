//! One fn per lint, each written the way that raises it. Every fn carries
//! `#[cfg_attr(feature = "traced", traced_async)]`, so the two builds differ only in the
//! attribute.

use std::future::{Ready, ready};

#[cfg(feature = "traced")]
use traced_async::traced_async;

async fn step() {
    ready(()).await;
}

/// `clippy::needless_return`: a trailing `return x;`.
#[cfg_attr(feature = "traced", traced_async)]
pub async fn needless_return(x: u32) -> u32 {
    step().await;
    return x + 1;
}

/// `clippy::useless_conversion`: `into_iter()` on an argument that takes `IntoIterator`.
#[cfg_attr(feature = "traced", traced_async)]
pub async fn useless_conversion(mut v: Vec<u32>, w: Vec<u32>) -> Vec<u32> {
    step().await;
    v.extend(w.into_iter());
    v
}

/// `clippy::semicolon_if_nothing_returned` (pedantic): a unit tail without `;`.
#[cfg_attr(feature = "traced", traced_async)]
pub async fn semicolon_if_nothing_returned(v: &mut Vec<u32>) {
    step().await;
    v.push(1)
}

/// `clippy::unused_unit`: a written `-> ()` and a `()` tail.
#[cfg_attr(feature = "traced", traced_async)]
#[allow(clippy::semicolon_if_nothing_returned)]
pub async fn unused_unit() -> () {
    step().await;
    ()
}

/// `clippy::items_after_statements` (pedantic): an item after a statement.
#[cfg_attr(feature = "traced", traced_async)]
pub async fn items_after_statements() -> u32 {
    step().await;
    fn helper() -> u32 {
        2
    }
    helper()
}

/// `clippy::missing_panics_doc` (pedantic): an `unwrap` without a `# Panics` section.
#[cfg_attr(feature = "traced", traced_async)]
pub async fn missing_panics_doc(s: &str) -> u32 {
    step().await;
    s.parse().unwrap()
}

/// `clippy::async_yields_async` must not fire: an async fn returning a future type is fine.
#[cfg_attr(feature = "traced", traced_async)]
pub async fn returns_a_future() -> Ready<u32> {
    step().await;
    ready(3)
}

/// `clippy::async_yields_async`: an async block in the body that yields a future.
#[cfg_attr(feature = "traced", traced_async)]
pub async fn block_yields_a_future() -> u32 {
    let inner = async { ready(4) };
    inner.await.await
}

/// A complex return type, written once: `clippy::type_complexity` fires on the signature.
#[cfg_attr(feature = "traced", traced_async)]
pub async fn complex_return() -> Vec<Vec<Box<(u32, u32, u32, u32)>>> {
    step().await;
    Vec::new()
}

/// `clippy::type_complexity` on a return type that is complex enough.
#[cfg_attr(feature = "traced", traced_async)]
pub async fn allowed_complex_return() -> Result<Vec<(Box<dyn Fn(u8) -> u8>, Option<Vec<u8>>)>, ()> {
    step().await;
    Ok(Vec::new())
}

/// Default group: `clippy::needless_range_loop`, `clippy::len_zero`; pedantic:
/// `clippy::cast_possible_truncation`, `clippy::needless_pass_by_value`.
#[cfg_attr(feature = "traced", traced_async)]
pub async fn default_and_pedantic(v: Vec<u64>) -> u32 {
    step().await;
    let mut total = 0;
    for i in 0..v.len() {
        total += v[i] as u32;
    }
    if v.len() == 0 {
        return 0;
    }
    total
}

/// `clippy::let_and_return` and `clippy::redundant_clone` on a tail.
#[cfg_attr(feature = "traced", traced_async)]
pub async fn let_and_return(s: String) -> String {
    step().await;
    let out = s.clone();
    out
}

/// `clippy::unused_async` (pedantic): no `.await` at all.
#[cfg_attr(feature = "traced", traced_async)]
pub async fn unused_async() -> u32 {
    5
}

/// `clippy::unused_async` (pedantic): no `.await`, only std macros that never suspend.
#[cfg_attr(feature = "traced", traced_async)]
pub async fn unused_async_with_std_macros(a: u32) -> Vec<u32> {
    assert!(a != 0, "{a}");
    vec![a]
}

/// `clippy::useless_conversion` and `clippy::needless_return` in a fn without `.await`.
#[cfg_attr(feature = "traced", traced_async)]
pub async fn conversion_without_await(mut v: Vec<u32>, w: Vec<u32>) -> Vec<u32> {
    v.extend(w.into_iter());
    return v;
}

/// `clippy::async_yields_async` on an async block in the body of a fn whose declared type
/// may be a future.
#[cfg_attr(feature = "traced", traced_async)]
pub async fn future_returned_and_block_yields_one() -> Ready<u32> {
    let inner = async { ready(4) };
    ready(inner.await.await)
}

/// `clippy::needless_return` and `clippy::async_yields_async` in the body of a fn whose
/// declared type may be a future: the one case where one of them is lost (see parity.rs).
#[cfg_attr(feature = "traced", traced_async)]
pub async fn future_returned_block_and_return() -> Ready<u32> {
    let inner = async { ready(5) };
    return ready(inner.await.await);
}
