//! `traced!`: traces an async block, an async closure, or a closure returning an async block.
//! Every path emits the user's expression: traced when all is well, as written beside one
//! error otherwise.
//!
//! Input:  `traced!("accept loop", timing = false, async move { body })`
//! Output:
//! ```text
//! {
//!     static __TRACED_ASYNC_FN: FnMeta = FnMeta::new("accept loop", module_path!(), ..);
//!     __private::traced::<_, _, _>(|| &__TRACED_ASYNC_FN, async move { body with await points })
//! }
//! ```
//! The async block stays the user's own (its captures, output type, `?`, `return`, drop order
//! and `Send`-ness are untouched); only its statements are rewritten, as a fn body's are.
//!
//! Input:  `traced!(async move |x| body)`
//! Output: `{ static ..; async move |x| { traced(|| &META, async { body }).await } }`: still an
//! async closure (its future may borrow the closure's captures); the inner block, awaited in
//! place, borrows or moves what the body does.
//!
//! Input:  `traced!(|x| async move { body })`
//! Output: `{ static ..; |x| traced(|| &META, async move { body }) }`.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{Block, Expr, ExprAsync, ExprClosure, LitStr, Stmt, Token};

use crate::args::{self, Args};
use crate::expand;
use crate::fields;
use crate::rewrite::Rewriter;

const USAGE: &str = "traced! takes an optional name (a string literal), the options \
                     `crate = path::to::traced_async` and `timing = false`, then an async \
                     block or closure: `traced!(\"accept loop\", async move { .. })`";

const WHAT: &str = "traced! traces an async block or closure: write `traced!(async move { .. })`, \
                    `traced!(async |x| { .. })` or `traced!(|x| async move { .. })`; \
                    to trace an `async fn`, put #[traced_async] on it";

/// What `traced!(..)` was given: the name and options as written, then the expression.
struct Input {
    name: Option<LitStr>,
    options: TokenStream,
    /// The tokens of the expression, kept to emit them as written on error.
    expr: TokenStream,
}

/// `traced!`'s expansion; `bridged` (the `tracing` feature) gives the block a span, as the
/// attribute gives a fn one.
pub(crate) fn traced(tokens: TokenStream, off: bool, bridged: bool) -> TokenStream {
    let input = match split.parse2(tokens) {
        Ok(input) => input,
        // A name without an expression, or without a comma after it.
        Err(error) => return error.to_compile_error(),
    };
    if input.expr.is_empty() {
        return syn::Error::new(Span::call_site(), WHAT).to_compile_error();
    }
    let parsed = match expression.parse2(input.expr.clone()) {
        Ok(parsed) => parsed,
        // An expression that does not parse (a user mid-typing): emit it as written, so the
        // compiler reports the syntax error once.
        Err(_) => {
            let expr = input.expr;
            return quote!({ #expr });
        }
    };
    let (expr, user) = match parsed {
        Parsed::Expr(expr) => {
            let user = expr.to_token_stream();
            (expr, user)
        }
        // `traced!(name, async { .. })`: the name is not a string literal.
        Parsed::NamedBy(name, rest) => {
            let error = syn::Error::new_spanned(
                name,
                "the name of a traced! block is a string literal, written first: \
                 `traced!(\"accept loop\", async move { .. })`",
            )
            .to_compile_error();
            return quote!({ #error #rest });
        }
    };
    match options(&input).and_then(|args| expand(expr, &args, bridged)) {
        Ok(_) if off => quote!({ #user }),
        Ok(tokens) => tokens,
        Err(error) => {
            let error = error.to_compile_error();
            quote!({ #error #user })
        }
    }
}

/// The expression `traced!` was given, or a first expression used as a name.
enum Parsed {
    Expr(Expr),
    /// `first, rest..`: `first` stands where the name goes; `rest` is the expression.
    NamedBy(Expr, TokenStream),
}

fn expression(input: ParseStream<'_>) -> syn::Result<Parsed> {
    let expr: Expr = input.parse()?;
    if input.is_empty() {
        return Ok(Parsed::Expr(expr));
    }
    input.parse::<Token![,]>()?;
    if input.is_empty() {
        return Ok(Parsed::Expr(expr));
    }
    Ok(Parsed::NamedBy(expr, input.parse()?))
}

/// Splits `"name", key = value, .., expression` into its parts, without judging them.
fn split(input: ParseStream<'_>) -> syn::Result<Input> {
    let mut name = None;
    let mut options = TokenStream::new();
    if input.peek(LitStr) {
        let lit: LitStr = input.parse()?;
        if input.is_empty() {
            return Err(syn::Error::new(
                lit.span(),
                "traced! needs an async block after the name: \
                 `traced!(\"accept loop\", async move { .. })`",
            ));
        }
        input.parse::<Token![,]>()?;
        name = Some(lit);
    }
    // `key = value,` (never `==`): an option. Values hold no top-level comma.
    while (input.peek(syn::Ident) || input.peek(Token![crate]))
        && input.peek2(Token![=])
        && !input.peek2(Token![==])
    {
        input.step(|cursor| {
            let mut rest = *cursor;
            while let Some((tree, next)) = rest.token_tree() {
                rest = next;
                let comma = matches!(&tree, TokenTree::Punct(p) if p.as_char() == ',');
                options.extend([tree]);
                if comma {
                    break;
                }
            }
            Ok(((), rest))
        })?;
    }
    let expr = input.parse()?;
    Ok(Input {
        name,
        options,
        expr,
    })
}

fn options(input: &Input) -> syn::Result<Args> {
    let mut args = args::parse_keys(input.options.clone(), USAGE, false)?;
    if let Some(name) = &input.name {
        if let Some(given) = &args.name {
            return Err(syn::Error::new(
                given.span(),
                "the name is given twice (first, and as `name = ..`); keep one",
            ));
        }
        if name.value().trim().is_empty() {
            return Err(syn::Error::new(
                name.span(),
                "the name must not be empty: give a name, or remove `\"\"` \
                 (the default is `<block at file:line>`)",
            ));
        }
        args.name = Some(name.clone());
    }
    Ok(args)
}

/// The traced expression, or the one error that says why it cannot be traced.
fn expand(expr: Expr, args: &Args, bridged: bool) -> syn::Result<TokenStream> {
    let expr = ungroup(expr);
    match expr {
        Expr::Async(block) => traced_block(block, args, bridged),
        Expr::Closure(closure) if closure.asyncness.is_some() => {
            async_closure(closure, args, bridged)
        }
        Expr::Closure(closure) => closure_returning_block(closure, args, bridged),
        other => Err(syn::Error::new_spanned(other, WHAT)),
    }
}

/// An expression passed through a `macro_rules!` `$e:expr` arrives in an invisible group.
fn ungroup(expr: Expr) -> Expr {
    match expr {
        Expr::Group(group) if group.attrs.is_empty() => ungroup(*group.expr),
        other => other,
    }
}

/// `traced!(async move { .. })`.
fn traced_block(mut block: ExprAsync, args: &Args, bridged: bool) -> syn::Result<TokenStream> {
    let krate = args.krate();
    let mut rewriter = Rewriter::new(krate.clone());
    rewriter.visit_block_mut(&mut block.block);
    let at = block.async_token.span;
    let meta = meta(args, "block", at, &rewriter, &krate, bridged)?;
    open_span(&mut block.block, at, &krate, bridged);
    let call = wrap(&krate, block.to_token_stream());
    Ok(quote_spanned! {Span::mixed_site()=> { #meta #call } })
}

/// `traced!(async move |x| body)`.
fn async_closure(mut closure: ExprClosure, args: &Args, bridged: bool) -> syn::Result<TokenStream> {
    let krate = args.krate();
    let mut rewriter = Rewriter::new(krate.clone());
    let mut body = into_block(*closure.body);
    rewriter.visit_block_mut(&mut body);
    let at = closure.asyncness.map_or_else(Span::call_site, |a| a.span);
    let meta = meta(args, "closure", at, &rewriter, &krate, bridged)?;
    open_span(&mut body, at, &krate, bridged);
    let stmts = &body.stmts;
    let inner = quote_spanned!(Span::mixed_site()=> async { #(#stmts)* });
    let call = wrap(&krate, inner);
    *closure.body = Expr::Verbatim(quote_spanned!(Span::mixed_site()=> { #call.await }));
    Ok(quote_spanned! {Span::mixed_site()=> { #meta #closure } })
}

/// `traced!(|x| async move { .. })`, also `|x| { let y = ..; async move { .. } }`.
fn closure_returning_block(
    mut closure: ExprClosure,
    args: &Args,
    bridged: bool,
) -> syn::Result<TokenStream> {
    let krate = args.krate();
    let Some(slot) = returned_block(&mut closure.body) else {
        return Err(syn::Error::new(
            closure.inputs_begin.span(),
            "traced! traces a closure whose futures it can see: make it `async |..| { .. }` or \
             have it return an async block, `|..| async move { .. }`",
        ));
    };
    let Expr::Async(block) = slot else {
        unreachable!("returned_block finds an async block");
    };
    let mut rewriter = Rewriter::new(krate.clone());
    rewriter.visit_block_mut(&mut block.block);
    let at = block.async_token.span;
    let meta = meta(args, "closure", at, &rewriter, &krate, bridged)?;
    open_span(&mut block.block, at, &krate, bridged);
    *slot = Expr::Verbatim(wrap(&krate, block.to_token_stream()));
    Ok(quote_spanned! {Span::mixed_site()=> { #meta #closure } })
}

/// The async block a closure's body returns: the body itself, or the tail of its block.
fn returned_block(body: &mut Expr) -> Option<&mut Expr> {
    match body {
        Expr::Async(_) => Some(body),
        Expr::Block(block) if block.label.is_none() => match block.block.stmts.last_mut() {
            Some(Stmt::Expr(tail @ Expr::Async(_), None)) => Some(tail),
            _ => None,
        },
        _ => None,
    }
}

/// A closure's body as a block: itself when it is one, else in one.
fn into_block(body: Expr) -> Block {
    match body {
        Expr::Block(block) if block.attrs.is_empty() && block.label.is_none() => block.block,
        other => Block {
            brace_token: syn::token::Brace(other.span()),
            stmts: vec![Stmt::Expr(other, None)],
        },
    }
}

/// `path::__private::traced::<_, _, _>(|| &__TRACED_ASYNC_FN, future)`.
fn wrap(krate: &TokenStream, future: TokenStream) -> TokenStream {
    quote_spanned! {Span::mixed_site()=>
        #krate::__private::traced::<_, _, _>(|| &__TRACED_ASYNC_FN, #future)
    }
}

/// With the bridge, the traced body's first statement opens the block's span (its location:
/// `at`, the `async` keyword), as a fn body's does.
fn open_span(body: &mut Block, at: Span, krate: &TokenStream, bridged: bool) {
    if bridged {
        // The call's tokens end with their own `;`.
        let open = Expr::Verbatim(fields::block_open(at, krate));
        body.stmts.insert(0, Stmt::Expr(open, None));
    }
}

/// The `static`s describing the block: its name (or `<what at file:line>`), its line (`at`'s),
/// its await points; with the bridge, its span site.
fn meta(
    args: &Args,
    what: &str,
    at: Span,
    rewriter: &Rewriter,
    krate: &TokenStream,
    bridged: bool,
) -> syn::Result<TokenStream> {
    if let Some(error) = &rewriter.error {
        return Err(error.clone());
    }
    let name = match &args.name {
        Some(name) => name.to_token_stream(),
        None => {
            let prefix = format!("<{what} at ");
            let line = quote_spanned!(at=> ::core::line!());
            quote!(::core::concat!(#prefix, ::core::file!(), ":", #line, ">"))
        }
    };
    let timing = args.timing.as_ref().is_none_or(|t| t.value);
    let meta = expand::meta_static(&name, at, timing, rewriter, krate);
    let site = bridged.then(|| fields::block_site(krate));
    Ok(quote!(#meta #site))
}

#[cfg(test)]
mod tests {
    use quote::quote;

    fn traced(tokens: proc_macro2::TokenStream, off: bool) -> String {
        super::traced(tokens, off, false).to_string()
    }

    #[test]
    fn off_emits_the_expression_as_written() {
        let block = quote!(async move { a().await });
        let out = traced(quote!("name", timing = false, #block), true);
        assert_eq!(out, quote!({ #block }).to_string());
    }

    #[test]
    fn off_still_reports_misuse() {
        let out = traced(quote!(|x| x * 2), true);
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.contains("| x | x * 2"), "{out}");
    }

    #[test]
    fn each_form_is_wrapped_and_named() {
        let out = traced(quote!(async { a().await }), false);
        assert!(out.contains("\"<block at \""), "{out}");
        assert!(
            out.contains("AwaitPoint") || out.contains("enter_await"),
            "{out}"
        );
        let out = traced(quote!(async |x| x), false);
        assert!(out.contains("\"<closure at \""), "{out}");
        assert!(out.contains("async | x |"), "{out}");
        let out = traced(quote!("n", |x| async move { x }), false);
        assert!(
            out.contains("| x | :: traced_async :: __private :: traced"),
            "{out}"
        );
    }
}
