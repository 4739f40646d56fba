//! The error for `#[traced_async]` on a fn that is not `async`, saying how to make it one.
//!
//! A fn written as `fn f() -> impl Future<Output = T>` is the usual case: adding `async` alone
//! would make it return a future of a future, so the error shows the whole conversion,
//! `async fn f() -> T`, and for a body that ends in an async block, `traced!` as the other way.

use syn::visit::Visit;
use syn::{Expr, ExprAsync, GenericArgument, PathArguments, ReturnType, Signature, Stmt, Type};

use crate::source_text;

/// The longest tail expression quoted in a suggestion (`ready(1)` becomes `ready(1).await`).
const MAX_TAIL_CHARS: usize = 40;

/// The one error for a plain fn, given its signature and its body's statements.
pub(crate) fn error(sig: &Signature, stmts: &[Stmt]) -> syn::Error {
    let Some((returned, output)) = future_output(&sig.output) else {
        if let Some(Stmt::Expr(Expr::Async(block), None)) = stmts.last() {
            return returns_async_block(sig, block, None);
        }
        return syn::Error::new(
            sig.fn_token.span,
            format!(
                "#[traced_async] goes on an `async fn`: write `async fn {}` (and if another \
                 attribute made it a plain fn, put #[traced_async] above that attribute)",
                sig.ident
            ),
        );
    };
    if let Some(Stmt::Expr(Expr::Async(block), None)) = stmts.last() {
        return returns_async_block(sig, block, Some(output));
    }
    let returned = source_text::of(returned);
    let tail = match stmts.last() {
        Some(Stmt::Expr(tail, None)) => Some(source_text::of(tail)),
        _ => None,
    };
    let tail = match tail {
        Some(tail) if tail.chars().count() <= MAX_TAIL_CHARS && !tail.contains('\n') => {
            format!("its tail `{tail}` becomes `{tail}.await`")
        }
        _ => "`.await` the future it returns now".to_owned(),
    };
    syn::Error::new(
        sig.fn_token.span,
        format!(
            "#[traced_async] goes on an `async fn`, and this fn returns `{returned}`: write \
             it as `{}` ({tail}); `async` alone before `fn` would return a future of a future",
            async_signature(sig, output)
        ),
    )
}

/// A body ending in an async block: convert the fn, or trace the block where it is.
fn returns_async_block(sig: &Signature, block: &ExprAsync, output: Option<&Type>) -> syn::Error {
    let conversion = match output {
        Some(output) => format!("`{}`", async_signature(sig, output)),
        None => format!("`async fn {}` returning the block's output", sig.ident),
    };
    syn::Error::new(
        block.async_token.span,
        format!(
            "#[traced_async] goes on an `async fn`, and this fn returns an async block: write \
             it as {conversion} with the block's statements as its body, or remove \
             #[traced_async] and trace the block where it is, \
             `traced_async::traced!(async move {{ .. }})`"
        ),
    )
}

/// `async fn name(..) -> T`, or without `-> T` for `()`.
fn async_signature(sig: &Signature, output: &Type) -> String {
    let args = if sig.inputs.is_empty() { "()" } else { "(..)" };
    let unit = matches!(output, Type::Tuple(tuple) if tuple.elems.is_empty());
    let arrow = if unit {
        String::new()
    } else {
        format!(" -> {}", source_text::of(output))
    };
    format!("async fn {}{args}{arrow}", sig.ident)
}

/// The return type and the `T` of its first `Future<Output = T>` bound:
/// `impl Future<Output = T>`, `Pin<Box<dyn Future<Output = T> + Send>>`.
fn future_output(output: &ReturnType) -> Option<(&Type, &Type)> {
    struct FindOutput<'a>(Option<&'a Type>);
    impl<'a> Visit<'a> for FindOutput<'a> {
        fn visit_path_segment(&mut self, segment: &'a syn::PathSegment) {
            if self.0.is_some() {
                return;
            }
            if segment.ident == "Future"
                && let PathArguments::AngleBracketed(args) = &segment.arguments
            {
                for arg in &args.args {
                    if let GenericArgument::AssocType(assoc) = arg
                        && assoc.ident == "Output"
                    {
                        self.0 = Some(&assoc.ty);
                        return;
                    }
                }
            }
            syn::visit::visit_path_segment(self, segment);
        }
    }
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let mut find = FindOutput(None);
    find.visit_type(ty);
    Some((ty, find.0?))
}

#[cfg(test)]
mod tests {
    use quote::quote;

    fn message(item: proc_macro2::TokenStream) -> String {
        let item: syn::ItemFn = syn::parse2(item).expect("a fn");
        super::error(&item.sig, &item.block.stmts).to_string()
    }

    #[test]
    fn a_boxed_dyn_future_is_converted_to_its_output() {
        let text = message(quote! {
            fn load(&self, id: u32) -> Pin<Box<dyn Future<Output = Vec<u8>> + Send>> {
                Box::pin(self.fetch(id))
            }
        });
        assert!(text.contains("`async fn load(..) -> Vec<u8>`"), "{text}");
        assert!(text.contains("future of a future"), "{text}");
    }

    #[test]
    fn a_unit_output_needs_no_arrow() {
        let text = message(quote! {
            fn tick() -> impl Future<Output = ()> { async {} }
        });
        assert!(
            text.contains("`async fn tick()` with the block's statements"),
            "{text}"
        );
        assert!(text.contains("traced!"), "{text}");
    }

    #[test]
    fn a_fn_returning_no_future_is_told_to_be_async() {
        let text = message(quote! { fn get() -> u32 { 1 } });
        assert!(text.contains("write `async fn get`"), "{text}");
    }
}
