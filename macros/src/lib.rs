//! The `#[traced_async]` attribute. Use it through the `traced-async` crate, which documents it
//! and provides the runtime its expansion calls into.
//!
//! The pipeline, one file per stage: [`args`] parses the attribute's arguments, [`input`]
//! classifies the item it is put on, [`bindings`] rebinds the arguments, [`rewrite`] numbers the
//! body's await points, [`expand`] assembles the output, and every error path still emits the
//! user's item.

mod args;
mod bindings;
mod branches;
mod expand;
mod input;
mod macros;
#[cfg(test)]
mod never_panics;
mod rewrite;
#[cfg(test)]
mod snapshots;
mod source_text;

use proc_macro::TokenStream;

/// Traces an `async fn`: every poll of its future is recorded as a transition, and every
/// `.await` in its body is a numbered await point. See the `traced-async` crate.
#[proc_macro_attribute]
pub fn traced_async(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::traced_async(args.into(), item.into()).into()
}
