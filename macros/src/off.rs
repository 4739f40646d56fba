//! With the `off` feature (the facade's `off` feature turns it on), the attribute emits the
//! fn exactly as written, for builds that want tracing compiled out. Misuse is still an error,
//! so turning the feature on or off never changes whether a crate compiles.

use proc_macro2::TokenStream;

use crate::expand;

/// The item unchanged, or unchanged beside the error the traced expansion would report.
pub(crate) fn traced_async(args: TokenStream, item: TokenStream) -> TokenStream {
    let expanded = expand::traced_async(args, item.clone(), false);
    let error = expanded
        .clone()
        .into_iter()
        .next()
        .is_some_and(|t| is_compile_error(&t));
    if error { expanded } else { item }
}

/// The expansion reports errors as `::core::compile_error! { .. }` before the item.
fn is_compile_error(first: &proc_macro2::TokenTree) -> bool {
    matches!(first, proc_macro2::TokenTree::Punct(p) if p.as_char() == ':')
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn emits_the_item_unchanged() {
        let item = quote! {
            /// Docs.
            #[inline]
            pub async fn fetch<T: Send>(x: T, mut n: u32) -> Result<T, ()> {
                n += helper(n).await;
                let _ = futures::join!(a(), b());
                Ok(x)
            }
        };
        let out = super::traced_async(quote!(name = "f"), item.clone());
        assert_eq!(out.to_string(), item.to_string());
    }

    #[test]
    fn still_reports_misuse() {
        let item = quote!(
            fn not_async() {}
        );
        let out = super::traced_async(TokenStream::new(), item.clone()).to_string();
        assert!(out.contains("compile_error"), "{out}");
        assert!(out.ends_with(&item.to_string()), "{out}");
    }

    use proc_macro2::TokenStream;
}
