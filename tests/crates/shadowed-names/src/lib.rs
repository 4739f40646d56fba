//! Traced fns next to user items named like everything an expansion could name without an
//! absolute path: `core`, `std`, prelude types and traits, the runtime's items, `line!` and
//! friends. And a module without the implicit prelude at all.

// The shadows are odd and unused on purpose.
#![allow(dead_code, unused_macros, non_camel_case_types, clippy::all)]

mod core {}
mod std {}
mod traced {}
mod __private {}

struct Option;
struct Some;
struct None;
struct Result;
struct Ok;
struct Err;
struct Box;
struct Future;
struct IntoFuture;
struct Pin;
struct Poll;
struct Context;
struct Send;
struct Sized;
struct Unpin;
struct AwaitPoint;
struct FnMeta;
struct AwaitMeta;
struct AwaitKind;
struct Traced;
struct u16;
fn traced() {}
fn enter_await() {}
fn enter_unseen_macro() {}
fn drop() {}

macro_rules! line {
    () => {
        "not a line"
    };
}
macro_rules! column {
    () => {
        "not a column"
    };
}
macro_rules! file {
    () => {
        "not a file"
    };
}
macro_rules! module_path {
    () => {
        "not a module"
    };
}

use ::futures::FutureExt as _;
use ::traced_async::traced_async;

#[traced_async]
pub async fn shadowed(a: u32, _: u32) -> u32 {
    let b = ::std::future::ready(a).await;
    let (c, d) = ::futures::join!(::std::future::ready(1), ::std::future::ready(2));
    let e = ::futures::select! {
        x = ::std::future::ready(3).fuse() => x,
    };
    ::std::assert_eq!(::std::future::ready(4).await, 4);
    b + c + d + e
}

#[no_implicit_prelude]
pub mod bare {
    use ::traced_async::traced_async;

    #[traced_async]
    pub async fn no_prelude(a: u32, (b, _): (u32, u32)) -> ::std::result::Result<u32, ()> {
        let c = ::std::future::ready(a).await;
        if c == 0 {
            return ::std::result::Result::Err(());
        }
        ::std::result::Result::Ok(c + b)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn behave_as_without_the_shadows() {
        let ((a, b), trace) = ::traced_async::capture(async {
            (
                super::shadowed(1, 0).await,
                super::bare::no_prelude(1, (2, 3)).await,
            )
        });
        ::std::assert_eq!(a, 1 + 1 + 2 + 3);
        ::std::assert_eq!(b, ::std::result::Result::Ok(3));
        let meta = trace.function("shadowed").meta();
        ::std::assert_eq!(meta.module_path(), "traced_async_shadowed_names");
        ::std::assert!(meta.file().ends_with("lib.rs"));
        ::std::assert_eq!(meta.line(), 64);
        ::std::assert_eq!(meta.awaits()[0].line(), 65);
        ::std::assert_eq!(meta.awaits().len(), 7);
    }
}
