//! Numbers the await points of a body and rewrites them.
//!
//! Input:  `let page = fetch(url).await;`
//! Output: `let page = ::traced_async::__private::AwaitPoint::<_, 0>::new(fetch(url)).await;`
//!
//! Input:  `futures::join!(a, b);`
//! Output: `::traced_async::__private::enter_await(1);
//!          futures::join!(AwaitPoint::<_, 2>::new(a), AwaitPoint::<_, 3>::new(b));`
//!
//! Await points are labelled in source order (`0`, `1`, ...); the branches of a `join!` or
//! `select!` labelled `N` are `N.0`, `N.1`, ... Their position in the fn's array of await points
//! (the `N` of `AwaitPoint<_, N>`) counts branches too.
//!
//! Nested `async` blocks, closures and items are other state machines: their `.await`s are
//! left alone. The `.await` token keeps the user's span, so errors and lints point at it.

use proc_macro2::{Literal, Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, ExprAwait, Item, Macro, Stmt};

use crate::branches;
use crate::macros::{self, MacroCall};
use crate::source_text;

/// How an await point appears in the source, as the runtime's `AwaitKind` names it.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    Await,
    Macro,
    Branch,
}

/// One await point, in source order.
pub(crate) struct Point {
    pub(crate) label: String,
    pub(crate) kind: Kind,
    /// Where `line!()`/`column!()` are taken: the `.await`'s dot, the macro's path, or the
    /// branch future's first token.
    pub(crate) span: Span,
    pub(crate) text: String,
}

pub(crate) struct Rewriter {
    krate: TokenStream,
    pub(crate) points: Vec<Point>,
    /// The next top-level label: await points that are not branches.
    next_label: usize,
    /// Marks for macro calls in expression position that the attribute knows nothing about,
    /// placed before the statement holding them (see `visit_expr_mut`).
    hoisted: Vec<TokenStream>,
    pub(crate) error: Option<syn::Error>,
}

/// The runtime's `MAX_AWAITS`: the top bit of an await point's code is the runtime's.
const MAX_AWAITS: usize = 0x8000;

impl Rewriter {
    pub(crate) fn new(krate: TokenStream) -> Self {
        Rewriter {
            krate,
            points: Vec::new(),
            next_label: 0,
            hoisted: Vec::new(),
            error: None,
        }
    }

    /// Registers an await point under the next label; `None` (and an error) past the limit.
    fn push(&mut self, kind: Kind, span: Span, text: String) -> Option<Literal> {
        let label = self.next_label.to_string();
        let index = self.push_labelled(kind, span, text, label)?;
        self.next_label += 1;
        Some(index)
    }

    fn push_labelled(
        &mut self,
        kind: Kind,
        span: Span,
        text: String,
        label: String,
    ) -> Option<Literal> {
        let index = self.points.len();
        if index >= MAX_AWAITS {
            self.error.get_or_insert_with(|| {
                syn::Error::new(
                    span,
                    "a traced fn can have at most 32768 await points; split it",
                )
            });
            return None;
        }
        self.points.push(Point {
            label,
            kind,
            span,
            text,
        });
        Some(Literal::usize_unsuffixed(index))
    }

    fn rewrite_await(&mut self, expr: &mut ExprAwait) -> Option<TokenStream> {
        let text = source_text::of(&expr.base);
        let start = base_span(&expr.base);
        self.visit_expr_mut(&mut expr.base);
        let index = self.push(Kind::Await, expr.dot_token.span, text)?;
        let ExprAwait {
            attrs,
            base,
            dot_token,
            await_token,
        } = expr;
        let wrapped = self.wrap(start, &index, base.to_token_stream());
        Some(quote!(#(#attrs)* #wrapped #dot_token #await_token))
    }

    /// Input:  `let page = fetch(url).await?;`
    /// Output: `path::enter_await(3); let page = fetch(url).await?;`
    ///
    /// A statement whose one await point is a plain `.await` is left exactly as written and
    /// marked before, like a macro call: a suspension no `AwaitPoint` reports is attributed to
    /// the frame's last mark, and nothing else in the statement can suspend or mark. Untouched
    /// code keeps every compiler check and diagnostic of the user's code: `#[must_use]` on an
    /// `async fn` is checked only when the awaited expression has that fn's own future type
    /// (a wrapper silences it), and "`x` is not a future" stays one error with its fix.
    ///
    /// The mark spans the statement (its first token at the statement's first, its `;` at the
    /// statement's last), so that `unreachable_code` after a `return` underlines the user's
    /// statement, as it does without the attribute.
    fn await_statement(&mut self, awaited: &ExprAwait, stmt: &Stmt) -> Option<TokenStream> {
        let text = source_text::of(&awaited.base);
        let index = self.push(Kind::Await, awaited.dot_token.span, text)?;
        let tokens = stmt.to_token_stream();
        let first = tokens.clone().into_iter().next().map(|t| t.span());
        let last = tokens.into_iter().last().map(|t| match t {
            proc_macro2::TokenTree::Group(group) => group.span_close(),
            other => other.span(),
        });
        let (Some(first), Some(last)) = (first, last) else {
            return Some(self.marker(awaited.dot_token.span, Some(&index)));
        };
        let mut marker: Vec<_> = self.marker(first, Some(&index)).into_iter().collect();
        if let Some(semi) = marker.last_mut() {
            semi.set_span(last);
        }
        Some(marker.into_iter().collect())
    }

    /// The statement that marks entry into a macro call, if the call needs one.
    fn macro_marker(&mut self, mac: &mut Macro) -> Option<TokenStream> {
        let span = mac.path.span();
        match macros::classify(mac) {
            MacroCall::Branches(flavor) => {
                let index = match branches::parse(flavor, &mac.tokens) {
                    Some(call) => self.rewrite_branches(mac, call)?,
                    None => self.push(Kind::Macro, span, source_text::of(&*mac))?,
                };
                Some(self.marker(span, Some(&index)))
            }
            MacroCall::Quiet => None,
            MacroCall::ExprArgs if self.rewrite_args(mac) => None,
            MacroCall::Opaque => Some(self.marker(span, None)),
            MacroCall::ExprArgs | MacroCall::Suspends => {
                let index = self.push(Kind::Macro, span, source_text::of(&*mac))?;
                Some(self.marker(span, Some(&index)))
            }
        }
    }

    /// `path::AwaitPoint::<_, N>::new(future)`, all spanned at the awaited expression's first
    /// token: a diagnostic or lint spanning the rewritten `expr.await` then shows the user's
    /// `expr.await`, not the attribute. One token of another syntax context in the expression,
    /// even located there, makes the compiler widen its span to the attribute, and in a `let`'s
    /// initializer turns `unused variable: x` into "variable `x` is assigned to, but never
    /// used" plus a warning at the attribute. The path is absolute, so it resolves the same.
    fn wrap(&self, start: Span, index: &Literal, future: TokenStream) -> TokenStream {
        let krate = respan(self.krate.clone(), start);
        let mut index = index.clone();
        index.set_span(start);
        quote_spanned!(start=> #krate::__private::AwaitPoint::<_, #index>::new(#future))
    }

    /// `path::enter_await(N);`, or `enter_unseen_macro();` without an index, spanned at the
    /// macro's path for the same reason as [`Rewriter::wrap`].
    fn marker(&self, span: Span, index: Option<&Literal>) -> TokenStream {
        let krate = respan(self.krate.clone(), span);
        match index {
            Some(index) => {
                let mut index = index.clone();
                index.set_span(span);
                quote_spanned!(span=> #krate::__private::enter_await(#index);)
            }
            None => quote_spanned!(span=> #krate::__private::enter_unseen_macro();),
        }
    }

    /// Registers a `join!`/`select!` call and its branches, wraps each branch's future in its
    /// await point and numbers the `.await`s written in its expressions. Returns the call's index.
    fn rewrite_branches(&mut self, mac: &mut Macro, mut call: branches::Call) -> Option<Literal> {
        let label = self.next_label;
        let index = self.push(Kind::Macro, mac.path.span(), source_text::of(&*mac))?;
        let mut indices = Vec::new();
        for (branch, future) in call.futures().enumerate() {
            let text = source_text::of(future);
            let span = future.span();
            indices.push(self.push_labelled(
                Kind::Branch,
                span,
                text,
                format!("{label}.{branch}"),
            )?);
        }
        let starts: Vec<Span> = call.futures().map(base_span).collect();
        for expr in call.exprs_mut() {
            self.visit_expr_mut(expr);
        }
        mac.tokens =
            call.into_tokens(
                |branch, future| match (indices.get(branch), starts.get(branch)) {
                    (Some(index), Some(start)) => self.wrap(*start, index, future),
                    _ => future,
                },
            );
        Some(index)
    }

    /// Rewrites the `.await`s in a macro's comma-separated expression arguments; `false` (and
    /// nothing changed) when an argument holding one does not parse as an expression.
    fn rewrite_args(&mut self, mac: &mut Macro) -> bool {
        let chunks = macros::split_commas(&mac.tokens);
        let mut parsed = Vec::with_capacity(chunks.len());
        for (chunk, comma) in chunks {
            if macros::contains_await(&chunk) {
                match syn::parse2::<Expr>(chunk) {
                    Ok(expr) => parsed.push((Err(expr), comma)),
                    Err(_) => return false,
                }
            } else {
                parsed.push((Ok(chunk), comma));
            }
        }
        let mut tokens = TokenStream::new();
        for (chunk, comma) in parsed {
            match chunk {
                Ok(raw) => tokens.extend(raw),
                Err(mut expr) => {
                    self.visit_expr_mut(&mut expr);
                    expr.to_tokens(&mut tokens);
                }
            }
            tokens.extend(comma);
        }
        mac.tokens = tokens;
        true
    }
}

impl VisitMut for Rewriter {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Await(inner) => {
                if let Some(tokens) = self.rewrite_await(inner) {
                    *expr = Expr::Verbatim(tokens);
                }
            }
            // Unknown and without `.await`: it most likely does not suspend, and may expand to
            // a place (`&mut field!(self)`), which a `{ mark; call }` block would move out of.
            // Its mark goes before the statement instead.
            Expr::Macro(call) if macros::classify(&call.mac) == MacroCall::Opaque => {
                let marker = self.marker(call.mac.path.span(), None);
                self.hoisted.push(marker);
            }
            Expr::Macro(call) => {
                if let Some(marker) = self.macro_marker(&mut call.mac) {
                    let span = call.mac.path.span();
                    *expr = Expr::Verbatim(quote_spanned!(span=> { #marker #call }));
                }
            }
            // Other state machines, with await points of their own.
            Expr::Async(_) | Expr::Closure(_) => {}
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_block_mut(&mut self, block: &mut Block) {
        let mut stmts = Vec::with_capacity(block.stmts.len());
        for mut stmt in std::mem::take(&mut block.stmts) {
            match &mut stmt {
                Stmt::Macro(call) => {
                    if let Some(marker) = self.macro_marker(&mut call.mac) {
                        stmts.push(Stmt::Expr(Expr::Verbatim(marker), None));
                    }
                }
                Stmt::Item(_) => {}
                _ => match single_await(&stmt) {
                    Some(awaited) => {
                        if let Some(marker) = self.await_statement(awaited, &stmt) {
                            stmts.push(Stmt::Expr(Expr::Verbatim(marker), None));
                        }
                    }
                    None => self.visit_stmt_mut(&mut stmt),
                },
            }
            for marker in self.hoisted.drain(..) {
                stmts.push(Stmt::Expr(Expr::Verbatim(marker), None));
            }
            stmts.push(stmt);
        }
        block.stmts = stmts;
    }

    fn visit_item_mut(&mut self, _: &mut Item) {}
}

/// The statement's only await point, when it is one `.await` and the statement holds no macro
/// call (outside nested closures, async blocks and items, which are other state machines).
fn single_await(stmt: &Stmt) -> Option<&ExprAwait> {
    #[derive(Default)]
    struct Find<'a> {
        awaits: Vec<&'a ExprAwait>,
        macros: bool,
    }
    impl<'a> syn::visit::Visit<'a> for Find<'a> {
        fn visit_expr(&mut self, expr: &'a Expr) {
            match expr {
                Expr::Await(awaited) => {
                    self.awaits.push(awaited);
                    syn::visit::visit_expr_await(self, awaited);
                }
                Expr::Async(_) | Expr::Closure(_) => {}
                _ => syn::visit::visit_expr(self, expr),
            }
        }
        fn visit_macro(&mut self, _: &'a Macro) {
            self.macros = true;
        }
        fn visit_item(&mut self, _: &'a Item) {}
    }
    let mut find = Find::default();
    syn::visit::Visit::visit_stmt(&mut find, stmt);
    match find.awaits[..] {
        [awaited] if !find.macros => Some(awaited),
        _ => None,
    }
}

/// The span of an expression's first token (all that `Spanned` gives on stable).
fn base_span(expr: &Expr) -> Span {
    expr.span()
}

/// `tokens` with every span moved to `span` (a path has no groups worth keeping spans of).
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let proc_macro2::TokenTree::Group(group) = &tree {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), respan(group.stream(), span));
                inner.set_span(span);
                tree = proc_macro2::TokenTree::Group(inner);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}

/// Span-carrying `line!()`/`column!()` so the numbers are those of the user's token.
pub(crate) fn location(span: Span) -> (TokenStream, TokenStream) {
    (
        quote_spanned!(span=> ::core::line!()),
        quote_spanned!(span=> ::core::column!()),
    )
}
