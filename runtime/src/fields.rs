//! An invocation's fields, as its start line shows them: the attribute's `fields(..)` and the
//! arguments recorded with `Debug`, each formatted once, when its first poll is printed.
//! Pretty output writes them `{name="header", ms=10}` after `name#N`; JSON as an object of
//! strings.

use std::fmt::{self, Debug, Write};

/// The fields of one invocation: `(name, value formatted)`, in the attribute's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Fields(Vec<(&'static str, String)>);

impl Fields {
    /// Formats `values` under `names` (same order); a `None` value (an argument that is not
    /// `Debug`, a field declared empty) is left out.
    pub(crate) fn format(names: &[&'static str], values: &[Option<&dyn Debug>]) -> Self {
        let pairs = names
            .iter()
            .zip(values)
            .filter_map(|(name, value)| value.map(|v| (*name, format!("{v:?}"))))
            .collect();
        Fields(pairs)
    }

    /// Whether no field has a value.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `(name, value)` pairs, in order.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(name, value)| (*name, value.as_str()))
    }

    /// `{name="header", ms=10}`.
    pub(crate) fn text(&self) -> String {
        let mut out = String::from("{");
        for (i, (name, value)) in self.pairs().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "{name}={value}");
        }
        out.push('}');
        out
    }
}

/// A `Display` value (`fields(x = %expr)`) formatted through `Debug`, as the fields' text
/// formats every value.
#[doc(hidden)]
pub struct Shown<'a, T: fmt::Display + ?Sized>(pub &'a T);

impl<T: fmt::Display + ?Sized> Debug for Shown<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.0, f)
    }
}

/// An argument shown with `Debug` when its type implements it, left out otherwise (the
/// autoref choice between [`DebugField`] and [`NotDebugField`]).
#[doc(hidden)]
pub struct Arg<'a, T: ?Sized>(pub &'a T);

impl<T: Debug + ?Sized> Debug for Arg<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[doc(hidden)]
/// Chosen for an argument whose type implements `Debug`.
pub trait DebugField {
    /// The argument, to be formatted with `Debug`.
    fn __traced_async_field(&self) -> Option<&dyn Debug>;
}

impl<T: Debug + ?Sized> DebugField for Arg<'_, T> {
    #[inline]
    fn __traced_async_field(&self) -> Option<&dyn Debug> {
        Some(self)
    }
}

#[doc(hidden)]
/// Chosen for any other argument: left out.
pub trait NotDebugField {
    /// Nothing.
    fn __traced_async_field(&self) -> Option<&dyn Debug>;
}

impl<T: ?Sized> NotDebugField for &Arg<'_, T> {
    #[inline]
    fn __traced_async_field(&self) -> Option<&dyn Debug> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Opaque;

    #[test]
    // The autoref choice needs the `&` on a `Debug` argument too, as the expansion writes it.
    #[allow(clippy::needless_borrow)]
    fn debug_values_in_order_and_the_rest_left_out() {
        let name = "header";
        let opaque = Opaque;
        let ms = 10_u64;
        // As the expansion writes it: one call, the values' temporaries living through it.
        let fields = Fields::format(
            &["name", "opaque", "what", "ms"],
            &[
                (&Arg(&name)).__traced_async_field(),
                (&Arg(&opaque)).__traced_async_field(),
                Some(&Shown(&"shown")),
                (&Arg(&ms)).__traced_async_field(),
            ],
        );
        assert_eq!(fields.text(), r#"{name="header", what=shown, ms=10}"#);
        assert!(!fields.is_empty());
        let none = Fields::format(&["opaque"], &[(&Arg(&opaque)).__traced_async_field()]);
        assert!(none.is_empty());
    }
}
