// Every shape the grammar allows in a fn's signature and body, included twice by
// `tests/shapes.rs`: as written (`plain`) and traced (`traced`), `traced_async` naming the
// attribute of each. The fns log their drops through `Loud`, so the twins compare output and
// drop order.

use std::fmt::Display;

use futures::future::ready;

use crate::kit::{Foo, Kind, Loud, Point, make_foo};


/// `#[cfg]` on arguments: the configured-out one has no rebinding either.
#[traced_async]
pub(crate) async fn cfg_args(#[cfg(any())] gone: Loud, #[cfg(all())] kept: Loud, n: u8) -> u8 {
    ready(()).await;
    #[cfg(any())]
    drop(gone);
    drop(kept);
    n
}

/// `#[cfg]` on arguments of a generic fn, one of them a pattern.
#[traced_async]
pub(crate) async fn cfg_generic<T: Clone + Display>(
    #[cfg(all())] (a, _): (T, Loud),
    #[cfg(any())] b: T,
    #[cfg(not(any()))] c: T,
) -> String {
    ready(()).await;
    format!("{a}{c}")
}

/// `ref` and `ref mut` bindings inside a pattern argument.
#[traced_async]
pub(crate) async fn ref_bindings((a, ref mut b): (u8, u8), Point { ref x, y }: Point) -> u8 {
    *b += a;
    ready(()).await;
    *b + *x + y
}

/// Lint attributes on arguments: unused on purpose, told to the compiler.
#[traced_async]
pub(crate) async fn lint_args(
    #[allow(unused_variables)] unused: Loud,
    #[expect(unused_variables)] expected: u8,
    #[allow(non_snake_case)] Named: u8,
) -> u8 {
    ready(Named).await
}

/// An inner attribute first in the body.
#[traced_async]
pub(crate) async fn inner_attribute() -> u8 {
    #![allow(unused_variables)]
    let unused = Loud("unused");
    ready(4).await
}

/// A `use` in the body brings in a variant named like the declared return type.
#[traced_async]
pub(crate) async fn shadowed_return_type() -> Foo {
    #[allow(clippy::enum_glob_use)]
    use Kind::*;
    let kind = ready(Bar).await;
    make_foo(matches!(kind, Bar))
}

/// Every irrefutable pattern form and binding mode in argument position.
#[allow(clippy::too_many_arguments)]
#[traced_async]
pub(crate) async fn pattern_forms(
    (a, _): (Loud, Loud),
    Point { x, .. }: Point,
    crate::kit::Wrap(w): crate::kit::Wrap,
    [first, .., last]: [u8; 3],
    &r: &u8,
    &mut m: &mut u8,
    whole @ (p, q): (u8, u8),
    ref mut by_ref_mut: u8,
    mut by_mut: u8,
    _: Loud,
    ((nested,),): ((u8,),),
) -> u8 {
    by_mut += 1;
    *by_ref_mut += 1;
    drop(a);
    ready(()).await;
    x + w + first + last + r + m + whole.0 + p + q + *by_ref_mut + by_mut + nested
}

/// An or-pattern and a type alias in argument and return position.
#[traced_async]
pub(crate) async fn or_pattern_and_alias((Ok(v) | Err(v)): Result<u8, u8>, by: Pair) -> Pair {
    ready(()).await;
    (v + by.0, by.1)
}

/// A type alias the attribute sees only by name.
pub(crate) type Pair = (u8, u8);

/// Attributes on statements, expressions and items; items, macros and `use` in the body;
/// labels; `impl Trait` in argument and return position.
#[traced_async]
pub(crate) async fn body_positions(items: impl IntoIterator<Item = u8>) -> impl Display {
    use std::fmt::Write as _;
    const BASE: u8 = 1;
    fn double(v: u8) -> u8 {
        v * 2
    }
    macro_rules! plus_base {
        ($e:expr) => {
            $e + BASE
        };
    }
    #[allow(unused_mut)]
    let mut out = String::new();
    let mut total = 0;
    'outer: for item in items {
        let mut tries = 0;
        'inner: loop {
            tries += 1;
            if tries > 2 {
                break 'inner;
            }
            if item > 5 {
                break 'outer;
            }
            total += plus_base!(double(ready(item).await));
        }
    }
    let labelled = 'block: {
        if total > 100 {
            break 'block 0;
        }
        ready(total).await
    };
    #[allow(clippy::unwrap_used)]
    write!(out, "{labelled}").unwrap();
    out
}

/// A type of each twin's own, for its methods.
#[derive(Debug, PartialEq, Clone, Copy)]
pub(crate) struct Local {
    pub(crate) x: u8,
    pub(crate) y: u8,
}

/// A method whose arguments name `Self`, in types and in patterns.
impl Local {
    #[traced_async]
    pub(crate) async fn with_self(self, Self { x, y }: Self, other: Option<Self>) -> (u8, u8) {
        let extra = other.map_or(0, |p| p.x);
        ready(()).await;
        let sum = Self {
            x: self.x + x + extra,
            y: self.y + y,
        };
        (sum.x, sum.y)
    }

    /// `#[cfg]` on a method's argument.
    #[traced_async]
    pub(crate) async fn cfg_method(&self, #[cfg(any())] gone: u8, #[cfg(all())] kept: u8) -> u8 {
        ready(self.x + kept).await
    }
}

/// A trait with `#[cfg]` and lint attributes on its methods' arguments.
pub(crate) trait Shaped {
    /// A default body with a configured-out argument.
    #[traced_async]
    async fn shaped(&self, #[cfg(any())] gone: u8, #[cfg(all())] kept: u8) -> u8 {
        ready(kept).await
    }

    /// Implemented with a lint attribute on an argument.
    async fn lint_method(&self, unused: u8) -> u8;
}

impl Shaped for Local {
    #[traced_async]
    async fn lint_method(&self, #[allow(unused_variables)] unused: u8) -> u8 {
        ready(self.y).await
    }
}

/// Holds an `Rc` across an await: not `Send`, traced or not.
#[traced_async]
pub(crate) async fn not_send(rc: std::rc::Rc<u8>) -> u8 {
    ready(()).await;
    *rc
}
