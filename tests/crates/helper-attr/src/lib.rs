//! `#[as_written]` emits the item unchanged (the plain twin of a traced fn);
//! `#[log_entry(path::TO_LOG)]` inserts, as the first statement of a fn's body,
//! `path::TO_LOG.with(|log| log.borrow_mut().push("fn_name"))`. It re-emits everything else
//! as it found it, the way many small attribute macros do, so stacking it above or below
//! `#[traced_async]` shows whether each sees a fn it can work with.

use proc_macro::TokenStream;
use quote::quote;
use syn::{ItemFn, Path, parse_macro_input};

/// See the crate docs.
#[proc_macro_attribute]
pub fn log_entry(args: TokenStream, item: TokenStream) -> TokenStream {
    let log = parse_macro_input!(args as Path);
    let mut function = parse_macro_input!(item as ItemFn);
    let name = function.sig.ident.to_string();
    let statement = syn::parse_quote! {
        #log.with(|log| log.borrow_mut().push(#name));
    };
    function.block.stmts.insert(0, statement);
    quote!(#function).into()
}

/// `#[as_written]`: emits the item exactly as it got it. Named in place of `#[traced_async]`,
/// it compiles the plain twin of a traced fn from the same source.
#[proc_macro_attribute]
pub fn as_written(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}
