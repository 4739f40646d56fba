//! Many traced fns under `#![deny(warnings)]`, clippy's `all`, `pedantic` and `nursery` groups,
//! and the allow-by-default rustc lints that generated code could trip. `cargo clippy
//! --workspace --all-targets` compiles this crate; one lint from an expansion fails the build.
//!
//! Not enabled: `clippy::cargo` and `unused_crate_dependencies` (about Cargo.toml and the
//! dependency graph, not code: they would fail on a new dependency's duplicate versions), the
//! edition-migration groups (`rust_20xx_compatibility`: about moving editions) and clippy's
//! `restriction` group, which is not meant to be enabled whole.

#![deny(warnings)]
#![deny(clippy::all, clippy::pedantic, clippy::nursery)]
#![deny(
    elided_lifetimes_in_paths,
    explicit_outlives_requirements,
    keyword_idents,
    let_underscore_drop,
    macro_use_extern_crate,
    meta_variable_misuse,
    missing_copy_implementations,
    missing_debug_implementations,
    missing_docs,
    non_ascii_idents,
    redundant_imports,
    redundant_lifetimes,
    single_use_lifetimes,
    trivial_casts,
    trivial_numeric_casts,
    unit_bindings,
    unnameable_types,
    unreachable_pub,
    unsafe_code,
    unused_extern_crates,
    unused_import_braces,
    unused_lifetimes,
    unused_macro_rules,
    unused_qualifications,
    unused_results,
    variant_size_differences
)]

#[path = "../../shared/fns.rs"]
pub mod fns;

#[path = "../../shared/blocks.rs"]
pub mod blocks;

use fns::io;
use traced_async::traced_async;

/// Unit return, no await: `unused_async` fires as on the plain fn (the expansion adds no
/// `.await`), so it is allowed as a user would allow it.
#[traced_async]
#[allow(clippy::unused_async)]
pub async fn no_await() {}

/// Unit return, statement awaits only.
#[traced_async]
pub async fn statements() {
    io(1, ()).await;
    io(0, ()).await;
}

/// Several awaits in one expression, and an await of an await's output.
#[traced_async]
pub async fn nested() -> u32 {
    let twice = io(0, 1).await + io(1, 2).await;
    io(0, io(0, twice).await).await
}

/// Awaits in expression macros and in a macro the attribute knows nothing about.
///
/// # Panics
/// Never: `io(0, 1)` is ready with 1. (Clippy asks for this section of the plain fn too, and
/// now of the traced one: `missing_panics_doc` sees the body.)
#[traced_async]
pub async fn in_macros() -> String {
    macro_rules! both {
        ($e:expr) => {
            ($e, $e)
        };
    }
    assert_eq!(io(0, 1).await, 1, "io is ready");
    let pair = both!(io(0, 2).await);
    let v = vec![io(0, 3).await, pair.0, pair.1];
    format!("{v:?} {}", io(0, 4).await)
}

/// `?` on an awaited `Result`, with an early return.
///
/// # Errors
/// When `fail` is set.
#[traced_async]
pub async fn fallible(fail: bool) -> Result<u32, String> {
    if fail {
        return Err("failed".to_owned());
    }
    let n: Result<u32, String> = io(1, Ok(3)).await;
    Ok(n? + 1)
}

/// A loop and a match around awaits.
#[traced_async]
pub async fn control_flow(n: u32) -> u32 {
    let mut total = 0;
    for i in 0..n {
        total += match i % 2 {
            0 => io(1, i).await,
            _ => io(0, 2 * i).await,
        };
    }
    while total > 100 {
        total = io(0, total / 2).await;
    }
    total
}

/// Nested async blocks and closures are other state machines.
#[traced_async]
pub async fn nested_state_machines() -> u32 {
    let inner = async { io(1, 1).await };
    let make = |x: u32| async move { io(0, x).await };
    inner.await + make(2).await
}

/// A generic fn returning a reference into its argument.
#[traced_async]
pub async fn longest<'a>(a: &'a str, b: &'a str) -> &'a str {
    io(0, ()).await;
    if a.len() >= b.len() { a } else { b }
}

/// A trait with an async method, implemented with a traced fn.
pub trait Source {
    /// Reads one value.
    fn read(&self) -> impl Future<Output = u32> + Send;
}

/// A source of one constant value.
#[derive(Debug, Clone, Copy)]
pub struct Constant(pub u32);

impl Source for Constant {
    #[traced_async]
    async fn read(&self) -> u32 {
        io(1, self.0).await
    }
}

/// `self` by value with a destructured and an ignored argument.
#[traced_async]
pub async fn with_patterns(Constant(n): Constant, _: Constant, (a, _b): (u32, u32)) -> u32 {
    io(0, n + a).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_runs() {
        fns::check();
        blocks::check();
        let (out, trace) = traced_async::capture(async {
            no_await().await;
            statements().await;
            (
                nested().await,
                in_macros().await,
                fallible(false).await,
                fallible(true).await,
                control_flow(4).await,
                nested_state_machines().await,
                longest("ab", "c").await,
                Constant(5).read().await,
                with_patterns(Constant(1), Constant(2), (3, 4)).await,
            )
        });
        assert_eq!(
            out,
            (
                3,
                "[3, 2, 2] 4".to_owned(),
                Ok(4),
                Err("failed".to_owned()),
                10,
                3,
                "ab",
                5,
                4
            )
        );
        assert_eq!(trace.function("statements").polls(), 2);
        assert_eq!(trace.function("in_macros").meta().awaits().len(), 4);
    }
}
