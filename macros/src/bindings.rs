//! The fn's arguments, rebound inside the traced body.
//!
//! Input:  `async fn f(mut a: A, (b, c): (B, C), _: D, (e, _): (E, F))`
//! Output: `async fn f(a: A, (b, c): (B, C), __arg2: D, __arg3: (E, F))` with the body
//!         starting `let mut a = a; let b = b; let c = c; let __arg2 = __arg2;
//!         let __arg3 = __arg3; let (e, _) = __arg3;`
//!
//! A plain `async fn` moves every argument into its body (the compiler writes
//! `let __argN = __argN; let <pattern> = __argN;`, or `let x = x;` for a plain binding) and
//! drops them after the body's locals, last argument first. The traced body does the same:
//! a pattern whose bindings move the whole argument is rebound binding by binding and stays in
//! the signature as written (rustdoc shows it); any other pattern (`_`, `..`, `ref`, `x @ ..`)
//! would leave a part behind in the outer fn, dropped out of order, so the argument is renamed
//! and moved whole, like the compiler does. `mut` moves to the rebinding, so `unused_mut` still
//! fires exactly when the body does not mutate the argument, and `unused_variables` points at
//! the user's own identifier. An argument's `cfg` and lint attributes go on its rebindings too,
//! and a moved-whole argument whose pattern binds by `ref mut` is rebound `mut`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, FnArg, Meta, Pat, PatIdent, Signature};

/// Strips `mut` from the signature's by-value bindings and renames patterns that do not move
/// the whole argument; returns the rebinding statements.
pub(crate) fn rebind(sig: &mut Signature) -> TokenStream {
    let mut collect = Collect::default();
    for (index, arg) in sig.inputs.iter_mut().enumerate() {
        let FnArg::Typed(typed) = arg else { continue };
        let (on_lets, on_sig) = split_attrs(&typed.attrs);
        typed.attrs = on_sig;
        collect.attrs = on_lets;
        if moves_whole(&typed.pat) {
            collect.visit_pat_mut(&mut typed.pat);
            continue;
        }
        // Mixed-site: the user's code cannot name it, nor collide with it.
        let hidden = format_ident!("__arg{}", index, span = Span::mixed_site());
        let mut pat = std::mem::replace(&mut *typed.pat, ident_pat(hidden.clone()));
        Unprefixed.visit_pat_mut(&mut pat);
        // `ref mut` in the pattern borrows the moved argument mutably.
        let mutability = borrows_mut(&pat).then(|| quote!(mut));
        let attrs = &collect.attrs;
        collect
            .lets
            .extend(quote! { #(#attrs)* let #mutability #hidden = #hidden; });
        if !matches!(pat, Pat::Wild(_)) {
            collect
                .lets
                .extend(quote! { #(#attrs)* let #pat = #hidden; });
        }
    }
    collect.lets
}

/// Input:  the attributes on one argument, `#[cfg(..)] #[allow(unused_variables)] a: u8`.
/// Output: those for its rebindings, and those that stay in the signature.
///
/// `cfg` and `cfg_attr` go on both, so a configured-out argument has no rebinding either. Lint
/// attributes go on both too: lints about the argument's uses fire at the rebinding, which is
/// where the body's uses are, and lints about the binding itself fire at either. An `expect`
/// is fulfilled where the lint fires, so the rebinding keeps it and the signature gets the same
/// lints as `allow` (an `expect` left there would be unfulfilled).
fn split_attrs(attrs: &[Attribute]) -> (Vec<Attribute>, Vec<Attribute>) {
    let mut on_lets = Vec::new();
    let mut on_sig = Vec::new();
    for attr in attrs {
        let path = attr.path();
        if path.is_ident("expect") {
            on_lets.push(attr.clone());
            let mut allow = attr.clone();
            if let Meta::List(list) = &mut allow.meta {
                list.path = syn::Path::from(Ident::new("allow", list.path.span()));
            }
            on_sig.push(allow);
        } else {
            if ["cfg", "cfg_attr", "allow", "warn", "deny", "forbid"]
                .iter()
                .any(|name| path.is_ident(name))
            {
                on_lets.push(attr.clone());
            }
            on_sig.push(attr.clone());
        }
    }
    (on_lets, on_sig)
}

/// `true` when `pat` binds something by `ref mut`.
fn borrows_mut(pat: &Pat) -> bool {
    struct Find(bool);
    impl Visit<'_> for Find {
        fn visit_pat_ident(&mut self, binding: &PatIdent) {
            self.0 |= binding.by_ref.is_some() && binding.mutability.is_some();
            visit::visit_pat_ident(self, binding);
        }
    }
    let mut find = Find(false);
    find.visit_pat(pat);
    find.0
}

/// `true` when moving each binding of `pat` moves all of the argument.
fn moves_whole(pat: &Pat) -> bool {
    match pat {
        Pat::Ident(binding) => binding.by_ref.is_none() && binding.subpat.is_none(),
        Pat::Tuple(tuple) => tuple.elems.iter().all(moves_whole),
        Pat::TupleStruct(tuple) => tuple.elems.iter().all(moves_whole),
        Pat::Struct(fields) => {
            fields.rest.is_none() && fields.fields.iter().all(|f| moves_whole(&f.pat))
        }
        Pat::Slice(slice) => slice.elems.iter().all(moves_whole),
        Pat::Paren(inner) => moves_whole(&inner.pat),
        // A reference is `Copy`: nothing of it is left to drop.
        Pat::Reference(_) => true,
        _ => false,
    }
}

fn ident_pat(ident: Ident) -> Pat {
    Pat::Ident(PatIdent {
        attrs: Vec::new(),
        by_ref: None,
        mutability: None,
        ident,
        subpat: None,
    })
}

#[derive(Default)]
struct Collect {
    lets: TokenStream,
    /// The current argument's attributes for its rebindings.
    attrs: Vec<Attribute>,
}

impl VisitMut for Collect {
    fn visit_pat_ident_mut(&mut self, binding: &mut PatIdent) {
        let ident = &unprefixed(&binding.ident);
        let mutability = binding.mutability.take();
        let attrs = &self.attrs;
        self.lets
            .extend(quote! { #(#attrs)* let #mutability #ident = #ident; });
        visit_mut::visit_pat_ident_mut(self, binding);
    }

    // Bindings behind a reference pattern are copies out of the reference: rebind them too,
    // but the reference itself has nothing to move.
}

/// An argument named `_x` says "unused on purpose"; its rebinding `let _x = _x;` must not
/// make clippy say `used_underscore_binding` or `no_effect_underscore_binding` about the
/// user's code. Located where the user wrote it but resolved at the call site (so the body
/// still finds it), the rebinding is known to come from a macro. Other names keep the user's
/// span, so `unused_variables` points at them.
fn unprefixed(ident: &Ident) -> Ident {
    let mut ident = ident.clone();
    if ident.to_string().starts_with('_') {
        ident.set_span(Span::call_site().located_at(ident.span()));
    }
    ident
}

/// Applies [`unprefixed`] to every binding of a pattern.
struct Unprefixed;

impl VisitMut for Unprefixed {
    fn visit_pat_ident_mut(&mut self, binding: &mut PatIdent) {
        binding.ident = unprefixed(&binding.ident);
        visit_mut::visit_pat_ident_mut(self, binding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rebound(sig: &str) -> (String, String) {
        let mut sig: Signature = syn::parse_str(sig).expect("a signature");
        let lets = rebind(&mut sig);
        (quote!(#sig).to_string(), lets.to_string())
    }

    #[test]
    fn plain_bindings_stay_in_the_signature() {
        let (sig, lets) = rebound("async fn f(mut a: A, (b, c): (B, C))");
        assert_eq!(sig, "async fn f (a : A , (b , c) : (B , C))");
        assert_eq!(lets, "let mut a = a ; let b = b ; let c = c ;");
    }

    #[test]
    fn partial_patterns_move_the_whole_argument() {
        let (sig, lets) = rebound("async fn f(_: D, (e, _): (E, F), ref g: G)");
        assert_eq!(
            sig,
            "async fn f (__arg0 : D , __arg1 : (E , F) , __arg2 : G)"
        );
        assert_eq!(
            lets,
            "let __arg0 = __arg0 ; let __arg1 = __arg1 ; let (e , _) = __arg1 ; \
             let __arg2 = __arg2 ; let ref g = __arg2 ;"
        );
    }

    #[test]
    fn argument_attributes_go_on_the_rebindings() {
        let (sig, lets) = rebound(
            "async fn f(#[cfg(x)] a: A, #[expect(unused_variables)] b: B, #[allow(unused)] _: C)",
        );
        assert_eq!(
            sig,
            "async fn f (# [cfg (x)] a : A , # [allow (unused_variables)] b : B , \
             # [allow (unused)] __arg2 : C)"
        );
        assert_eq!(
            lets,
            "# [cfg (x)] let a = a ; # [expect (unused_variables)] let b = b ; \
             # [allow (unused)] let __arg2 = __arg2 ;"
        );
    }

    #[test]
    fn ref_mut_in_a_pattern_borrows_a_mutable_argument() {
        let (_, lets) = rebound("async fn f((a, ref mut b): (A, B))");
        assert_eq!(
            lets,
            "let mut __arg0 = __arg0 ; let (a , ref mut b) = __arg0 ;"
        );
    }
}
