//! Classifies the item the attribute is put on. Only the signature is parsed up front; the body
//! stays raw tokens until [`crate::expand`] tries it, so that a body that does not parse (a user
//! mid-typing) can be emitted untouched.

use proc_macro2::TokenStream;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::token::Brace;
use syn::{Attribute, Item, Signature, Token, Visibility, braced};

/// A fn with a body, as written.
pub(crate) struct FnInput {
    pub(crate) attrs: Vec<Attribute>,
    pub(crate) vis: Visibility,
    pub(crate) defaultness: Option<Token![default]>,
    pub(crate) sig: Signature,
    pub(crate) brace: Brace,
    pub(crate) body: TokenStream,
}

impl Parse for FnInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let defaultness = input.parse()?;
        let sig = input.parse()?;
        let content;
        let brace = braced!(content in input);
        let body = content.parse()?;
        Ok(FnInput {
            attrs,
            vis,
            defaultness,
            sig,
            brace,
            body,
        })
    }
}

/// Why the item cannot be traced, pointing at the smallest token that shows it. `None` when
/// the item does not parse at all (a user mid-typing): the compiler's syntax error is the one
/// to show.
pub(crate) fn explain_misuse(item: &TokenStream) -> Option<syn::Error> {
    if let Some(error) = declaration_without_body(item) {
        return Some(error);
    }
    let item = syn::parse2::<Item>(item.clone()).ok()?;
    let (span, what) = match &item {
        Item::Struct(s) => (s.struct_token.span(), "a struct"),
        Item::Enum(e) => (e.enum_token.span(), "an enum"),
        Item::Union(u) => (u.union_token.span(), "a union"),
        Item::Trait(t) => (t.trait_token.span(), "a trait"),
        Item::Impl(i) => (i.impl_token.span(), "an impl block"),
        Item::Mod(m) => (m.mod_token.span(), "a module"),
        Item::Const(c) => (c.const_token.span(), "a const"),
        Item::Static(s) => (s.static_token.span(), "a static"),
        Item::Type(t) => (t.type_token.span(), "a type alias"),
        Item::Use(u) => (u.use_token.span(), "a use declaration"),
        Item::Macro(m) => (m.mac.path.span(), "a macro"),
        Item::ForeignMod(f) => (f.abi.span(), "an extern block"),
        _ => (item.span(), "this item"),
    };
    let init = match &item {
        Item::Const(c) => Some(&*c.expr),
        Item::Static(s) => Some(&*s.expr),
        _ => None,
    };
    if let Some(syn::Expr::Closure(_) | syn::Expr::Async(_)) = init {
        return Some(syn::Error::new(
            span,
            format!(
                "#[traced_async] goes on an `async fn`, not on {what}; to trace this closure or \
                 async block, wrap it in `traced_async::traced!(..)`"
            ),
        ));
    }
    let mut hint = "";
    if matches!(item, Item::Impl(_) | Item::Trait(_)) {
        hint = "; put it on each `async fn` inside instead";
    }
    Some(syn::Error::new(
        span,
        format!("#[traced_async] goes on an `async fn`, not on {what}{hint}"),
    ))
}

/// A trait method declared without a body (`async fn f(&self);`).
fn declaration_without_body(item: &TokenStream) -> Option<syn::Error> {
    let f = syn::parse2::<syn::TraitItemFn>(item.clone()).ok()?;
    if f.default.is_some() {
        return None;
    }
    let span = f.semi_token.map_or_else(|| f.sig.span(), |s| s.span);
    Some(syn::Error::new(
        span,
        "#[traced_async] needs a body to trace: put it on the method in each impl, \
         or give this trait method a default body",
    ))
}
