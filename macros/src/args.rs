//! Arguments of the attribute: `#[traced_async(name = "...", crate = path, timing = false)]`,
//! and those of the `tracing` bridge in `#[instrument]`'s syntax: `level = "debug"`,
//! `fields(a = %x, b = ?y, c)`, `skip(a, b)`, `skip_all`, `ret`, `err` (see `fields`).

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::parse::Parser;
use syn::{Ident, LitBool, LitStr, Path};

use crate::fields::{self, Bridge};

#[derive(Default)]
pub(crate) struct Args {
    /// Display name instead of the fn's identifier.
    pub(crate) name: Option<LitStr>,
    /// Path of the traced-async crate, for crates that re-export it under another name.
    pub(crate) krate: Option<Path>,
    /// `timing = false` records this fn's transitions without measuring its polls.
    pub(crate) timing: Option<LitBool>,
    /// The `tracing` bridge's arguments.
    pub(crate) bridge: Bridge,
}

const USAGE: &str = "#[traced_async] takes `name = \"...\"`, `crate = path::to::traced_async`, \
                     `timing = false`, and for its `tracing` span `level = \"debug\"`, \
                     `fields(key = value, ..)`, `skip(arg, ..)`, `skip_all`, `ret` and `err`";

const KEYS: [&str; 9] = [
    "name", "crate", "timing", "level", "fields", "skip", "skip_all", "ret", "err",
];

/// `true` for `#[traced_async = "..."]`, read from the attribute's source text: the compiler
/// passes only the value, which looks like `#[traced_async("...")]`, and already reports the
/// form as unsupported, so a second error would say nothing new.
pub(crate) fn written_as_key_value() -> bool {
    let Some(text) = Span::call_site().source_text() else {
        return false;
    };
    let after_path = text
        .trim_start_matches("#[")
        .trim_start()
        .trim_start_matches(|c: char| c.is_alphanumeric() || c == '_' || c == ':' || c == ' ');
    after_path.starts_with('=')
}

pub(crate) fn parse(tokens: TokenStream) -> syn::Result<Args> {
    // `#[traced_async("fetch")]`: the one positional guess worth answering precisely.
    if let Some(TokenTree::Literal(lit)) = tokens.clone().into_iter().next() {
        return Err(syn::Error::new(
            lit.span(),
            format!("name the argument: `#[traced_async(name = {lit})]`"),
        ));
    }
    parse_keys(tokens, USAGE, true)
}

/// `key = value, ..` (no positional name), with `usage` saying what the caller takes: the
/// attribute's arguments (with the bridge's, `bridge`), or the options of `traced!`.
pub(crate) fn parse_keys(tokens: TokenStream, usage: &str, bridge: bool) -> syn::Result<Args> {
    let mut args = Args::default();
    let parser = syn::meta::parser(|meta| {
        let key = meta
            .path
            .get_ident()
            .map(Ident::to_string)
            .unwrap_or_default();
        match key.as_str() {
            "name" => set(&mut args.name, &meta, "name", || {
                let lit: LitStr = value(&meta, "name", "a string: `name = \"fetch_page\"`")?;
                if lit.value().trim().is_empty() {
                    return Err(syn::Error::new(
                        lit.span(),
                        "the name must not be empty: give a name, or remove `name = \"\"`",
                    ));
                }
                Ok(lit)
            }),
            "crate" => set(&mut args.krate, &meta, "crate", || {
                let what = "a path: `crate = my_crate::traced_async`";
                let input = meta
                    .value()
                    .map_err(|e| needs_value(&meta, &e, "crate", what))?;
                // Both `crate = my_alias` and serde's string form `crate = "my_alias"`.
                let path = if input.peek(LitStr) {
                    input.parse::<LitStr>()?.parse_with(Path::parse_mod_style)
                } else {
                    input.call(Path::parse_mod_style)
                };
                path.map_err(|e| syn::Error::new(e.span(), format!("`crate` takes {what}")))
            }),
            "timing" => set(&mut args.timing, &meta, "timing", || {
                value(&meta, "timing", "`true` or `false`")
            }),
            "level" if bridge => set(&mut args.bridge.level, &meta, "level", || {
                let what = "one of `\"trace\"`, `\"debug\"`, `\"info\"`, `\"warn\"`, `\"error\"`";
                let lit: LitStr = value(&meta, "level", what)?;
                fields::level(&lit)
                    .ok_or_else(|| syn::Error::new(lit.span(), format!("`level` takes {what}")))
            }),
            "fields" if bridge => set(&mut args.bridge.fields, &meta, "fields", || {
                fields::parse_fields(&meta)
            }),
            "skip" if bridge => set(&mut args.bridge.skip, &meta, "skip", || {
                fields::parse_skip(&meta)
            }),
            "skip_all" if bridge => set(&mut args.bridge.skip_all, &meta, "skip_all", || {
                no_value(&meta, "skip_all")
            }),
            "ret" if bridge => set(&mut args.bridge.ret, &meta, "ret", || {
                fields::parse_format(&meta, "ret")
            }),
            "err" if bridge => set(&mut args.bridge.err, &meta, "err", || {
                fields::parse_format(&meta, "err")
            }),
            _ => Err(meta.error(unknown(&path_text(&meta.path), usage))),
        }
    });
    parser.parse2(tokens)?;
    Ok(args)
}

/// Parses `= value` of the argument `key`, which takes `what`; errors say so at the value.
fn value<T: syn::parse::Parse>(
    meta: &syn::meta::ParseNestedMeta<'_>,
    key: &str,
    what: &str,
) -> syn::Result<T> {
    let input = meta.value().map_err(|e| needs_value(meta, &e, key, what))?;
    let span = input.span();
    input
        .parse::<T>()
        .map_err(|_| syn::Error::new(span, format!("`{key}` takes {what}")))
}

/// A flag argument (`skip_all`): nothing may follow it.
fn no_value(meta: &syn::meta::ParseNestedMeta<'_>, key: &str) -> syn::Result<Span> {
    if meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren) {
        return Err(meta.error(format!("`{key}` takes no value: write `{key}` alone")));
    }
    Ok(syn::spanned::Spanned::span(&meta.path))
}

/// `name` alone, or `name("x")`: the argument needs `= value`.
fn needs_value(
    meta: &syn::meta::ParseNestedMeta<'_>,
    _: &syn::Error,
    key: &str,
    what: &str,
) -> syn::Error {
    meta.error(format!(
        "`{key}` needs a value: `{key} = ...`, where the value is {what}"
    ))
}

fn unknown(key: &str, usage: &str) -> String {
    let close = KEYS
        .iter()
        .find(|known| edit_distance(key, known) <= 2 && key.len() > 1);
    match close {
        Some(known) => format!("unknown argument `{key}`; did you mean `{known}`? {usage}"),
        None => format!("unknown argument `{key}`: {usage}"),
    }
}

/// Levenshtein distance, for "did you mean" on short argument names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// One helper for every argument, so that giving one twice is the same error everywhere.
fn set<T>(
    slot: &mut Option<T>,
    meta: &syn::meta::ParseNestedMeta<'_>,
    key: &str,
    value: impl FnOnce() -> syn::Result<T>,
) -> syn::Result<()> {
    if slot.is_some() {
        return Err(meta.error(format!("`{key}` is given twice; keep one")));
    }
    *slot = Some(value()?);
    Ok(())
}

fn path_text(path: &Path) -> String {
    let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    segments.join("::")
}

impl Args {
    /// The path generated code names the runtime by: `::traced_async` unless `crate = ...`.
    pub(crate) fn krate(&self) -> TokenStream {
        match &self.krate {
            Some(path) => quote::quote!(#path),
            None => quote::quote_spanned!(Span::call_site()=> ::traced_async),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn error(tokens: TokenStream) -> String {
        parse(tokens).err().expect("an error").to_string()
    }

    #[test]
    fn all_arguments() {
        let args = parse(quote!(name = "x", crate = ::a::b, timing = false)).unwrap();
        assert_eq!(args.name.as_ref().unwrap().value(), "x");
        assert!(!args.timing.as_ref().unwrap().value);
        assert_eq!(args.krate().to_string(), ":: a :: b");
        let args = parse(quote!(crate = "renamed")).unwrap();
        assert_eq!(args.krate().to_string(), "renamed");
    }

    #[test]
    fn errors_say_what_to_write() {
        assert!(error(quote!(nmae = "x")).contains("did you mean `name`?"));
        assert!(error(quote!(colour = 1)).starts_with("unknown argument `colour`: "));
        assert_eq!(
            error(quote!(timing = 1)),
            "`timing` takes `true` or `false`"
        );
        assert!(error(quote!(name)).starts_with("`name` needs a value"));
        assert!(error(quote!(name = "a", name = "b")).contains("given twice"));
        assert!(error(quote!("x")).contains("name = \"x\""));
        assert!(error(quote!(crate = 5)).starts_with("`crate` takes a path"));
    }

    #[test]
    fn bridge_arguments_in_instruments_syntax() {
        let args = parse(quote!(
            level = "Debug",
            fields(id = %req.id, "http.method" = ?m, a.b = 1, empty),
            skip(body, r#type),
            ret(Display),
            err
        ))
        .unwrap();
        assert_eq!(args.bridge.level, Some("DEBUG"));
        assert_eq!(args.bridge.fields.as_ref().map(Vec::len), Some(4));
        assert_eq!(args.bridge.skip.as_ref().map(Vec::len), Some(2));
        assert_eq!(args.bridge.ret.as_ref().and_then(|r| r.display), Some(true));
        assert_eq!(args.bridge.err.as_ref().map(|e| e.display), Some(None));
        assert!(parse(quote!(skip_all)).unwrap().bridge.skip_all.is_some());
        assert!(error(quote!(level = "loud")).starts_with("`level` takes one of"));
        assert!(error(quote!(skip_all = true)).contains("takes no value"));
        assert!(error(quote!(err(Pretty))).contains("`Debug` or `Display`"));
        assert!(error(quote!(skip)).contains("`skip(body, conn)`"));
        assert!(error(quote!(levle = "x")).contains("did you mean `level`?"));
        // `traced!` takes none of them.
        let usage = "traced! options";
        let not = parse_keys(quote!(level = "debug"), usage, false)
            .err()
            .unwrap();
        assert!(not.to_string().starts_with("unknown argument `level`"));
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("nmae", "name"), 2);
        assert_eq!(edit_distance("timing", "timing"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
