//! Which macro calls in a body may suspend. syn cannot see inside a macro call, so the
//! attribute goes by the macro's name and by whether its tokens hold an `.await`.

use proc_macro2::{TokenStream, TokenTree};
use syn::Macro;

use crate::branches::Flavor;

/// What the attribute does with one macro call in a traced body.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum MacroCall {
    /// A `join!`/`select!` of tokio or futures: the call is one await point and each branch's
    /// future another (see [`crate::branches`]).
    Branches(Flavor),
    /// Suspends inside (`join!`, `select!`, ... or any macro whose tokens hold `.await`): the
    /// whole call is one await point.
    Suspends,
    /// Its arguments are plain expressions (`format!`, `assert_eq!`, ...) and hold `.await`s:
    /// they are numbered like any other `.await` in the body.
    ExprArgs,
    /// Known not to suspend, or holds no `.await` and is not known to await: left alone, but a
    /// suspension inside it is shown as `await#?` rather than blamed on another await point.
    Opaque,
    /// A common macro known not to suspend (`println!`, `info!`, ...): left alone.
    Quiet,
}

/// Macros that await their arguments without an `.await` in the user's tokens.
const SUSPENDING: &[&str] = &["join", "try_join", "select", "select_biased", "pending"];

/// Macros whose arguments are comma-separated expressions (a format string counts as one).
const EXPR_ARGS: &[&str] = &[
    "format",
    "print",
    "println",
    "eprint",
    "eprintln",
    "write",
    "writeln",
    "vec",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "dbg",
    "panic",
    "format_args",
    "unreachable",
    "todo",
    "unimplemented",
    "matches",
    "trace",
    "debug",
    "info",
    "warn",
    "error",
    "event",
];

/// Macros seen often in async bodies that never suspend.
const QUIET: &[&str] = &[
    "pin",
    "pin_mut",
    "cfg",
    "concat",
    "stringify",
    "include_str",
    "include_bytes",
    "env",
    "option_env",
    "line",
    "column",
    "file",
    "module_path",
    "compile_error",
    "thread_local",
    "macro_rules",
    "span",
    "trace_span",
    "debug_span",
    "info_span",
    "warn_span",
    "error_span",
];

pub(crate) fn classify(mac: &Macro) -> MacroCall {
    let name = mac
        .path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    let awaits = contains_await(&mac.tokens);
    if let Some(flavor) = branch_flavor(mac, &name) {
        MacroCall::Branches(flavor)
    } else if SUSPENDING.contains(&name.as_str()) {
        MacroCall::Suspends
    } else if awaits && EXPR_ARGS.contains(&name.as_str()) {
        MacroCall::ExprArgs
    } else if awaits {
        MacroCall::Suspends
    } else if EXPR_ARGS.contains(&name.as_str()) || QUIET.contains(&name.as_str()) {
        MacroCall::Quiet
    } else {
        MacroCall::Opaque
    }
}

/// The grammar of a tokio or futures `join!`/`select!`, by path (`tokio::select!`) or by name
/// alone (`select!` after `use tokio::select;`). Same-named macros of other crates: `None`.
fn branch_flavor(mac: &Macro, name: &str) -> Option<Flavor> {
    let segments = &mac.path.segments;
    let krate = if segments.len() > 1 {
        segments.first().map(|s| s.ident.to_string())
    } else {
        None
    };
    match (krate.as_deref(), name) {
        (None | Some("tokio" | "futures" | "futures_util"), "join" | "try_join") => {
            Some(Flavor::Join)
        }
        (None, "select") => Some(Flavor::AnySelect),
        (Some("tokio"), "select") => Some(Flavor::TokioSelect),
        (None | Some("futures" | "futures_util"), "select_biased")
        | (Some("futures" | "futures_util"), "select") => Some(Flavor::FuturesSelect),
        _ => None,
    }
}

/// `true` when `tokens` hold `.await` at any depth.
pub(crate) fn contains_await(tokens: &TokenStream) -> bool {
    let mut after_dot = false;
    for tree in tokens.clone() {
        match &tree {
            TokenTree::Ident(ident) if after_dot && ident == "await" => return true,
            TokenTree::Group(group) if contains_await(&group.stream()) => return true,
            _ => {}
        }
        after_dot = matches!(&tree, TokenTree::Punct(p) if p.as_char() == '.');
    }
    false
}

/// Splits a macro's tokens at top-level commas; each chunk comes with the comma after it, so
/// the call can be rebuilt with the user's own tokens.
pub(crate) fn split_commas(tokens: &TokenStream) -> Vec<(TokenStream, Option<TokenTree>)> {
    let mut chunks = Vec::new();
    let mut chunk = TokenStream::new();
    for tree in tokens.clone() {
        match &tree {
            TokenTree::Punct(p) if p.as_char() == ',' => {
                chunks.push((std::mem::take(&mut chunk), Some(tree)));
            }
            _ => chunk.extend([tree]),
        }
    }
    chunks.push((chunk, None));
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn mac(tokens: TokenStream) -> Macro {
        syn::parse2(tokens).expect("a macro call")
    }

    #[test]
    fn classification() {
        assert_eq!(
            classify(&mac(quote!(futures::join!(a, b)))),
            MacroCall::Branches(Flavor::Join)
        );
        assert_eq!(
            classify(&mac(quote!(try_join!(a, b)))),
            MacroCall::Branches(Flavor::Join)
        );
        assert_eq!(
            classify(&mac(quote!(::tokio::select! { x = a => x }))),
            MacroCall::Branches(Flavor::TokioSelect)
        );
        assert_eq!(
            classify(&mac(quote!(select_biased! { x = a => x }))),
            MacroCall::Branches(Flavor::FuturesSelect)
        );
        assert_eq!(
            classify(&mac(quote!(select! { x = a => x }))),
            MacroCall::Branches(Flavor::AnySelect)
        );
        assert_eq!(
            classify(&mac(quote!(my_rt::select! { x = a => x }))),
            MacroCall::Suspends
        );
        assert_eq!(
            classify(&mac(quote!(futures::pending!()))),
            MacroCall::Suspends
        );
        assert_eq!(
            classify(&mac(quote!(println!("{}", f().await)))),
            MacroCall::ExprArgs
        );
        assert_eq!(
            classify(&mac(quote!(my_macro!(f().await)))),
            MacroCall::Suspends
        );
        assert_eq!(classify(&mac(quote!(println!("{}", x)))), MacroCall::Quiet);
        assert_eq!(classify(&mac(quote!(my_macro!(x)))), MacroCall::Opaque);
    }

    #[test]
    fn finds_await_in_nested_groups_only_after_a_dot() {
        assert!(contains_await(&quote!(f(g(x).await))));
        assert!(!contains_await(&quote!(f(await))));
    }

    #[test]
    fn splits_at_top_level_commas() {
        assert_eq!(split_commas(&quote!("{} {}", f(a, b), c)).len(), 3);
    }
}
