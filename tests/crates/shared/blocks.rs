//! `traced!` blocks and closures shared by the edition and lint-matrix test crates: each
//! crate compiles them under its own edition and lints and runs `check`.
//!
//! Async closures (`async |x| ..`) parse in every edition from 2018 on.

#[allow(redundant_imports)] // Needed in edition 2018; in the prelude since 2021.
use std::future::Future;

use traced_async::{capture, traced};

use super::fns::io;

/// A named async block with two await points and an early `?`.
pub fn parse_later(s: &'static str) -> impl Future<Output = Result<u32, std::num::ParseIntError>> {
    traced!("parse later", async move {
        let n: u32 = s.parse()?;
        io(1, ()).await;
        Ok(io(0, n).await)
    })
}

/// Runs each form and checks what was recorded.
///
/// # Panics
///
/// When a form is not recorded as expected.
pub fn check() {
    let base = 10_u32;
    let add = traced!("add", async move |x: u32| io(1, x).await + base);
    let double = traced!(|x: u32| async move { io(1, x).await * 2 });
    let (out, trace) = capture(async {
        let untimed = traced!(timing = false, async { io(0, 1).await });
        (
            parse_later("4").await,
            parse_later("x").await.is_err(),
            add(1).await,
            double(3).await,
            untimed.await,
        )
    });
    assert_eq!(out, (Ok(4), true, 11, 6, 1));
    let parse = trace.function("parse later");
    assert_eq!((parse.calls(), parse.polls(), parse.returned()), (2, 3, 2));
    assert_eq!(trace.function("add").polls(), 2);
    assert_eq!(trace.functions().len(), 4);
}
