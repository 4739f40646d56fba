//! The `#[traced_async]` attribute. Use it through the `traced-async` crate, which documents it
//! and provides the runtime its expansion calls into.
//!
//! The pipeline, one file per stage: `args` parses the attribute's arguments, `input`
//! classifies the item it is put on, `bindings` rebinds the arguments, `rewrite` numbers the
//! body's await points (`macros` tells which macro calls may suspend, `branches` parses the
//! branches of `join!`/`select!`, `source_text` rebuilds the awaited expressions' text),
//! `expand` assembles the output (`not_async` explains a fn that is not `async`), and every
//! error path still emits the user's item; `block` does the same for `traced!`'s async blocks
//! and closures. Tests: `never_panics` (mutated token streams) and `snapshots` (expansions).
//! With the `off` feature, `off` emits every item unchanged.

mod args;
mod bindings;
mod block;
mod branches;
mod expand;
mod fields;
mod input;
mod macros;
#[cfg(test)]
mod never_panics;
mod not_async;
mod off;
mod rewrite;
#[cfg(test)]
mod snapshots;
mod source_text;

use proc_macro::TokenStream;

/// Traces an `async fn`: every poll of its future is recorded as a transition, and every
/// `.await` in its body is a numbered await point. See the `traced-async` crate.
///
/// Nothing observable changes: the signature, the output, the drop order of arguments and
/// locals, whether the future is `Send`/`Sync`, attributes and doc comments, and the lints and
/// errors the compiler reports about your code.
///
/// # Arguments
///
/// - `name = "..."`: the name shown in traces instead of the fn's identifier.
/// - `crate = path` (or `crate = "path"`): where traced-async is, for crates that rename the
///   dependency or re-export it (`crate = my_framework::traced_async`).
/// - `timing = false`: record this fn's transitions without measuring its polls.
///
/// With the `tracing` feature each invocation is also a `tracing` span (see the crate's
/// README, "Into tracing and OpenTelemetry"), configured in `#[tracing::instrument]`'s syntax:
///
/// - `level = "debug"`: the span's level (`"trace"`, `"debug"`, `"info"`, the default,
///   `"warn"`, `"error"`).
/// - `fields(request_id = %id, body = ?b, "http.method" = m, empty)`: fields recorded with
///   `Display` (`%`), `Debug` (`?`) or as a `tracing::Value`; one without a value is declared
///   for a later `Span::record`.
/// - `skip(a, b)`, `skip_all`: arguments left out. The others are recorded with `Debug` when
///   their type implements it and left out otherwise (a generic `T` without a `Debug` bound
///   too), as are patterns, arguments under `#[cfg]` and arguments the body never names (so
///   `unused_variables` still fires for them).
/// - `ret`, `ret(Display)`: an event with the output; `err`, `err(Debug)` (on a fn returning
///   `Result`): an ERROR event with the error.
///
/// Without the feature they are checked and do nothing.
///
/// An unknown, repeated or ill-typed argument is one error at that argument, saying what to
/// write; the fn is still emitted as written.
///
/// # Await points
///
/// Each `.await` written directly in the body is an await point, numbered `0, 1, ...` in source
/// order, with the line and column of its `.await` and the source text of the awaited
/// expression. `.await`s inside nested `async` blocks, closures and items belong to those
/// other state machines and are not counted. Inside macro calls:
///
/// - `join!`, `try_join!`, `select!` of tokio and futures (and futures' `select_biased!`), by
///   path or imported by name: the call is an await point `N` and each branch's future is one
///   of its own, `N.0`, `N.1`, ...; a poll in which one branch stays pending suspends at that
///   branch, one in which several do suspends at the call `N`. A bare `select!` whose syntax does not tell tokio's from futures' and
///   that passes a future by name is kept whole (`N` only): the two disagree on whether such a
///   future is moved or borrowed.
/// - Macros whose arguments are expressions (`assert!`, `assert_eq!`, `format!`, `println!`,
///   `write!`, `vec!`, `matches!`, `info!`, ...): their `.await`s are numbered like any other.
/// - Any other macro whose tokens hold `.await`: the whole call is one await point named
///   after it. A macro the attribute knows nothing about that suspends without an `.await`
///   in its tokens shows as `await#?`, never as another await point.
///
/// # Next to other attributes
///
/// Above or below `#[tokio::main]` and `#[tokio::test]` it traces the body as written (below,
/// it finds the body in the async block tokio's expansion makes of it). Above or below `#[tracing::instrument]` it traces the body as written
/// (below, it finds the body inside tracing's expansion). On a method of an `#[async_trait]`
/// impl or trait it traces the method's body.
///
/// # Async blocks and closures
///
/// Attributes on expressions are unstable, so `#[traced_async]` cannot go on a closure or an
/// async block: write `traced!(async move { .. })`, `traced!(async |x| { .. })` or
/// `traced!(|x| async move { .. })`. On a fn that returns an async block, the error says so.
///
/// # What it expands to
///
/// Roughly (`$crate` is `::traced_async`, or the `crate = ...` path):
///
/// ```text
/// #[traced_async]
/// pub async fn fetch(mut url: Url, _: Token) -> Result<Page, Error> {
///     let conn = connect(&url).await?;
///     let (head, body) = futures::join!(conn.head(), conn.body());
///     Ok(Page::new(head, body))
/// }
///
/// // becomes
///
/// pub async fn fetch(url: Url, __arg1: Token) -> Result<Page, Error> {
///     // What is known at compile time, once per fn, in a static: names, lines, source text.
///     static __TRACED_ASYNC_FN: $crate::__private::FnMeta = FnMeta::new(
///         "fetch", module_path!(), file!(), line!(), &[
///             AwaitMeta::new(0, "0",   line!(), column!(), "connect(&url)", AwaitKind::Await),
///             AwaitMeta::new(1, "1",   line!(), column!(), "futures::join!(..)", AwaitKind::Macro),
///             AwaitMeta::new(2, "1.0", line!(), column!(), "conn.head()", AwaitKind::Branch),
///             AwaitMeta::new(3, "1.1", line!(), column!(), "conn.body()", AwaitKind::Branch),
///         ], true);
///     // The body, in a `Traced` future that records each poll of it.
///     // The call and the async block carry your code's spans, so clippy lints your block as it
///     // lints the plain fn's.
///     let __traced_async_body = $crate::__private::traced::<Result<Page, Error>, _, _>(|| &__TRACED_ASYNC_FN, async move {
///         // Fixes the async block's output to the declared type before any `return`, so a
///         // `return` or tail of another type is reported at your expression.
///         #[allow(unreachable_code, ..)]
///         if false { let __traced_async_return: Result<Page, Error> = loop {}; return __traced_async_return; }
///         // Arguments move into the body in order, as the compiler does for any async fn, so
///         // they drop in the same order; `_` and other partial patterns are moved whole.
///         let mut url = url;
///         let __arg1 = __arg1;
///         // Your block, nested as the compiler nests an async fn's body: its items (`use
///         // Enum::*`) do not shadow the names above. (Shown flat below for brevity.)
///         // A statement with one plain `.await` is left as written and marked before: a
///         // suspension inside it is attributed to await point 0.
///         $crate::__private::enter_await(0);
///         let conn = connect(&url).await?;
///         // Each branch's future is wrapped in the await point that reports its suspensions.
///         let (head, body) = {
///             $crate::__private::enter_await(1);
///             futures::join!(
///                 $crate::__private::AwaitPoint::<_, 2>::new(conn.head()),
///                 $crate::__private::AwaitPoint::<_, 3>::new(conn.body())
///             )
///         };
///         Ok(Page::new(head, body))
///     });
///     // A body with no `.await` (and no macro call but std's) cannot suspend: it is polled
///     // once, `complete_in_one_poll(__traced_async_body)`, and the fn gains no `.await`.
///     __traced_async_body.await
/// }
/// ```
///
/// A statement with several await points, such as `a().await + b().await`, has each wrapped:
/// `AwaitPoint::<_, 0>::new(a()).await + AwaitPoint::<_, 1>::new(b()).await`. The crate's
/// tests keep real expansions in `macros/snapshots/`.
#[proc_macro_attribute]
pub fn traced_async(args: TokenStream, item: TokenStream) -> TokenStream {
    if cfg!(feature = "off") {
        off::traced_async(args.into(), item.into()).into()
    } else {
        expand::traced_async(args.into(), item.into(), cfg!(feature = "tracing")).into()
    }
}

/// Traces an async block, an async closure, or a closure returning an async block, the way
/// `#[traced_async]` traces an `async fn`. See `traced_async::traced!`, which documents it.
#[proc_macro]
pub fn traced(tokens: TokenStream) -> TokenStream {
    block::traced(
        tokens.into(),
        cfg!(feature = "off"),
        cfg!(feature = "tracing"),
    )
    .into()
}
