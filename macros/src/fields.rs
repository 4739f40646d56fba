//! The `tracing` bridge's part of the expansion: its arguments, in `#[tracing::instrument]`'s
//! syntax (`level`, `fields`, `skip`, `skip_all`, `ret`, `err`), and the code that opens a
//! traced fn's span (emitted with the `tracing` feature only).
//!
//! Input:  `#[traced_async(level = "debug", fields(id = %req.id), skip(body), ret)]
//!          async fn handle(req: Req, body: Body) -> R { .. }`
//! Output (beside `__TRACED_ASYNC_FN`):
//! ```text
//! static __TRACED_ASYNC_SPAN: SpanSite = SpanSite::new(&__TRACED_ASYNC_FN, Level::DEBUG,
//!     &["code.filepath", "code.lineno", "code.namespace", "otel.status_code", "id", "req"]);
//! // the traced body's first statement, after the arguments' rebindings:
//! SpanSite::open(&__TRACED_ASYNC_SPAN, None, |site| site.span(&[
//!     Some(&file!()), Some(&line!()), Some(&module_path!()), None,
//!     Some(&display(&req.id)),
//!     Some(&(&Arg(&req)).__traced_async_value()),   // Debug if `Req: Debug`, else nothing
//! ]));
//! ```
//! and, for `ret`/`err`, the body wrapped in `Output::new(body, |output| event!(..))`.

use std::collections::HashSet;

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Expr, FnArg, Ident, LitStr, Pat, ReturnType, Signature, Token};

/// The bridge's arguments, as given.
#[derive(Default)]
pub(crate) struct Bridge {
    /// `level = "debug"`: the level's name in `tracing::Level` (`DEBUG`).
    pub(crate) level: Option<&'static str>,
    /// `fields(..)`.
    pub(crate) fields: Option<Vec<Field>>,
    /// `skip(a, b)`.
    pub(crate) skip: Option<Vec<Ident>>,
    /// `skip_all`.
    pub(crate) skip_all: Option<Span>,
    /// `ret`, `ret(Debug)`, `ret(Display)`.
    pub(crate) ret: Option<Format>,
    /// `err`, `err(Debug)`, `err(Display)`.
    pub(crate) err: Option<Format>,
}

/// How `ret` or `err` formats the value: `Display` when `display`, else `Debug`; `None` for the
/// default (`Debug` for `ret`, `Display` for `err`, as `#[instrument]` does).
pub(crate) struct Format {
    pub(crate) span: Span,
    pub(crate) display: Option<bool>,
}

/// One entry of `fields(..)`: `name = %expr`, `name = ?expr`, `name = expr` or `name` (empty,
/// recorded later with `Span::record`). The name may be dotted (`http.method`) or a string.
pub(crate) struct Field {
    name: String,
    value: Option<(Sigil, Expr)>,
}

#[derive(Clone, Copy)]
enum Sigil {
    Display,
    Debug,
    Value,
}

/// `"debug"` → `DEBUG`, case-insensitive; `None` for anything else.
pub(crate) fn level(lit: &LitStr) -> Option<&'static str> {
    match lit.value().to_ascii_lowercase().as_str() {
        "trace" => Some("TRACE"),
        "debug" => Some("DEBUG"),
        "info" => Some("INFO"),
        "warn" => Some("WARN"),
        "error" => Some("ERROR"),
        _ => None,
    }
}

impl Parse for Field {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let name = if input.peek(LitStr) {
            input.parse::<LitStr>()?.value()
        } else {
            let mut parts = vec![Ident::parse_any(input)?.to_string()];
            while input.peek(Token![.]) {
                input.parse::<Token![.]>()?;
                parts.push(Ident::parse_any(input)?.to_string());
            }
            parts.join(".")
        };
        if !input.peek(Token![=]) {
            return Ok(Field { name, value: None });
        }
        input.parse::<Token![=]>()?;
        let sigil = if input.peek(Token![%]) {
            input.parse::<Token![%]>()?;
            Sigil::Display
        } else if input.peek(Token![?]) {
            input.parse::<Token![?]>()?;
            Sigil::Debug
        } else {
            Sigil::Value
        };
        let expr = input.parse()?;
        Ok(Field {
            name,
            value: Some((sigil, expr)),
        })
    }
}

/// `fields(a = %x, b = ?y, c = z, d)`.
pub(crate) fn parse_fields(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<Vec<Field>> {
    let content;
    syn::parenthesized!(content in meta.input);
    let fields = Punctuated::<Field, Token![,]>::parse_terminated(&content)?;
    Ok(fields.into_iter().collect())
}

/// `skip(a, b)`.
pub(crate) fn parse_skip(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<Vec<Ident>> {
    if !meta.input.peek(syn::token::Paren) {
        return Err(meta.error("`skip` takes the arguments to leave out: `skip(body, conn)`"));
    }
    let content;
    syn::parenthesized!(content in meta.input);
    let names = Punctuated::<Ident, Token![,]>::parse_terminated_with(&content, Ident::parse_any)?;
    Ok(names.into_iter().collect())
}

/// `ret`, `ret(Debug)`, `ret(Display)` (and the same for `err`).
pub(crate) fn parse_format(
    meta: &syn::meta::ParseNestedMeta<'_>,
    key: &str,
) -> syn::Result<Format> {
    let span = meta.path.span();
    if !meta.input.peek(syn::token::Paren) {
        if meta.input.peek(Token![=]) {
            return Err(meta.error(format!(
                "`{key}` takes no value: write `{key}`, `{key}(Debug)` or `{key}(Display)`"
            )));
        }
        return Ok(Format {
            span,
            display: None,
        });
    }
    let content;
    syn::parenthesized!(content in meta.input);
    let how: Ident = content.parse()?;
    let display = match how.to_string().as_str() {
        "Debug" => false,
        "Display" => true,
        _ => {
            return Err(syn::Error::new(
                how.span(),
                format!("`{key}` formats with `Debug` or `Display`: `{key}(Debug)`"),
            ));
        }
    };
    Ok(Format {
        span,
        display: Some(display),
    })
}

/// The arguments recorded by default: plain bindings (and `self`) that the body names (in
/// `named`), less `skip`ped ones, those a field of the same name replaces and those under
/// `#[cfg]`; all left out with `skip_all`. An argument the body never names is left out, so
/// that `unused_variables` still fires for it as for the plain fn.
fn recorded_args(sig: &Signature, bridge: &Bridge, named: &HashSet<String>) -> Vec<TokenStream> {
    if bridge.skip_all.is_some() {
        return Vec::new();
    }
    // async-trait renames `self` in the body to `__self`.
    let is_named =
        |name: &str| named.contains(name) || (name == "self" && named.contains("__self"));
    let skipped = |name: &str| {
        !is_named(name)
            || bridge.skip.iter().flatten().any(|s| s == name)
            || bridge.fields.iter().flatten().any(|f| f.name == name)
    };
    let mut args = Vec::new();
    for arg in &sig.inputs {
        match arg {
            FnArg::Receiver(receiver) if !skipped("self") => {
                args.push(receiver.self_token.to_token_stream());
            }
            // An argument that may be configured out is left out: the field list is static.
            FnArg::Typed(typed)
                if typed
                    .attrs
                    .iter()
                    .any(|a| a.path().is_ident("cfg") || a.path().is_ident("cfg_attr")) => {}
            FnArg::Typed(typed) => match &*typed.pat {
                Pat::Ident(binding) if binding.by_ref.is_none() && binding.subpat.is_none() => {
                    let name = binding.ident.unraw().to_string();
                    if !skipped(&name) {
                        args.push(binding.ident.to_token_stream());
                    }
                }
                _ => {}
            },
            FnArg::Receiver(_) => {}
        }
    }
    args
}

/// Every identifier in `tokens`, at any depth (the body's, to tell which arguments it names),
/// and those a string literal names as inline format arguments (`"<{name}>"`, `"{ms:>4}"`).
pub(crate) fn idents(tokens: TokenStream) -> HashSet<String> {
    fn walk(tokens: TokenStream, out: &mut HashSet<String>) {
        for tt in tokens {
            match tt {
                proc_macro2::TokenTree::Ident(ident) => {
                    out.insert(ident.unraw().to_string());
                }
                proc_macro2::TokenTree::Literal(literal) => {
                    let text = literal.to_string();
                    if text.ends_with('"') {
                        format_args_named(&text, out);
                    }
                }
                proc_macro2::TokenTree::Group(group) => walk(group.stream(), out),
                _ => {}
            }
        }
    }
    let mut out = HashSet::new();
    walk(tokens, &mut out);
    out
}

/// The identifiers `{name}`, `{name:..}` in a string literal's text (a `{{` escapes).
fn format_args_named(text: &str, out: &mut HashSet<String>) {
    let mut rest = text;
    while let Some(at) = rest.find('{') {
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix('{') {
            rest = after;
            continue;
        }
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let name = &rest[..end];
        if !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && rest[end..].starts_with(['}', ':'])
        {
            out.insert(name.trim_start_matches("r#").to_owned());
        }
        rest = &rest[end..];
    }
}

/// The names `skip(..)` may give: the fn's plain arguments, and `self`.
fn arg_names(sig: &Signature) -> Vec<String> {
    let mut names = Vec::new();
    for arg in &sig.inputs {
        match arg {
            FnArg::Receiver(_) => names.push("self".to_owned()),
            FnArg::Typed(typed) => collect_idents(&typed.pat, &mut names),
        }
    }
    names
}

fn collect_idents(pat: &Pat, names: &mut Vec<String>) {
    struct Idents<'a>(&'a mut Vec<String>);
    impl syn::visit::Visit<'_> for Idents<'_> {
        fn visit_pat_ident(&mut self, binding: &syn::PatIdent) {
            self.0.push(binding.ident.unraw().to_string());
            syn::visit::visit_pat_ident(self, binding);
        }
    }
    syn::visit::Visit::visit_pat(&mut Idents(names), pat);
}

/// The misuses the bridge's arguments can only be told from the signature: `skip` of a name
/// that is no argument, `err` on a fn that does not return a `Result`, and `skip` with
/// `skip_all`.
pub(crate) fn check(sig: &Signature, bridge: &Bridge, async_fn: bool) -> syn::Result<()> {
    let names = arg_names(sig);
    for name in bridge.skip.iter().flatten() {
        if !names.iter().any(|n| *name == n.as_str()) {
            return Err(syn::Error::new(
                name.span(),
                format!(
                    "`{name}` is not an argument of this fn: `skip` takes its arguments' names"
                ),
            ));
        }
    }
    if let (Some(_), Some(names)) = (bridge.skip_all, &bridge.skip)
        && let Some(first) = names.first()
    {
        return Err(syn::Error::new(
            first.span(),
            "`skip_all` leaves every argument out already: remove `skip(..)`",
        ));
    }
    let ret_err = bridge.ret.as_ref().or(bridge.err.as_ref());
    if let Some(format) = ret_err
        && !async_fn
    {
        return Err(syn::Error::new(
            format.span,
            "`ret` and `err` need #[traced_async] on the `async fn` itself: put it above \
             #[async_trait] or #[tokio::main]",
        ));
    }
    if let Some(err) = &bridge.err
        && !returns_result(&sig.output)
    {
        return Err(syn::Error::new(
            err.span,
            "`err` records the error of a fn returning `Result`; this fn does not: remove `err`",
        ));
    }
    Ok(())
}

/// Whether the declared type is a `Result` (any path ending in `Result`, such as
/// `io::Result<T>`).
fn returns_result(output: &ReturnType) -> bool {
    let ReturnType::Type(_, ty) = output else {
        return false;
    };
    match &**ty {
        syn::Type::Path(path) => path
            .path
            .segments
            .last()
            .is_some_and(|last| last.ident == "Result"),
        _ => false,
    }
}

/// `static __TRACED_ASYNC_SPAN: SpanSite = ..;` for the fn of `sig`.
pub(crate) fn site(
    sig: &Signature,
    bridge: &Bridge,
    krate: &TokenStream,
    named: &HashSet<String>,
) -> TokenStream {
    let user = bridge.fields.iter().flatten().map(|f| f.name.clone());
    let args = recorded_args(sig, bridge, named)
        .into_iter()
        .map(|arg| arg.to_string().trim_start_matches("r#").to_owned());
    site_static(bridge.level.unwrap_or("INFO"), user.chain(args), krate)
}

/// The span site of a `traced!` block or closure: the fixed fields only (it has no
/// arguments), at INFO.
pub(crate) fn block_site(krate: &TokenStream) -> TokenStream {
    site_static("INFO", std::iter::empty(), krate)
}

/// `static __TRACED_ASYNC_SPAN`: the span's level, then its fields, the fixed ones first.
fn site_static(
    level: &str,
    names: impl Iterator<Item = String>,
    krate: &TokenStream,
) -> TokenStream {
    let level = Ident::new(level, Span::call_site());
    quote_spanned! {Span::call_site()=>
        static __TRACED_ASYNC_SPAN: #krate::__private::bridge::SpanSite =
            #krate::__private::bridge::SpanSite::new(
                &__TRACED_ASYNC_FN,
                #krate::__private::tracing::Level::#level,
                &[
                    "code.filepath", "code.lineno", "code.namespace", "otel.status_code",
                    #(#names),*
                ],
            );
    }
}

/// The traced body's first statement: opens the span, recording the fields and arguments.
pub(crate) fn open(
    sig: &Signature,
    bridge: &Bridge,
    krate: &TokenStream,
    named: &HashSet<String>,
) -> TokenStream {
    let value = quote!(&dyn #krate::__private::tracing::Value);
    let some = quote!(::core::option::Option::Some);
    let user = bridge
        .fields
        .iter()
        .flatten()
        .map(|field| match &field.value {
            None => quote!(#some(&#krate::__private::tracing::field::Empty as #value)),
            Some((Sigil::Display, expr)) => {
                quote!(#some(&#krate::__private::tracing::field::display(&#expr) as #value))
            }
            Some((Sigil::Debug, expr)) => {
                quote!(#some(&#krate::__private::tracing::field::debug(&#expr) as #value))
            }
            Some((Sigil::Value, expr)) => quote!(#some(&#expr as #value)),
        });
    let args = recorded_args(sig, bridge, named).into_iter().map(|arg| {
        quote! {
            #some(&(&#krate::__private::bridge::Arg(&#arg)).__traced_async_value() as #value)
        }
    });
    let owner = if sig.receiver().is_some() {
        quote!(#some(::core::any::type_name::<Self>))
    } else {
        quote!(::core::option::Option::None)
    };
    open_call(sig.ident.span(), owner, user.chain(args), krate)
}

/// The first statement of a `traced!` block's body: opens its span, with the location of
/// `at` (the `async` keyword).
pub(crate) fn block_open(at: Span, krate: &TokenStream) -> TokenStream {
    open_call(
        at,
        quote!(::core::option::Option::None),
        std::iter::empty(),
        krate,
    )
}

/// `SpanSite::open(..)`: the fixed fields' values (file, the line of `at`, module, no status
/// yet), then `values`; `owner` names a method's `Self` type.
fn open_call(
    at: Span,
    owner: TokenStream,
    values: impl Iterator<Item = TokenStream>,
    krate: &TokenStream,
) -> TokenStream {
    let value = quote!(&dyn #krate::__private::tracing::Value);
    let some = quote!(::core::option::Option::Some);
    let (line, _) = crate::rewrite::location(at);
    // Signed: tracing-opentelemetry keeps i64 values as integers, u64 ones as strings.
    let line = quote!(<::core::primitive::i64 as ::core::convert::From<::core::primitive::u32>>::from(#line));
    let site = Ident::new("__traced_async_site", Span::mixed_site());
    quote_spanned! {Span::mixed_site()=>
        #krate::__private::bridge::SpanSite::open(&__TRACED_ASYNC_SPAN, #owner, |#site| {
            #[allow(unused_imports)]
            use #krate::__private::bridge::{DebugArg as _, NotDebug as _};
            #site.span(&[
                #some(&::core::file!() as #value),
                #some(&#line as #value),
                #some(&::core::module_path!() as #value),
                ::core::option::Option::None,
                #(#values,)*
            ])
        });
    }
}

/// For `ret`/`err`: `body` wrapped so that its output is an event in the span (`return` at the
/// span's level, `error` at ERROR), as `#[instrument]` writes them.
pub(crate) fn wrap_output(body: TokenStream, bridge: &Bridge, krate: &TokenStream) -> TokenStream {
    if bridge.ret.is_none() && bridge.err.is_none() {
        return body;
    }
    let tracing = quote!(#krate::__private::tracing);
    let level = Ident::new(bridge.level.unwrap_or("INFO"), Span::call_site());
    let out = Ident::new("__traced_async_output", Span::mixed_site());
    let ret = |value: &Ident| {
        let display = bridge.ret.as_ref().and_then(|r| r.display) == Some(true);
        let sigil = if display { quote!(%) } else { quote!(?) };
        quote! {
            #tracing::event!(target: ::core::module_path!(), #tracing::Level::#level, "return" = #sigil #value)
        }
    };
    let on_output = match &bridge.err {
        Some(err) => {
            let display = err.display != Some(false);
            let sigil = if display { quote!(%) } else { quote!(?) };
            let error = Ident::new("__traced_async_error", Span::mixed_site());
            let ok = Ident::new("__traced_async_ok", Span::mixed_site());
            let on_ok = if bridge.ret.is_some() {
                ret(&ok)
            } else {
                quote!(let _ = #ok;)
            };
            quote! {
                match #out {
                    ::core::result::Result::Ok(#ok) => { #on_ok; }
                    ::core::result::Result::Err(#error) => {
                        #tracing::event!(target: ::core::module_path!(), #tracing::Level::ERROR, "error" = #sigil #error);
                    }
                }
            }
        }
        None => {
            let event = ret(&out);
            quote!(#event;)
        }
    };
    quote_spanned! {Span::mixed_site()=>
        #krate::__private::bridge::Output::new(#body, |#out| { #on_output })
    }
}

/// Whether the fields' statement may borrow the arguments before their rebindings: unless a
/// `fields(..)` expression names a binding that only a rebinding makes (a pattern the
/// signature no longer holds, as `e` of `(e, _): (E, F)`, which `rebound` renamed `__arg0`).
pub(crate) fn shown_before_rebinding(
    original: &Signature,
    rebound: &Signature,
    bridge: &Bridge,
) -> bool {
    let outer = arg_names(rebound);
    let made_by_lets: HashSet<String> = arg_names(original)
        .into_iter()
        .filter(|name| !outer.contains(name))
        .collect();
    if made_by_lets.is_empty() {
        return true;
    }
    let named = bridge
        .fields
        .iter()
        .flatten()
        .filter_map(|field| field.value.as_ref())
        .flat_map(|(_, expr)| idents(expr.to_token_stream()));
    !named.into_iter().any(|name| made_by_lets.contains(&name))
}

/// The traced body's statement that hands the invocation's fields to a start line that is
/// printed (with or without the `tracing` feature): `fields(..)` with a value and the recorded
/// arguments, each shown with `Debug` (`%expr` with `Display`; an argument or plain value whose
/// type is not `Debug` is left out). `None` when there is nothing to show.
///
/// ```text
/// if ::traced_async::__private::fields::wanted() {
///     ::traced_async::__private::fields::note(&__TRACED_ASYNC_FN, &["id", "req"], |with| {
///         with(&[
///             Some(&Shown(&req.id) as &dyn Debug),
///             (&Arg(&req)).__traced_async_field(),   // Some if `Req: Debug`, else None
///         ]);
///     });
/// }
/// ```
pub(crate) fn shown(
    sig: &Signature,
    bridge: &Bridge,
    krate: &TokenStream,
    named: &HashSet<String>,
) -> Option<TokenStream> {
    let fields = quote!(#krate::__private::fields);
    let debug = quote!(&dyn ::core::fmt::Debug);
    let mut names = Vec::new();
    let mut values = Vec::new();
    for field in bridge.fields.iter().flatten() {
        let Some((sigil, expr)) = &field.value else {
            continue;
        };
        names.push(LitStr::new(&field.name, Span::call_site()));
        values.push(match sigil {
            Sigil::Display => {
                quote!(::core::option::Option::Some(&#fields::Shown(&#expr) as #debug))
            }
            Sigil::Debug | Sigil::Value => {
                quote!((&#fields::Arg(&#expr)).__traced_async_field())
            }
        });
    }
    for arg in recorded_args(sig, bridge, named) {
        let name = arg.to_string().trim_start_matches("r#").to_owned();
        names.push(LitStr::new(&name, Span::call_site()));
        values.push(quote!((&#fields::Arg(&#arg)).__traced_async_field()));
    }
    if names.is_empty() {
        return None;
    }
    let with = Ident::new("__traced_async_with", Span::mixed_site());
    Some(quote_spanned! {Span::mixed_site()=>
        if #fields::wanted() {
            #[allow(unused_imports)]
            use #fields::{DebugField as _, NotDebugField as _};
            #fields::note(&__TRACED_ASYNC_FN, &[#(#names),*], |#with| {
                #with(&[#(#values),*]);
            });
        }
    })
}
