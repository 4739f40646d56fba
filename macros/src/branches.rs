//! The branches of `join!`/`try_join!`/`select!`/`select_biased!` calls (tokio's and futures'),
//! parsed so that each branch's future can become an await point of its own.
//!
//! Input:  `tokio::select! { v = rx.recv() => v, _ = sleep(d) => None }`
//! Output: `tokio::select! { v = AwaitPoint::<_, 4>::new(rx.recv()) => v,
//!                           _ = AwaitPoint::<_, 5>::new(sleep(d)) => None }`
//!
//! Input:  `futures::select! { x = fut => x, complete => 0 }` (`fut` passed by name)
//! Output: `futures::select! { x = AwaitPoint::<_, 4>::new(&mut fut) => x, complete => 0 }`
//!
//! `futures::select!` borrows a future passed by name (`x = fut`) and moves any other
//! expression; tokio's moves both. A wrapped branch is an expression, so a by-name future is
//! wrapped as `&mut fut` to keep the borrow (`AwaitPoint<&mut F>` is `Unpin` and fused exactly
//! when `futures::select!` already requires `F` to be). A bare `select!` whose syntax does not
//! tell which crate's it is, and which passes a future by name, is left whole.

use proc_macro2::{Ident, TokenStream};
use quote::{ToTokens, quote};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Pat, Token};

/// Which macro's grammar and by-name rule the call follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    /// `join!`/`try_join!` of tokio or futures: `[biased;] fut, fut, ...`, all moved.
    Join,
    /// `tokio::select!`: `[biased;] pat = fut [, if cond] => handler, ... [else => expr]`.
    TokioSelect,
    /// `futures::select!`/`select_biased!`: `pat = fut => handler, ... [default|complete => expr]`.
    FuturesSelect,
    /// A bare `select!`: either of the two, told apart by its syntax when it can be.
    AnySelect,
}

/// A parsed call: the `biased;` prefix, if any, and its parts in source order.
pub(crate) struct Call {
    biased: Option<TokenStream>,
    parts: Vec<Part>,
    flavor: Flavor,
}

enum Part {
    /// One future of a `join!`, with the comma after it.
    Joined {
        future: Expr,
        comma: Option<Token![,]>,
    },
    /// `pat = future [, if guard] => handler[,]`
    Arm(Box<Arm>),
    /// `else`/`default`/`complete => handler[,]`
    Fallback {
        keyword: Ident,
        arrow: Token![=>],
        handler: Expr,
        comma: Option<Token![,]>,
    },
}

struct Arm {
    pat: Pat,
    eq: Token![=],
    future: Expr,
    guard: Option<(Token![,], Token![if], Expr)>,
    arrow: Token![=>],
    handler: Expr,
    comma: Option<Token![,]>,
}

/// Parses a call's tokens; `None` when they do not follow the grammar (the compiler will say
/// why) or when a bare `select!` cannot be wrapped safely.
pub(crate) fn parse(flavor: Flavor, tokens: &TokenStream) -> Option<Call> {
    let parser = |input: ParseStream<'_>| {
        let biased = parse_biased(input)?;
        let parts = if flavor == Flavor::Join {
            let futures = Punctuated::<Expr, Token![,]>::parse_terminated(input)?;
            futures
                .into_pairs()
                .map(|pair| {
                    let (future, comma) = pair.into_tuple();
                    Part::Joined { future, comma }
                })
                .collect()
        } else {
            let mut parts = Vec::new();
            while !input.is_empty() {
                parts.push(parse_arm(input)?);
            }
            parts
        };
        Ok(Call {
            biased,
            parts,
            flavor,
        })
    };
    let mut call = parser.parse2(tokens.clone()).ok()?;
    call.flavor = call.resolve()?;
    Some(call)
}

fn parse_biased(input: ParseStream<'_>) -> syn::Result<Option<TokenStream>> {
    let fork = input.fork();
    let is_biased = fork.parse::<Ident>().is_ok_and(|i| i == "biased") && fork.peek(Token![;]);
    if !is_biased {
        return Ok(None);
    }
    let ident: Ident = input.parse()?;
    let semi: Token![;] = input.parse()?;
    Ok(Some(quote!(#ident #semi)))
}

fn parse_arm(input: ParseStream<'_>) -> syn::Result<Part> {
    let fallback = input.peek(Token![else])
        || input.peek(Token![default]) && input.peek2(Token![=>])
        || input.fork().parse::<Ident>().is_ok_and(|i| i == "complete") && input.peek2(Token![=>]);
    if fallback {
        let keyword = input.call(syn::ext::IdentExt::parse_any)?;
        let arrow = input.parse()?;
        let (handler, comma) = parse_handler(input)?;
        return Ok(Part::Fallback {
            keyword,
            arrow,
            handler,
            comma,
        });
    }
    let pat = Pat::parse_multi_with_leading_vert(input)?;
    let eq = input.parse()?;
    let future = input.parse()?;
    let guard = if input.peek(Token![,]) && input.peek2(Token![if]) {
        Some((input.parse()?, input.parse()?, input.parse()?))
    } else {
        None
    };
    let arrow = input.parse()?;
    let (handler, comma) = parse_handler(input)?;
    Ok(Part::Arm(Box::new(Arm {
        pat,
        eq,
        future,
        guard,
        arrow,
        handler,
        comma,
    })))
}

/// A handler ends like a `match` arm's: the comma is optional after a block and at the end.
fn parse_handler(input: ParseStream<'_>) -> syn::Result<(Expr, Option<Token![,]>)> {
    let handler = Expr::parse_with_earlier_boundary_rule(input)?;
    let comma = if matches!(handler, Expr::Block(_)) || input.is_empty() {
        input.parse()?
    } else {
        Some(input.parse()?)
    };
    Ok((handler, comma))
}

impl Call {
    /// Settles a bare `select!` to tokio's or futures' grammar; `None` when it could be either
    /// and passes a future by name, where the two disagree.
    fn resolve(&self) -> Option<Flavor> {
        if self.flavor != Flavor::AnySelect {
            return Some(self.flavor);
        }
        let mut tokio = self.biased.is_some();
        let mut futures = false;
        let mut by_name = false;
        for part in &self.parts {
            match part {
                Part::Fallback { keyword, .. } if keyword == "else" => tokio = true,
                Part::Fallback { .. } => futures = true,
                Part::Arm(arm) => {
                    tokio |= arm.guard.is_some();
                    by_name |= matches!(arm.future, Expr::Path(_));
                }
                Part::Joined { .. } => {}
            }
        }
        match (tokio, futures) {
            (true, false) => Some(Flavor::TokioSelect),
            (false, true) => Some(Flavor::FuturesSelect),
            (false, false) if !by_name => Some(Flavor::TokioSelect),
            _ => None,
        }
    }

    /// The branches' futures, in source order.
    pub(crate) fn futures(&self) -> impl Iterator<Item = &Expr> {
        self.parts.iter().filter_map(|part| match part {
            Part::Joined { future, .. } => Some(future),
            Part::Arm(arm) => Some(&arm.future),
            Part::Fallback { .. } => None,
        })
    }

    /// Every expression of the call in source order (futures, guards, handlers), for the
    /// `.await`s written in them.
    pub(crate) fn exprs_mut(&mut self) -> Vec<&mut Expr> {
        let mut exprs = Vec::new();
        for part in &mut self.parts {
            match part {
                Part::Joined { future, .. } => exprs.push(future),
                Part::Arm(arm) => {
                    let Arm {
                        future,
                        guard,
                        handler,
                        ..
                    } = &mut **arm;
                    exprs.push(future);
                    if let Some((_, _, guard)) = guard {
                        exprs.push(guard);
                    }
                    exprs.push(handler);
                }
                Part::Fallback { handler, .. } => exprs.push(handler),
            }
        }
        exprs
    }

    /// The call's tokens with branch `i`'s future passed to `wrap(i, future)`.
    pub(crate) fn into_tokens(
        self,
        mut wrap: impl FnMut(usize, TokenStream) -> TokenStream,
    ) -> TokenStream {
        let by_name = self.flavor == Flavor::FuturesSelect;
        let mut tokens = self.biased.unwrap_or_default();
        let mut branch = 0;
        let mut future_tokens = |future: &Expr| {
            let expr = if by_name && matches!(future, Expr::Path(_)) {
                quote!(&mut #future)
            } else {
                future.to_token_stream()
            };
            branch += 1;
            wrap(branch - 1, expr)
        };
        for part in &self.parts {
            match part {
                Part::Joined { future, comma } => {
                    tokens.extend(future_tokens(future));
                    comma.to_tokens(&mut tokens);
                }
                Part::Arm(arm) => {
                    let Arm {
                        pat,
                        eq,
                        future,
                        guard,
                        arrow,
                        handler,
                        comma,
                    } = &**arm;
                    pat.to_tokens(&mut tokens);
                    eq.to_tokens(&mut tokens);
                    tokens.extend(future_tokens(future));
                    if let Some((comma, if_token, guard)) = guard {
                        tokens.extend(quote!(#comma #if_token #guard));
                    }
                    tokens.extend(quote!(#arrow #handler #comma));
                }
                Part::Fallback {
                    keyword,
                    arrow,
                    handler,
                    comma,
                } => {
                    tokens.extend(quote!(#keyword #arrow #handler #comma));
                }
            }
        }
        tokens
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrap(flavor: Flavor, tokens: TokenStream) -> Option<String> {
        let call = parse(flavor, &tokens)?;
        Some(call.into_tokens(|i, f| quote!(W::<#i>(#f))).to_string())
    }

    #[test]
    fn join_wraps_every_future() {
        let out = rewrap(Flavor::Join, quote!(biased; a(), b.c(),)).unwrap();
        assert_eq!(
            out,
            quote!(biased; W::<0usize>(a()), W::<1usize>(b.c()),).to_string()
        );
    }

    #[test]
    fn tokio_select_keeps_guards_handlers_and_else() {
        let tokens = quote!(v = rx.recv(), if open => { v } _ = sleep(d) => None, else => None);
        let out = rewrap(Flavor::TokioSelect, tokens).unwrap();
        let expected = quote!(v = W::<0usize>(rx.recv()), if open => { v }
                              _ = W::<1usize>(sleep(d)) => None, else => None);
        assert_eq!(out, expected.to_string());
    }

    #[test]
    fn futures_select_borrows_by_name_futures() {
        let tokens = quote!(x = fut => x, y = make() => y, default => 0, complete => 1);
        let out = rewrap(Flavor::FuturesSelect, tokens).unwrap();
        let expected = quote!(x = W::<0usize>(&mut fut) => x, y = W::<1usize>(make()) => y,
                              default => 0, complete => 1);
        assert_eq!(out, expected.to_string());
    }

    #[test]
    fn bare_select_is_told_apart_by_syntax() {
        let tokio = parse(Flavor::AnySelect, &quote!(biased; x = fut => x)).unwrap();
        assert_eq!(tokio.flavor, Flavor::TokioSelect);
        let futures = parse(Flavor::AnySelect, &quote!(x = fut => x, complete => 0)).unwrap();
        assert_eq!(futures.flavor, Flavor::FuturesSelect);
        assert!(parse(Flavor::AnySelect, &quote!(x = fut => x)).is_none());
        assert!(parse(Flavor::AnySelect, &quote!(x = make() => x)).is_some());
    }

    #[test]
    fn a_call_off_the_grammar_is_left_whole() {
        assert!(parse(Flavor::TokioSelect, &quote!(x = => y)).is_none());
        assert!(parse(Flavor::Join, &quote!(a b)).is_none());
    }
}
