//! Arguments of the attribute: `#[traced_async(name = "...", crate = path, timing = false)]`.

use proc_macro2::{Span, TokenStream};
use syn::parse::Parser;
use syn::{Ident, LitBool, LitStr, Path};

#[derive(Default)]
pub(crate) struct Args {
    /// Display name instead of the fn's identifier.
    pub(crate) name: Option<LitStr>,
    /// Path of the traced-async crate, for crates that re-export it under another name.
    pub(crate) krate: Option<Path>,
    /// `timing = false` records this fn's transitions without measuring its polls.
    pub(crate) timing: Option<LitBool>,
}

const USAGE: &str = "#[traced_async] takes `name = \"...\"`, `crate = path::to::traced_async` \
                     and `timing = false`";

pub(crate) fn parse(tokens: TokenStream) -> syn::Result<Args> {
    let mut args = Args::default();
    let parser = syn::meta::parser(|meta| {
        let key = meta
            .path
            .get_ident()
            .map(Ident::to_string)
            .unwrap_or_default();
        match key.as_str() {
            "name" => set(&mut args.name, &meta, "name", || {
                let lit: LitStr = meta.value()?.parse()?;
                if lit.value().trim().is_empty() {
                    return Err(syn::Error::new(lit.span(), "the name must not be empty"));
                }
                Ok(lit)
            }),
            "crate" => set(&mut args.krate, &meta, "crate", || {
                let value = meta.value()?;
                // Both `crate = my_alias` and serde's string form `crate = "my_alias"`.
                if value.peek(LitStr) {
                    value.parse::<LitStr>()?.parse_with(Path::parse_mod_style)
                } else {
                    value.call(Path::parse_mod_style)
                }
            }),
            "timing" => set(&mut args.timing, &meta, "timing", || {
                meta.value()?
                    .parse::<LitBool>()
                    .map_err(|e| syn::Error::new(e.span(), "`timing` takes `true` or `false`"))
            }),
            _ => Err(meta.error(format!(
                "unknown argument `{}`: {USAGE}",
                path_text(&meta.path)
            ))),
        }
    });
    parser.parse2(tokens)?;
    Ok(args)
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
