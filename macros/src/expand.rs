//! Assembles the output. Every path emits the user's item: rewritten when all is well, as
//! written beside one error otherwise.
//!
//! Input:
//! ```text
//! #[attrs] vis async fn name(args) -> R { body }
//! ```
//! Output:
//! ```text
//! #[attrs] vis async fn name(args) -> R {
//!     static __TRACED_ASYNC_FN: FnMeta = FnMeta::new("name", module_path!(), file!(), line, &[await points..], timing);
//!     let __traced_async_body = __private::traced::<R, _, _>(|| &__TRACED_ASYNC_FN, async move { rebind args; { body with await points } });
//!     __traced_async_body.await   // or, for a body that cannot suspend, complete_in_one_poll(__traced_async_body)
//! }
//! ```

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;
use syn::{Attribute, Block, Expr, ReturnType, Stmt, Type};

use crate::args::{self, Args};
use crate::bindings;
use crate::fields;
use crate::input::{self, FnInput};
use crate::not_async;
use crate::rewrite::{self, Kind, Rewriter};

/// The expansion; `bridged` adds the `tracing` bridge's span (the `tracing` feature), a
/// parameter so that tests expand both ways whatever the build's features.
pub(crate) fn traced_async(args: TokenStream, item: TokenStream, bridged: bool) -> TokenStream {
    // An item that does not parse at all is one the compiler reports a syntax error in.
    let Ok(input) = syn::parse2::<FnInput>(item.clone()) else {
        return match input::explain_misuse(&item) {
            Some(error) => with_error(error, item),
            None => item,
        };
    };
    if args::written_as_key_value() {
        // The compiler's "key-value macro attributes are not supported" is the one error.
        return item;
    }
    let args = match args::parse(args) {
        Ok(args) => args,
        Err(error) => return with_error(error, item),
    };
    if let Some(error) = check_signature(&input) {
        return with_error(error, item);
    }
    // A body that does not parse (a user mid-typing): emit the item untouched, so the compiler
    // reports the syntax error once and rust-analyzer keeps the fn. The parser reads every body
    // the compiler accepts (inner attributes included), so this is never a silent skip.
    let Ok(body) = syn::parse2::<BlockBody>(input.body.clone()) else {
        return item;
    };
    match expand(input, body, &args, bridged) {
        Ok(tokens) => tokens,
        Err(error) => with_error(error, item),
    }
}

fn with_error(error: syn::Error, item: TokenStream) -> TokenStream {
    let error = error.to_compile_error();
    quote!(#error #item)
}

fn check_signature(input: &FnInput) -> Option<syn::Error> {
    let sig = &input.sig;
    if let Some(constness) = sig.constness {
        return Some(syn::Error::new(
            constness.span,
            "#[traced_async] traces an `async fn` at run time; a `const fn` cannot be traced: \
             remove `const`",
        ));
    }
    if let Some(variadic) = &sig.variadic {
        return Some(syn::Error::new_spanned(
            variadic,
            "#[traced_async] cannot trace a variadic fn",
        ));
    }
    None
}

/// A fn body, parsed the way the compiler does: inner attributes (`#![allow(..)]`), then
/// statements.
struct BlockBody {
    inner_attrs: Vec<Attribute>,
    stmts: Vec<Stmt>,
}

impl syn::parse::Parse for BlockBody {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        Ok(BlockBody {
            inner_attrs: input.call(Attribute::parse_inner)?,
            stmts: Block::parse_within(input)?,
        })
    }
}

fn expand(input: FnInput, body: BlockBody, args: &Args, bridged: bool) -> syn::Result<TokenStream> {
    let FnInput {
        attrs,
        vis,
        defaultness,
        mut sig,
        brace,
        ..
    } = input;
    let krate = args.krate();
    let mut rewriter = Rewriter::new(krate.clone());
    let BlockBody { inner_attrs, stmts } = body;
    let mut body = Block {
        brace_token: brace,
        stmts,
    };

    // The `tracing` bridge's span, opened by the body's first statement (feature `tracing`).
    fields::check(&sig, &args.bridge, sig.asyncness.is_some())?;
    // Arguments the body never names are not recorded, so `unused_variables` fires for them
    // as for the plain fn.
    let named = fields::idents(body.to_token_stream());
    let open_span = bridged.then(|| fields::open(&sig, &args.bridge, &krate, &named));
    let span_site = bridged.then(|| fields::site(&sig, &args.bridge, &krate, &named));
    // The fields a printed start line shows, with or without the bridge.
    let show_fields = fields::shown(&sig, &args.bridge, &krate, &named);
    // After another attribute's rebindings, the span and the fields go in one place.
    let first_stmts: Option<TokenStream> = match (&open_span, &show_fields) {
        (None, None) => None,
        (open, show) => Some(quote!(#open #show)),
    };
    let traced_body = if sig.asyncness.is_some() {
        let suspends = may_suspend(body.to_token_stream());
        match instrumented_body(&mut body) {
            Some(user_block) => rewriter.visit_block_mut(user_block),
            None => rewriter.visit_block_mut(&mut body),
        }
        let original = sig.clone();
        let lets = bindings::rebind(&mut sig);
        let (early, late) = if fields::shown_before_rebinding(&original, &sig, &args.bridge) {
            (show_fields, None)
        } else {
            (None, show_fields)
        };
        let output = output_type(&sig.output);
        let declared = match &sig.output {
            ReturnType::Default => sig.ident.span(),
            ReturnType::Type(_, ty) => ty.span(),
        };
        let fake_return = fake_return(&output, declared);
        let mut inner = TokenStream::new();
        inner.extend(fake_return);
        // The fields borrow the arguments before their rebindings: the body's captured copies,
        // which its state holds anyway, so borrowing them does not keep a rebinding there too.
        inner.extend(early);
        inner.extend(lets);
        inner.extend(open_span);
        inner.extend(late);
        // `async_yields_async` reports the traced body's async block when its tail is a future
        // (`-> JoinHandle<T>`). Allowing it (on the statement that holds the whole body) would
        // hide the user's own async blocks that yield futures; keeping the body out of the
        // tail would hide a trailing `return` from `needless_return`. Each is chosen only where
        // it hides nothing: the allow when the body holds no `async` of its own, the typed
        // `let` when the body ends in no `return`.
        let may_be_future = may_be_future(&sig.output);
        let typed_let =
            may_be_future && holds_async(body.to_token_stream()) && !ends_in_return(&body);
        if typed_let {
            quote_spanned! {Span::mixed_site()=>
                let __traced_async_output: #output = #body;
                #[allow(unreachable_code)]
                return __traced_async_output;
            }
            .to_tokens(&mut inner);
        } else {
            body.to_tokens(&mut inner);
        }
        let allow = may_be_future && !typed_let;
        let bridge = bridged.then_some(&args.bridge);
        let call = user_spanned_call(&krate, &output, inner, brace.span, allow, suspends, bridge);
        let owner = note_owner(&sig, &krate);
        let call = quote_spanned! {Span::mixed_site()=>
            #owner
            #call
        };
        quote!(#call)
    } else if let Some(boxed) = async_trait_body(&mut body) {
        // `#[async_trait]` already turned the method into `fn f(..) -> Pin<Box<dyn Future>>`
        // whose body is `Box::pin(async move { .. })`: trace that inner async block.
        rewriter.visit_block_mut(&mut boxed.block);
        if let Some(open_span) = &first_stmts {
            // After async-trait's rebindings (`let __self = self; let key = key;`).
            let at = boxed
                .block
                .stmts
                .iter()
                .take_while(|stmt| is_rebinding(stmt))
                .count();
            let first: Block = syn::parse_quote!({ #open_span });
            boxed.block.stmts.splice(at..at, first.stmts);
        }
        let inner = &boxed.block;
        let owner = note_owner(&sig, &krate);
        let traced: Expr = syn::parse_quote_spanned! {Span::mixed_site()=>
            async move {
                #owner
                #krate::__private::traced::<_, _, _>(|| &__TRACED_ASYNC_FN, async move #inner).await
            }
        };
        *boxed = match traced {
            Expr::Async(traced) => traced,
            _ => unreachable!("parsed an async block"),
        };
        let stmts = &body.stmts;
        quote!(#(#stmts)*)
    } else if let Some(slot) = tokio_body(&mut body) {
        // `#[tokio::main]` or `#[tokio::test]` ran first: the fn is plain now, and the user's
        // body is an async block in tokio's expansion. Trace that block in place.
        if let Expr::Async(block) = slot {
            rewriter.visit_block_mut(&mut block.block);
            if let Some(open_span) = &first_stmts {
                let first: Block = syn::parse_quote!({ #open_span });
                block.block.stmts.splice(0..0, first.stmts);
            }
        }
        let owner = note_owner(&sig, &krate);
        let block = &*slot;
        *slot = syn::parse_quote_spanned! {Span::mixed_site()=>
            {
                #owner
                #krate::__private::traced::<_, _, _>(|| &__TRACED_ASYNC_FN, #block)
            }
        };
        let stmts = &body.stmts;
        quote!(#(#stmts)*)
    } else {
        return Err(not_async::error(&sig, &body.stmts));
    };
    if let Some(error) = rewriter.error {
        return Err(error);
    }
    let meta = fn_meta(&sig, args, &rewriter, &krate);
    let mut out = TokenStream::new();
    for attr in &attrs {
        attr.to_tokens(&mut out);
    }
    vis.to_tokens(&mut out);
    defaultness.to_tokens(&mut out);
    sig.to_tokens(&mut out);
    brace.surround(&mut out, |out| {
        // Inner attributes apply to the whole fn, as written: first in its body.
        for attr in &inner_attrs {
            attr.to_tokens(out);
        }
        out.extend(meta);
        out.extend(span_site);
        out.extend(traced_body);
    });
    Ok(out)
}

/// Input:  the rewritten body of `async fn f(args) -> R { body }`, as `inner`: the fake return,
///         the arguments' rebindings and the user's block
/// Output: `let b = traced::<R, _, _>(|| &META, async move { inner }); b.await`
///
/// The user's block is the async block's tail, as in the compiler's own lowering of an
/// `async fn`, and the expressions around it carry spans of the user's code, not the macro's:
/// clippy skips code inside an expression from a macro (`useless_conversion`) and checks
/// `needless_return` only along a closure's tail. The call is bound by a `let`, so the body is
/// not inside the generated `.await` (a desugaring, which clippy also skips), and that `let`
/// allows `async_yields_async` (`allow`) when the declared type may be a future: an async fn
/// returning one (`-> JoinHandle<T>`) is fine, and its async block would otherwise be reported.
fn user_spanned_call(
    krate: &TokenStream,
    output: &TokenStream,
    inner: TokenStream,
    brace: proc_macro2::extra::DelimSpan,
    may_be_future: bool,
    suspends: bool,
    bridge: Option<&fields::Bridge>,
) -> TokenStream {
    // A span of the user's code at the attribute's place: the call is located there, as today.
    let at_attribute = brace.open().located_at(Span::call_site());
    let mut async_body = proc_macro2::Group::new(proc_macro2::Delimiter::Brace, inner);
    async_body.set_span(brace.join());
    let async_kw = quote_spanned!(brace.open()=> async move);
    let body = quote!(#async_kw #async_body);
    let body = match bridge {
        Some(bridge) => fields::wrap_output(body, bridge, krate),
        None => body,
    };
    let args = quote_spanned! {Span::mixed_site()=>
        || &__TRACED_ASYNC_FN, #body
    };
    let mut args = proc_macro2::Group::new(proc_macro2::Delimiter::Parenthesis, args);
    args.set_span(at_attribute);
    // The callee's path too (but not the return type, the macro's copy): a span joining the
    // user's and the macro's is the macro's.
    let open = user_spanned(quote!(#krate::__private::traced::<), at_attribute);
    let close = user_spanned(quote!(, _, _>), at_attribute);
    let allow = may_be_future.then(|| quote!(#[allow(clippy::async_yields_async)]));
    let call = quote_spanned! {Span::mixed_site()=>
        #allow
        let __traced_async_body = #open #output #close #args;
    };
    if suspends {
        quote_spanned!(Span::mixed_site()=> #call __traced_async_body.await)
    } else {
        // Nothing in the body can suspend: its one poll runs inside the fn's, and the fn keeps
        // no `.await` it did not have (clippy's `unused_async` sees the fn as written).
        quote_spanned! {Span::mixed_site()=>
            #call
            #krate::__private::complete_in_one_poll(__traced_async_body)
        }
    }
}

/// Whether a body may suspend: it holds an `await` anywhere (nested blocks and closures too,
/// to be safe) or a call of a macro other than std's that never suspend (`println!`,
/// `assert!`, ...), which may expand to one (`join!`, `select!`, a user's macro).
fn may_suspend(tokens: TokenStream) -> bool {
    // std's macros that expand to no `.await` (their arguments are searched like the rest).
    const NEVER_SUSPEND: &[&str] = &[
        "assert",
        "assert_eq",
        "assert_ne",
        "cfg",
        "column",
        "concat",
        "dbg",
        "debug_assert",
        "debug_assert_eq",
        "debug_assert_ne",
        "env",
        "eprint",
        "eprintln",
        "file",
        "format",
        "format_args",
        "include_bytes",
        "include_str",
        "line",
        "matches",
        "module_path",
        "option_env",
        "panic",
        "print",
        "println",
        "stringify",
        "todo",
        "unimplemented",
        "unreachable",
        "vec",
        "write",
        "writeln",
    ];
    // Before `!(..)`, these are an operator's, not a macro's name.
    const KEYWORDS: &[&str] = &["if", "while", "match", "return", "in", "else", "break"];
    let mut previous: Option<proc_macro2::Ident> = None;
    let mut tokens = tokens.into_iter().peekable();
    while let Some(tt) = tokens.next() {
        match &tt {
            proc_macro2::TokenTree::Ident(ident) if ident == "await" => return true,
            proc_macro2::TokenTree::Punct(punct)
                if punct.as_char() == '!'
                    && matches!(tokens.peek(), Some(proc_macro2::TokenTree::Group(_))) =>
            {
                if let Some(name) = &previous {
                    let name = name.to_string();
                    if !NEVER_SUSPEND.contains(&name.as_str()) && !KEYWORDS.contains(&name.as_str())
                    {
                        return true;
                    }
                }
            }
            proc_macro2::TokenTree::Group(group) if may_suspend(group.stream()) => return true,
            _ => {}
        }
        previous = match tt {
            proc_macro2::TokenTree::Ident(ident) => Some(ident),
            _ => None,
        };
    }
    false
}

/// Whether a declared return type may implement `Future`, read from its tokens: no for `()`,
/// the primitives, tuples, arrays, slices, shared references and the std types that are
/// never futures (`Result`, `Option`, `Vec`, `String`, ...), whatever their parameters; yes for
/// everything else (`JoinHandle<T>`, `impl Future`, `Self`, a user's type).
fn may_be_future(output: &ReturnType) -> bool {
    const NEVER: &[&str] = &[
        "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32",
        "i64", "i128", "isize", "f32", "f64", "String", "Vec", "Option", "Result", "HashMap",
        "HashSet", "BTreeMap", "BTreeSet", "VecDeque", "Cow", "PathBuf", "Duration",
    ];
    let ReturnType::Type(_, ty) = output else {
        return false;
    };
    match &**ty {
        Type::Tuple(_) | Type::Array(_) | Type::Slice(_) | Type::Never(_) => false,
        Type::Reference(reference) => reference.mutability.is_some(),
        Type::Paren(inner) => {
            may_be_future(&ReturnType::Type(Default::default(), inner.elem.clone()))
        }
        Type::Path(path) if path.qself.is_none() => path
            .path
            .segments
            .last()
            .is_none_or(|last| !NEVER.iter().any(|name| last.ident == name)),
        _ => true,
    }
}

/// Whether a body holds an `async` block or closure of its own (at any depth).
fn holds_async(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tt| match tt {
        proc_macro2::TokenTree::Ident(ident) => ident == "async",
        proc_macro2::TokenTree::Group(group) => holds_async(group.stream()),
        _ => false,
    })
}

/// Whether a `return` ends the block, along the path clippy's `needless_return` follows: the
/// tail or last statement, into blocks, both branches of an `if`, every arm of a `match`.
fn ends_in_return(block: &Block) -> bool {
    fn expr(e: &Expr) -> bool {
        match e {
            Expr::Return(_) => true,
            Expr::Block(b) => ends_in_return(&b.block),
            Expr::Unsafe(b) => ends_in_return(&b.block),
            Expr::If(i) => {
                ends_in_return(&i.then_branch)
                    || i.else_branch.as_ref().is_some_and(|(_, e)| expr(e))
            }
            Expr::Match(m) => m.arms.iter().any(|arm| expr(&arm.body)),
            _ => false,
        }
    }
    match block.stmts.last() {
        Some(Stmt::Expr(e, _)) => expr(e),
        _ => false,
    }
}

/// Tokens (no groups) with the given span.
fn user_spanned(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            tt.set_span(span);
            tt
        })
        .collect()
}

/// For a method (a fn with a `self` receiver), the statement that tells the runtime which type
/// it is a method of, so that output says `Type::method`.
fn note_owner(sig: &syn::Signature, krate: &TokenStream) -> TokenStream {
    if sig.receiver().is_none() {
        return TokenStream::new();
    }
    quote_spanned! {Span::mixed_site()=>
        #krate::__private::note_owner(&__TRACED_ASYNC_FN, ::core::any::type_name::<Self>);
    }
}

/// The body's output type for the turbofish, so that type errors in the body point at the
/// user's code. `_` when it holds `impl Trait`, which cannot be named there.
fn output_type(output: &ReturnType) -> TokenStream {
    struct FindImpl(bool);
    impl Visit<'_> for FindImpl {
        fn visit_type_impl_trait(&mut self, _: &syn::TypeImplTrait) {
            self.0 = true;
        }
    }
    match output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => {
            let mut find = FindImpl(false);
            find.visit_type(ty);
            if find.0 || matches!(**ty, Type::Never(_)) {
                quote!(_)
            } else {
                generated(ty.to_token_stream())
            }
        }
    }
}

/// The tokens at their own places but marked as this macro's: names resolve as the user wrote
/// them, errors point at the user's type, and lints on types (`clippy::type_complexity`) see
/// a copy the macro made, not a second type the user wrote.
fn generated(tokens: TokenStream) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tt| {
            if let proc_macro2::TokenTree::Group(group) = &tt {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), generated(group.stream()));
                inner.set_span(group.span().resolved_at(Span::call_site()));
                tt = proc_macro2::TokenTree::Group(inner);
            } else {
                tt.set_span(tt.span().resolved_at(Span::call_site()));
            }
            tt
        })
        .collect()
}

/// Input:  `async fn f() -> R { .. return x; .. }`
/// Output: an unreachable `return` of an `R` as the traced body's first statement.
///
/// An async block's output type is inferred from its first `return` or its tail; this fixes it
/// to the declared `R` up front, so that a `return` or tail of another type is reported at the
/// user's expression ("expected `R`, found ..."), not at the attribute. `None` when `R` cannot
/// be named in a `let` (`impl Trait`, `!`). The same trick as tracing's `#[instrument]`.
/// The `return` is located at the declared type, where the compiler's "return type inferred
/// to be `R` here" then points.
fn fake_return(output: &TokenStream, declared: Span) -> Option<TokenStream> {
    if output.to_string() == "_" {
        return None;
    }
    let at = Span::mixed_site().located_at(declared);
    let ret = quote_spanned!(at=> return __traced_async_return);
    Some(quote_spanned! {Span::mixed_site()=>
        #[allow(
            unreachable_code,
            clippy::diverging_sub_expression,
            clippy::empty_loop,
            clippy::let_unit_value,
            clippy::needless_return,
        )]
        if false {
            let __traced_async_return: #output = loop {};
            #ret;
        }
    })
}

/// The user's block inside `#[tracing::instrument]`'s expansion, when that attribute ran first.
///
/// Input (what tracing-attributes 0.1 writes for an `async fn`):
/// ```text
/// let __tracing_attr_span = ..;
/// let __tracing_instrument_future = async move { user's block };
/// // or, with `err`/`ret`: async move { let x = async move { user's block }.await; .. }
/// if !__tracing_attr_span.is_disabled() { Instrument::instrument(__tracing_instrument_future, ..).await }
/// else { __tracing_instrument_future.await }
/// ```
/// The user's block runs inside the traced body's polls, so its `.await`s are the fn's await
/// points; tracing's own two `.await`s are left alone.
fn instrumented_body(body: &mut Block) -> Option<&mut Block> {
    let init = body.stmts.iter_mut().find_map(|stmt| match stmt {
        Stmt::Local(local) => match (&local.pat, &mut local.init) {
            (syn::Pat::Ident(binding), Some(init))
                if binding.ident == "__tracing_instrument_future" =>
            {
                Some(&mut *init.expr)
            }
            _ => None,
        },
        _ => None,
    })?;
    let Expr::Async(wrapper) = init else {
        return None;
    };
    // With `err` or `ret`, the user's block is the one `async move { .. }.await`ed inside.
    let count = wrapper.block.stmts.len();
    let inner = (0..count).find(|&i| awaited_async_block(&mut wrapper.block.stmts[i]).is_some());
    match inner {
        Some(i) => awaited_async_block(&mut wrapper.block.stmts[i]),
        None => Some(&mut wrapper.block),
    }
}

/// The block of `async move { .. }.await` as the initializer of a `let` or the scrutinee of a
/// `match`.
fn awaited_async_block(stmt: &mut Stmt) -> Option<&mut Block> {
    let expr = match stmt {
        Stmt::Local(local) => &mut *local.init.as_mut()?.expr,
        Stmt::Expr(expr, _) => expr,
        _ => return None,
    };
    let scrutinee = match expr {
        Expr::Match(m) => &mut *m.expr,
        other => other,
    };
    match scrutinee {
        Expr::Await(awaited) => match &mut *awaited.base {
            Expr::Async(inner) => Some(&mut inner.block),
            _ => None,
        },
        _ => None,
    }
}

/// `let x = y;` with a plain binding and a plain path: a rebinding of an argument.
fn is_rebinding(stmt: &Stmt) -> bool {
    let Stmt::Local(local) = stmt else {
        return false;
    };
    let plain = matches!(&local.pat, syn::Pat::Ident(_))
        || matches!(&local.pat, syn::Pat::Type(typed) if matches!(&*typed.pat, syn::Pat::Ident(_)));
    plain
        && local
            .init
            .as_ref()
            .is_some_and(|init| init.diverge.is_none() && matches!(&*init.expr, Expr::Path(_)))
}

/// `Box::pin(async move { .. })` as the last statement of a body, as `#[async_trait]` writes.
fn async_trait_body(body: &mut Block) -> Option<&mut syn::ExprAsync> {
    let Some(Stmt::Expr(Expr::Call(call), None)) = body.stmts.last_mut() else {
        return None;
    };
    let Expr::Path(func) = &*call.func else {
        return None;
    };
    let segments: Vec<String> = func
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    if !segments.ends_with(&["Box".to_owned(), "pin".to_owned()]) || call.args.len() != 1 {
        return None;
    }
    match call.args.first_mut() {
        Some(Expr::Async(block)) => Some(block),
        _ => None,
    }
}

/// The user's body inside `#[tokio::main]`'s or `#[tokio::test]`'s expansion, when that
/// attribute ran first: the slot holding the async block tokio made of it.
///
/// Input, tokio-macros 2:
/// ```text
/// fn main() -> R {
///     let body = async { user's block };
///     .. // test: `pin!(body)`; main: a type check of `body`
///     { return Builder::new_current_thread().enable_all().build().expect(..).block_on(body); }
/// }
/// ```
/// Input, tokio-macros 1 (older lockfiles):
/// ```text
/// fn main() -> R { Builder::new_current_thread().enable_all().build().expect(..).block_on(async { user's block }) }
/// ```
/// (tokio-macros 2.6 puts a `#[cfg]`-gated fallback block after the one that blocks.)
/// Output: the same, the async block replaced by `{ traced(|| &META, async { .. }) }`. Only a
/// body that blocks on that block matches: a plain fn of the user's that happens to start with
/// `let body = async ..` is not mistaken for tokio's.
fn tokio_body(body: &mut Block) -> Option<&mut Expr> {
    // Which shape, asked before borrowing the slot to return (one mutable borrow at a time).
    let (at, inline) = body
        .stmts
        .iter_mut()
        .enumerate()
        .rev()
        .find_map(|(at, stmt)| match block_on_argument(stmt)? {
            Expr::Async(_) => Some((at, true)),
            Expr::Path(path) if path.path.is_ident("body") => Some((at, false)),
            _ => None,
        })?;
    if inline {
        // tokio-macros 1: the async block is the argument itself.
        return block_on_argument(&mut body.stmts[at]);
    }
    let Some(Stmt::Local(local)) = body.stmts.first_mut() else {
        return None;
    };
    let syn::Pat::Ident(binding) = &local.pat else {
        return None;
    };
    if binding.ident != "body" || binding.by_ref.is_some() || binding.mutability.is_some() {
        return None;
    }
    match local.init.as_mut().map(|init| &mut *init.expr) {
        Some(init @ Expr::Async(_)) => Some(init),
        _ => None,
    }
}

/// The argument of the `.block_on(..)` call that ends `stmt` (tokio's last statement: the call
/// itself, or a block whose last statement is `return <call>;`).
fn block_on_argument(stmt: &mut Stmt) -> Option<&mut Expr> {
    let mut expr = match stmt {
        Stmt::Expr(expr, _) => expr,
        _ => return None,
    };
    loop {
        expr = match expr {
            Expr::Block(block) => match block.block.stmts.last_mut()? {
                Stmt::Expr(inner, _) => inner,
                _ => return None,
            },
            Expr::Return(ret) => ret.expr.as_deref_mut()?,
            Expr::MethodCall(call) if call.method == "block_on" && call.args.len() == 1 => {
                return call.args.first_mut();
            }
            _ => return None,
        };
    }
}

fn fn_meta(
    sig: &syn::Signature,
    args: &Args,
    rewriter: &Rewriter,
    krate: &TokenStream,
) -> TokenStream {
    let name = match &args.name {
        Some(name) => name.value(),
        None => sig.ident.to_string().trim_start_matches("r#").to_owned(),
    };
    let name = proc_macro2::Literal::string(&name).into_token_stream();
    let timing = args.timing.as_ref().is_none_or(|t| t.value);
    meta_static(&name, sig.ident.span(), timing, rewriter, krate)
}

/// `static __TRACED_ASYNC_FN: FnMeta = ..;` for a state machine named by the expression `name`
/// (a string literal, or a `concat!` of one), whose line is that of `at`, with the await points
/// the rewriter numbered. Shared by fns and `traced!` blocks and closures.
pub(crate) fn meta_static(
    name: &TokenStream,
    at: Span,
    timing: bool,
    rewriter: &Rewriter,
    krate: &TokenStream,
) -> TokenStream {
    let (line, _) = rewrite::location(at);
    let points = rewriter.points.iter().enumerate().map(|(index, point)| {
        let (line, column) = rewrite::location(point.span);
        let label = &point.label;
        let text = &point.text;
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        let kind = match point.kind {
            Kind::Await => quote!(Await),
            Kind::Macro => quote!(Macro),
            Kind::Branch => quote!(Branch),
        };
        quote! {
            #krate::__private::AwaitMeta::new(#index, #label, #line, #column, #text, #krate::__private::AwaitKind::#kind)
        }
    });
    quote_spanned! {Span::call_site()=>
        static __TRACED_ASYNC_FN: #krate::__private::FnMeta = #krate::__private::FnMeta::new(
            #name, ::core::module_path!(), ::core::file!(), #line, &[#(#points),*], #timing,
        );
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn a_body_may_suspend_at_an_await_or_a_macro_that_is_not_stds() {
        let suspends = |body| super::may_suspend(body);
        assert!(suspends(quote!({ f().await })));
        assert!(suspends(quote!({
            let g = async { h().await };
            1
        })));
        assert!(suspends(quote!({ tokio::join!(a, b) })));
        assert!(suspends(quote!({
            my_macro! { x }
        })));
        assert!(suspends(quote!({ println!("{}", f().await) })));
        assert!(!suspends(quote!({
            println!("{}", 1);
            assert_eq!(a, b);
            vec![1]
        })));
        assert!(!suspends(quote!({
            if !(a != b) {
                return !x;
            }
            a
        })));
        assert!(!suspends(quote!({
            let f = |x: u8| x + 1;
            f(2)
        })));
    }

    #[test]
    fn a_body_ends_in_return_along_its_tails() {
        let ends = |block: syn::Block| super::ends_in_return(&block);
        assert!(ends(syn::parse_quote!({
            f();
            return 1;
        })));
        assert!(ends(syn::parse_quote!({ if a { return 1 } else { 2 } })));
        assert!(ends(syn::parse_quote!({
            match a {
                1 => {
                    return x;
                }
                _ => y,
            }
        })));
        assert!(!ends(syn::parse_quote!({
            if a {
                return 1;
            }
            2
        })));
        assert!(!ends(syn::parse_quote!({
            let f = || {
                return 1;
            };
            f()
        })));
        assert!(super::holds_async(quote!({
            let g = async { 1 };
        })));
        assert!(!super::holds_async(quote!({
            let g = || 1;
        })));
    }

    #[test]
    fn a_return_type_may_be_a_future_unless_it_is_a_known_one() {
        let may = |ty: syn::ReturnType| super::may_be_future(&ty);
        assert!(may(syn::parse_quote!(-> JoinHandle<u32>)));
        assert!(may(syn::parse_quote!(-> impl Future<Output = u8>)));
        assert!(may(syn::parse_quote!(-> Self)));
        assert!(may(syn::parse_quote!(-> &mut F)));
        assert!(!may(syn::parse_quote!()));
        assert!(!may(syn::parse_quote!(-> ())));
        assert!(!may(syn::parse_quote!(-> std::io::Result<Vec<u8>>)));
        assert!(!may(syn::parse_quote!(-> Option<(u8, String)>)));
        assert!(!may(syn::parse_quote!(-> &'a str)));
    }

    /// The expansion of `#[traced_async]` on `item`, as text.
    fn expand(item: proc_macro2::TokenStream) -> String {
        super::traced_async(proc_macro2::TokenStream::new(), item, false).to_string()
    }

    #[test]
    fn traces_the_body_of_both_tokio_macros_shapes() {
        // tokio-macros 2: `let body = async { .. };` first, `block_on(body)` last.
        let v2 = expand(quote! {
            fn main() -> u32 {
                let body = async { ready(1).await };
                let body = { body };
                #[allow(clippy::expect_used)]
                {
                    use tokio::runtime::Builder;
                    return Builder::new_current_thread().enable_all().build().expect("rt").block_on(body);
                }
            }
        });
        // tokio-macros 2.6: a `#[cfg]`-gated fallback after the block that blocks.
        let v2_6 = expand(quote! {
            fn main() {
                let body = async { ready(1).await };
                #[cfg(all())]
                {
                    return tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt").block_on(body);
                }
                #[cfg(not(all()))]
                {
                    panic!("fell through checks")
                }
            }
        });
        // tokio-macros 1: the async block is `block_on`'s argument.
        let v1 = expand(quote! {
            fn main() -> u32 {
                tokio::runtime::Builder::new_current_thread().enable_all().build().expect("rt")
                    .block_on(async { ready(1).await })
            }
        });
        for out in [v2, v2_6, v1] {
            assert!(out.contains(":: __private :: traced ::"), "{out}");
            assert!(out.contains("enter_await (0)"), "{out}");
            assert!(!out.contains("compile_error"), "{out}");
        }
    }

    #[test]
    fn a_plain_fn_that_only_looks_like_tokios_is_refused() {
        let out = expand(quote! {
            fn f() -> impl Future<Output = u32> {
                let body = async { 1 };
                body
            }
        });
        assert!(out.contains("compile_error"), "{out}");
        assert!(!out.contains(":: __private :: traced ::"), "{out}");
    }
}
