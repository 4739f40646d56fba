//! The source text of an expression, rebuilt from its tokens' positions so that it reads as the
//! user wrote it (`fetch(url, 3)`, not `fetch (url , 3)`), on one line.

use proc_macro2::{Delimiter, LineColumn, Span, TokenStream, TokenTree};
use quote::ToTokens;

/// The longest text kept; longer expressions end in `…`.
const MAX_CHARS: usize = 160;

pub(crate) fn of(node: &impl ToTokens) -> String {
    let tokens = node.to_token_stream();
    let mut pieces = Vec::new();
    flatten(tokens.clone(), &mut pieces);
    let text = if pieces.iter().all(|(_, start, _)| start.line > 0) {
        join(&pieces)
    } else {
        // No positions (outside a compiler, or tokens made by another macro): token spacing.
        tokens.to_string()
    };
    truncate(&text)
}

fn flatten(tokens: TokenStream, out: &mut Vec<(String, LineColumn, LineColumn)>) {
    for tree in tokens {
        match tree {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                // A delimiter is one character. A group rebuilt from a span of the whole group
                // (as syn prints a macro call's delimiters) has that span as its open and close
                // spans, so each is narrowed to its own end of it.
                if !open.is_empty() {
                    let start = group.span_open().start();
                    let end = LineColumn {
                        line: start.line,
                        column: start.column + 1,
                    };
                    out.push((open.to_owned(), start, end));
                }
                flatten(group.stream(), out);
                if !close.is_empty() {
                    let end = group.span_close().end();
                    let start = LineColumn {
                        line: end.line,
                        column: end.column.saturating_sub(1),
                    };
                    out.push((close.to_owned(), start, end));
                }
            }
            // `#[async_trait]` renames `self` to `__self` before the attribute sees the body.
            TokenTree::Ident(ident) if ident == "__self" => push(out, "self", ident.span()),
            other => push(out, &other.to_string(), other.span()),
        }
    }
}

fn push(out: &mut Vec<(String, LineColumn, LineColumn)>, text: &str, span: Span) {
    out.push((text.to_owned(), span.start(), span.end()));
}

/// Tokens on one line keep the gap between them; a line break becomes one space.
fn join(pieces: &[(String, LineColumn, LineColumn)]) -> String {
    let mut text = String::new();
    let mut prev_end: Option<LineColumn> = None;
    for (piece, start, end) in pieces {
        if let Some(prev) = prev_end {
            if start.line != prev.line {
                text.push(' ');
            } else if start.column > prev.column {
                text.push_str(&" ".repeat((start.column - prev.column).min(8)));
            }
        }
        text.push_str(piece);
        prev_end = Some(*end);
    }
    text
}

fn truncate(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= MAX_CHARS {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(MAX_CHARS - 1).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_spacing_as_written_on_one_line() {
        let expr: syn::Expr = syn::parse_str("fetch(url,  3)\n    .map(|x| x + 1)").unwrap();
        assert_eq!(of(&expr), "fetch(url,  3) .map(|x| x + 1)");
    }

    #[test]
    fn long_text_is_cut() {
        let long = "x".repeat(400);
        assert_eq!(truncate(&long).chars().count(), MAX_CHARS);
    }
}
