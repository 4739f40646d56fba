//! Traced fns shared by the edition and lint-matrix test crates.
//!
//! Each crate includes this file as a module, compiled under its own edition and lints, and
//! runs `check`, which asserts that the fns behave the same in every one of them.

#[allow(redundant_imports)] // Needed in edition 2018; in the prelude since 2021.
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::FutureExt;
use traced_async::{Trace, capture, traced_async};

/// Pending `polls` times, then ready with `value`.
#[derive(Debug)]
pub struct Io<T> {
    polls: u32,
    value: Option<T>,
}

impl<T: Unpin> Future for Io<T> {
    type Output = T;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if self.polls == 0 {
            return Poll::Ready(self.value.take().expect("polled after completion"));
        }
        self.polls -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Ready with `value` after `polls` pending polls.
pub const fn io<T>(polls: u32, value: T) -> Io<T> {
    Io {
        polls,
        value: Some(value),
    }
}

/// Sequential awaits, a statement await and a tail await.
#[traced_async]
pub async fn sequential(a: u32) -> u32 {
    io(1, ()).await;
    let b = io(1, a).await;
    io(0, b + 1).await
}

/// Arguments of every pattern, unused ones included.
#[traced_async]
pub async fn patterns((a, b): (u32, u32), _: u32, mut c: u32, _unused: &str) -> u32 {
    c += io(0, a).await;
    c + b
}

/// `?` and an early return.
///
/// # Errors
/// When `s` is not a number.
#[traced_async]
pub async fn parse(s: &str) -> Result<u32, std::num::ParseIntError> {
    if s.is_empty() {
        return Ok(0);
    }
    let n = io(1, s).await.parse::<u32>()?;
    Ok(n * 2)
}

/// `impl Trait` in argument and return position.
#[traced_async]
pub async fn show(x: impl std::fmt::Display + Send) -> impl std::fmt::Display {
    io(0, ()).await;
    format!("<{x}>")
}

/// Generic, with a where clause and a lifetime.
#[traced_async]
pub async fn first<'a, T>(items: &'a [T]) -> Option<&'a T>
where
    T: Sync,
{
    io(1, ()).await;
    items.first()
}

/// Awaits inside `join!` and `select!` (futures' own, by path and by name).
#[traced_async(name = "branches")]
pub async fn join_and_select() -> u32 {
    let (a, b) = futures::join!(io(1, 1), io(0, 2));
    let mut fused = io(1, 10).fuse();
    let c = futures::select! {
        x = fused => x,
        y = io(3, 20).fuse() => y,
    };
    a + b + c
}

/// Timing turned off; an unused result of a `#[must_use]` call is handled.
#[traced_async(timing = false)]
#[must_use]
pub async fn untimed() -> u32 {
    let _ = sequential(1).await;
    io(0, 7).await
}

/// A method taking `self` in several ways.
#[derive(Debug, Default)]
pub struct Counter {
    n: u32,
    history: Vec<u32>,
}

impl Counter {
    /// By shared reference.
    #[traced_async]
    pub async fn get(&self) -> u32 {
        io(1, self.n).await
    }

    /// By mutable reference.
    #[traced_async]
    pub async fn bump(&mut self) {
        self.n += io(0, 1).await;
        self.history.push(self.n);
    }

    /// By value.
    #[traced_async]
    pub async fn into_inner(self) -> u32 {
        io(0, self.history.last().copied().unwrap_or(self.n)).await
    }
}

/// Argument attributes, `ref mut` in a pattern, an inner attribute, and a body `use` that
/// brings in a variant named like the declared return type.
#[traced_async]
pub async fn shapes(
    #[cfg(any())] gone: u32,
    #[allow(unused_variables)] unused: u32,
    (a, ref mut b): (u32, u32),
) -> Shape {
    #![allow(clippy::enum_glob_use)]
    use Kind::*;
    *b += io(0, a).await;
    make_shape(*b, matches!(io(0, Shape).await, Shape))
}

/// The struct `Shape`, named where the variant does not shadow it.
const fn make_shape(n: u32, is_variant: bool) -> Shape {
    Shape(n, is_variant)
}

/// The declared return type of `shapes`.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub struct Shape(pub u32, pub bool);

/// A variant named like the struct `Shape`.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// Shadows the struct where `Kind::*` is imported.
    Shape,
    /// Another variant.
    Other,
}

/// Each await point of `name` as `label kind text`.
fn points(trace: &Trace, name: &str) -> Vec<String> {
    let meta = trace.function(name).meta();
    meta.awaits()
        .iter()
        .map(|p| format!("{} {:?} {}", p.label(), p.kind(), p.expr()))
        .collect()
}

/// The states `name` went through.
fn states(trace: &Trace, name: &str) -> Vec<String> {
    let function = trace.function(name);
    let meta = function.meta();
    function.transitions().map(|t| t.to().name(meta)).collect()
}

/// Runs every fn above and asserts what each returns and records.
///
/// # Panics
/// When a traced fn does not behave as it does in every edition.
pub fn check() {
    let (out, trace) = capture(async {
        let mut counter = Counter::default();
        counter.bump().await;
        (
            sequential(1).await,
            patterns((1, 2), 3, 4, "x").await,
            parse("21").await,
            parse("").await,
            parse("x").await.is_err(),
            show(5).await.to_string(),
            first(&[1, 2]).await.copied(),
            join_and_select().await,
            untimed().await,
            counter.get().await,
            counter.into_inner().await,
        )
    });
    assert_eq!(
        out,
        (
            2,
            7,
            Ok(42),
            Ok(0),
            true,
            "<5>".to_owned(),
            Some(1),
            13,
            7,
            1,
            1
        )
    );
    assert_eq!(
        points(&trace, "sequential"),
        [
            "0 Await io(1, ())",
            "1 Await io(1, a)",
            "2 Await io(0, b + 1)"
        ]
    );
    assert_eq!(
        states(&trace, "sequential")[..3],
        ["await#0", "await#1", "returned"]
    );
    assert_eq!(
        points(&trace, "branches"),
        [
            "0 Macro futures::join!(io(1, 1), io(0, 2))",
            "0.0 Branch io(1, 1)",
            "0.1 Branch io(0, 2)",
            "1 Macro futures::select! { x = fused => x, y = io(3, 20).fuse() => y, }",
            "1.0 Branch fused",
            "1.1 Branch io(3, 20).fuse()",
        ]
    );
    assert_eq!(states(&trace, "branches")[0], "await#0.0");
    // Both branches of the `select!` were pending: the whole call is named.
    assert_eq!(states(&trace, "branches")[1], "await#1");
    assert!(!trace.function("untimed").meta().timing());
    assert_eq!(trace.function("parse").calls(), 3);
    assert_eq!(trace.function("get").polls(), 2);
    let (shape, trace) = capture(shapes(1, (2, 3)));
    assert_eq!(shape, Shape(5, true));
    assert_eq!(trace.function("shapes").returned(), 1);
}
