//! Every shape of `async fn` users write still compiles and behaves the same when traced.

// Shapes are written as users write them, lints and all.
#![allow(clippy::multiple_bound_locations)]

use std::fmt::Display;
use std::pin::Pin;
use std::sync::Arc;

use futures::future::ready;
use traced_async::{capture, traced_async};

#[traced_async]
async fn free(a: u32, b: u32) -> u32 {
    ready(a).await + b
}

#[traced_async]
pub(crate) async fn no_return() {
    ready(()).await;
}

#[allow(clippy::multiple_bound_locations)] // The shape under test.
#[traced_async]
async fn generic<T: Clone + Send, const N: usize>(items: [T; N]) -> Vec<T>
where
    T: std::fmt::Debug,
{
    ready(items.to_vec()).await
}

#[traced_async]
async fn elided(s: &str) -> &str {
    ready(()).await;
    &s[1..]
}

#[traced_async]
async fn named<'a, 'b: 'a>(a: &'a str, _b: &'b str) -> &'a str {
    ready(a).await
}

#[traced_async]
async fn impl_trait_arg(x: impl Display + Send) -> impl Display {
    ready(()).await;
    format!("[{x}]")
}

#[allow(clippy::toplevel_ref_arg)] // The shape under test.
#[traced_async]
async fn patterns((a, mut b): (u32, u32), mut c: u32, _: u32, ref d: u32) -> u32 {
    b += 1;
    c += ready(1).await;
    a + b + c + *d
}

#[traced_async]
async unsafe fn unsafe_fn(p: *const u32) -> u32 {
    ready(()).await;
    // SAFETY: the test passes a pointer to a live u32.
    unsafe { *p }
}

#[derive(Debug, PartialEq)]
struct MyError(String);

impl From<std::num::ParseIntError> for MyError {
    fn from(e: std::num::ParseIntError) -> Self {
        MyError(e.to_string())
    }
}

#[traced_async]
async fn question_mark(s: &str) -> Result<u32, MyError> {
    if s.is_empty() {
        return Err(MyError("empty".into()));
    }
    let n: u32 = ready(s).await.parse()?;
    Ok(n)
}

#[traced_async]
async fn with_items(x: u32) -> u32 {
    const OFFSET: u32 = 10;
    fn helper(v: u32) -> u32 {
        v * 2
    }
    struct Local(u32);
    let local = Local(helper(x));
    ready(local.0 + OFFSET).await
}

#[traced_async]
async fn recursive_async(n: u32) -> u32 {
    if n == 0 {
        0
    } else {
        n + Box::pin(recursive_async(n - 1)).await
    }
}

struct Counter {
    n: u32,
}

impl Counter {
    const STEP: u32 = 1;

    #[traced_async]
    async fn by_ref(&self) -> u32 {
        ready(self.n).await
    }

    #[traced_async]
    async fn by_mut(&mut self) -> u32 {
        self.n += Self::STEP;
        ready(self.n).await
    }

    #[traced_async]
    async fn by_value(self) -> u32 {
        ready(self.n).await
    }

    #[traced_async]
    async fn by_mut_value(mut self) -> u32 {
        self.n += 1;
        ready(self.n).await
    }

    #[traced_async]
    async fn boxed(self: Box<Self>) -> u32 {
        ready(self.n).await
    }

    #[traced_async]
    async fn pinned(self: Pin<&mut Self>) -> u32 {
        ready(self.n).await
    }

    #[traced_async]
    async fn arc(self: Arc<Self>) -> u32 {
        ready(self.n).await
    }

    #[traced_async]
    async fn make() -> Self {
        Self { n: ready(7).await }
    }
}

trait Service {
    async fn call(&self, x: u32) -> u32;

    #[traced_async]
    async fn default_body(&self, x: u32) -> u32 {
        self.call(x).await + 1
    }
}

impl Service for Counter {
    #[traced_async]
    async fn call(&self, x: u32) -> u32 {
        ready(self.n + x).await
    }
}

#[test]
fn free_fns() {
    let (out, trace) = capture(async {
        let s = String::from("hello");
        (
            free(1, 2).await,
            generic([1, 2, 3]).await,
            elided(&s).await.to_owned(),
            named("a", "b").await,
            impl_trait_arg(5).await.to_string(),
            patterns((1, 2), 3, 4, 5).await,
            question_mark("12").await,
            question_mark("x").await,
            question_mark("").await,
            with_items(1).await,
        )
    });
    assert_eq!(out.0, 3);
    assert_eq!(out.1, vec![1, 2, 3]);
    assert_eq!(out.2, "ello");
    assert_eq!(out.3, "a");
    assert_eq!(out.4, "[5]");
    assert_eq!(out.5, 1 + 3 + 4 + 5);
    assert_eq!(out.6, Ok(12));
    assert_eq!(out.7, Err(MyError("invalid digit found in string".into())));
    assert_eq!(out.8, Err(MyError("empty".into())));
    assert_eq!(out.9, 12);
    for name in [
        "free",
        "generic",
        "elided",
        "named",
        "impl_trait_arg",
        "patterns",
        "with_items",
    ] {
        assert_eq!(trace.function(name).calls(), 1, "{name}");
    }
    assert_eq!(trace.function("question_mark").calls(), 3);
    assert_eq!(trace.function("question_mark").returned(), 3);
    let x = 9;
    // SAFETY: `x` outlives the call.
    let (v, _) = capture(unsafe { unsafe_fn(&x) });
    assert_eq!(v, 9);
    assert_eq!(capture(no_return()).1.function("no_return").polls(), 1);
}

#[test]
fn recursion() {
    let (out, trace) = capture(recursive_async(3));
    assert_eq!(out, 6);
    assert_eq!(trace.function("recursive_async").calls(), 4);
    let parents: Vec<_> = trace.transitions().iter().map(|t| t.parent()).collect();
    assert_eq!(parents, [Some(3), Some(2), Some(1), None]);
}

#[test]
fn methods_with_every_receiver() {
    let (out, trace) = capture(async {
        let mut c = Counter::make().await;
        let a = c.by_ref().await;
        let b = c.by_mut().await;
        let d = c.call(1).await;
        let e = c.default_body(1).await;
        let f = Pin::new(&mut c).pinned().await;
        let g = Counter { n: 1 }.by_value().await;
        let h = Counter { n: 1 }.by_mut_value().await;
        let i = Box::new(Counter { n: 4 }).boxed().await;
        let j = Arc::new(Counter { n: 5 }).arc().await;
        [a, b, d, e, f, g, h, i, j]
    });
    assert_eq!(out, [7, 8, 9, 10, 8, 1, 2, 4, 5]);
    for name in [
        "make",
        "by_ref",
        "by_mut",
        "pinned",
        "by_value",
        "by_mut_value",
        "boxed",
        "arc",
    ] {
        assert_eq!(trace.function(name).calls(), 1, "{name}");
    }
    assert_eq!(trace.function("call").calls(), 2);
    assert_eq!(trace.function("default_body").calls(), 1);
}

/// A macro expanding to a place stays a place: `&mut count!(self)` borrows the field.
macro_rules! count {
    ($s:expr) => {
        $s.n
    };
}

impl Counter {
    #[traced_async]
    async fn bump_through_macro(&mut self) -> u32 {
        let slot = &mut count!(self);
        *slot += 10;
        count!(self) = ready(count!(self) + 1).await;
        self.n
    }
}

#[test]
fn macros_expanding_to_places_stay_places() {
    let (out, _) = capture(async {
        let mut c = Counter { n: 1 };
        c.bump_through_macro().await
    });
    assert_eq!(out, 12);
}

/// What the twin fns of `tests/shapes/fns.rs` share: argument types that log their drops.
mod kit {
    use std::cell::RefCell;

    thread_local! {
        static DROPS: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
    }

    /// Logs its name when dropped.
    pub(crate) struct Loud(pub(crate) &'static str);

    impl Drop for Loud {
        fn drop(&mut self) {
            DROPS.with(|log| log.borrow_mut().push(self.0));
        }
    }

    /// The names dropped since the last call, in order.
    pub(crate) fn drops() -> Vec<&'static str> {
        DROPS.with(|log| std::mem::take(&mut *log.borrow_mut()))
    }

    #[derive(Debug, PartialEq, Clone, Copy)]
    pub(crate) struct Point {
        pub(crate) x: u8,
        pub(crate) y: u8,
    }

    pub(crate) struct Wrap(pub(crate) u8);

    /// Named like a variant of `Kind`.
    #[derive(Debug, PartialEq)]
    pub(crate) struct Foo(pub(crate) bool);

    pub(crate) fn make_foo(bar: bool) -> Foo {
        Foo(bar)
    }

    #[allow(dead_code)] // `Foo` is only there to shadow the struct.
    pub(crate) enum Kind {
        Foo,
        Bar,
    }
}

mod plain {
    pub(crate) mod fns {
        #![allow(clippy::toplevel_ref_arg, clippy::used_underscore_binding)] // Shapes under test.
        use traced_async_helper_attr::as_written as traced_async;
        include!("shapes/fns.rs");
    }
}

mod traced {
    pub(crate) mod fns {
        #![allow(clippy::toplevel_ref_arg, clippy::used_underscore_binding)] // Shapes under test.
        use traced_async::traced_async;
        include!("shapes/fns.rs");
    }
}

/// `Probe(&value).is_send()` is `true` when the value's type is `Send`: the inherent method,
/// found only when the bound holds, wins over the trait's. Called on a concrete type.
#[allow(dead_code)] // Only its type matters.
struct Probe<'a, T>(&'a T);

trait NotSend {
    fn is_send(&self) -> bool {
        false
    }
}

impl<T> NotSend for Probe<'_, T> {}

impl<T: Send> Probe<'_, T> {
    #[allow(clippy::unused_self)]
    const fn is_send(&self) -> bool {
        true
    }
}

/// Runs one shape of both twins: the same output, drop order and `Send`, and the traced one
/// recorded once.
macro_rules! same_as_plain {
    ($name:literal, |$fns:ident| $call:expr) => {{
        let plain = {
            use plain::fns as $fns;
            let fut = $call;
            let send = Probe(&fut).is_send();
            let out = futures::executor::block_on(fut);
            (out, kit::drops(), send)
        };
        let (traced, trace) = {
            use traced::fns as $fns;
            let fut = $call;
            let send = Probe(&fut).is_send();
            let (out, trace) = capture(fut);
            ((out, kit::drops(), send), trace)
        };
        assert_eq!(plain, traced, "{}", $name);
        assert_eq!(trace.function($name).calls(), 1, "{}", $name);
        assert_eq!(trace.function($name).returned(), 1, "{}", $name);
        traced.0
    }};
}

#[test]
fn every_shape_behaves_as_its_plain_twin() {
    use kit::{Foo, Loud, Point, Wrap};
    let p = Point { x: 1, y: 2 };
    assert_eq!(
        same_as_plain!("cfg_args", |f| f::cfg_args(Loud("kept"), 3)),
        3
    );
    let out = same_as_plain!("cfg_generic", |f| f::cfg_generic(("a", Loud("_")), "c"));
    assert_eq!(out, "ac");
    assert_eq!(
        same_as_plain!("ref_bindings", |f| f::ref_bindings((1, 2), p)),
        6
    );
    let out = same_as_plain!("lint_args", |f| f::lint_args(Loud("unused"), 0, 5));
    assert_eq!(out, 5);
    assert_eq!(
        same_as_plain!("inner_attribute", |f| f::inner_attribute()),
        4
    );
    let out = same_as_plain!("shadowed_return_type", |f| f::shadowed_return_type());
    assert_eq!(out, Foo(true));
    let mut m = 6;
    let out = same_as_plain!("pattern_forms", |f| {
        f::pattern_forms(
            (Loud("a"), Loud("a._")),
            p,
            Wrap(3),
            [4, 0, 5],
            &5,
            &mut m,
            (7, 8),
            9,
            10,
            Loud("_"),
            ((11,),),
        )
    });
    assert_eq!(out, 1 + 3 + 4 + 5 + 5 + 6 + 7 + 7 + 8 + 10 + 11 + 11);
    let out = same_as_plain!("or_pattern_and_alias", |f| {
        f::or_pattern_and_alias(Err(2), (3, 4))
    });
    assert_eq!(out, (5, 4));
    let out = same_as_plain!("body_positions", |f| {
        futures::FutureExt::map(f::body_positions([1, 2, 9, 3]), |out| out.to_string())
    });
    assert_eq!(out, "16");
    let out = same_as_plain!("with_self", |f| {
        let l = f::Local { x: 1, y: 2 };
        l.with_self(f::Local { x: 3, y: 4 }, Some(l))
    });
    assert_eq!(out, (5, 6));
    let out = same_as_plain!("cfg_method", |f| f::Local { x: 1, y: 2 }.cfg_method(2));
    assert_eq!(out, 3);
    let out = same_as_plain!("shaped", |f| f::Shaped::shaped(&f::Local { x: 1, y: 2 }, 4));
    assert_eq!(out, 4);
    let out = same_as_plain!("lint_method", |f| {
        f::Shaped::lint_method(&f::Local { x: 1, y: 2 }, 4)
    });
    assert_eq!(out, 2);
    let out = same_as_plain!("not_send", |f| f::not_send(std::rc::Rc::new(1)));
    assert_eq!(out, 1);
}
