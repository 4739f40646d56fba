//! The fn's arguments, rebound inside the traced body.
//!
//! Input:  `async fn f(mut a: A, (b, ref c): (B, C))`
//! Output: `async fn f(a: A, (b, ref c): (B, C))` with the body starting
//!         `let mut a = a; let b = b; let c = c;`
//!
//! A plain `async fn` moves its arguments into its body and drops them after the body's locals,
//! last argument first; rebinding them in order at the top of the traced body keeps that order.
//! `mut` moves to the rebinding, so `unused_mut` still fires exactly when the body does not
//! mutate the argument, and `unused_variables` points at the user's own identifier.

use proc_macro2::TokenStream;
use quote::quote;
use syn::visit_mut::{self, VisitMut};
use syn::{FnArg, PatIdent, Signature};

/// Strips `mut` from the signature's by-value bindings; returns the rebinding statements.
pub(crate) fn rebind(sig: &mut Signature) -> TokenStream {
    let mut collect = Collect::default();
    for arg in &mut sig.inputs {
        if let FnArg::Typed(typed) = arg {
            collect.visit_pat_mut(&mut typed.pat);
        }
    }
    collect.lets
}

#[derive(Default)]
struct Collect {
    lets: TokenStream,
}

impl VisitMut for Collect {
    fn visit_pat_ident_mut(&mut self, binding: &mut PatIdent) {
        let ident = &binding.ident;
        // `ref` bindings borrow from the argument, which must stay where it is.
        let mutability = if binding.by_ref.is_none() {
            binding.mutability.take()
        } else {
            None
        };
        self.lets
            .extend(quote! { let #mutability #ident = #ident; });
        visit_mut::visit_pat_ident_mut(self, binding);
    }
}
