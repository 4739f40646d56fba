//! A traced fn drops its arguments and locals in the same order as the same fn untraced: when
//! it returns, when it is cancelled while suspended, and when it panics.

mod common;

use std::cell::RefCell;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::task::{Context, Poll};

use common::io;
use traced_async::traced_async;

thread_local! {
    static LOG: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// Logs its name when dropped.
struct D(&'static str);

impl Drop for D {
    fn drop(&mut self) {
        LOG.with(|log| log.borrow_mut().push(self.0));
    }
}

fn take_log() -> Vec<&'static str> {
    LOG.with(|log| std::mem::take(&mut *log.borrow_mut()))
}

/// The same fn twice, once per attribute list, so the two cannot drift apart.
macro_rules! twins {
    ($($(#[$attr:meta])* $name:ident;)*) => {$(
        #[allow(clippy::too_many_arguments, clippy::used_underscore_binding)]
        $(#[$attr])*
        async fn $name(
            a: D,
            (b, c): (D, D),
            _: D,
            _e: D,
            mut f: D,
            (j, _): (D, D),
            polls: u32,
            fail: bool,
        ) -> D {
            let g = D("g");
            let _ = D("wildcard-local");
            let h = D("h");
            f.0 = "f-mutated";
            io(polls, ()).await;
            let i = D("i");
            drop(b);
            assert!(!fail, "failing on purpose");
            let tmp = (D("temp-in-tail"), D("tail")).1;
            let _keep = (&a, &c, &g, &h, &i, &j);
            tmp
        }
    )*};
}

twins! {
    #[traced_async] traced;
    plain;
}

fn args() -> (D, (D, D), D, D, D, (D, D)) {
    (
        D("a"),
        (D("b"), D("c")),
        D("wildcard-arg"),
        D("e"),
        D("f"),
        (D("j"), D("tuple-wildcard")),
    )
}

fn run<F: Future>(future: F) -> F::Output {
    futures::executor::block_on(future)
}

#[test]
fn same_drop_order_when_returning() {
    let (a, bc, w, e, f, jk) = args();
    let out = run(traced(a, bc, w, e, f, jk, 2, false));
    drop(out);
    let traced_log = take_log();
    let (a, bc, w, e, f, jk) = args();
    drop(run(plain(a, bc, w, e, f, jk, 2, false)));
    let plain_log = take_log();
    assert_eq!(traced_log, plain_log);
    assert_eq!(traced_log.last(), Some(&"tail"));
    assert!(traced_log.contains(&"f-mutated"));
}

#[test]
fn same_drop_order_when_cancelled() {
    fn cancel<F: Future>(future: F) {
        let mut future = pin!(future);
        let waker = futures::task::noop_waker();
        let poll = future.as_mut().poll(&mut Context::from_waker(&waker));
        assert!(matches!(poll, Poll::Pending));
    }
    let (a, bc, w, e, f, jk) = args();
    cancel(traced(a, bc, w, e, f, jk, 5, false));
    let traced_log = take_log();
    let (a, bc, w, e, f, jk) = args();
    cancel(plain(a, bc, w, e, f, jk, 5, false));
    assert_eq!(traced_log, take_log());
    assert!(traced_log.contains(&"h"));
}

#[test]
fn same_drop_order_when_panicking() {
    let (a, bc, w, e, f, jk) = args();
    let traced_result = catch_unwind(AssertUnwindSafe(|| {
        run(traced(a, bc, w, e, f, jk, 1, true))
    }));
    let traced_log = take_log();
    let (a, bc, w, e, f, jk) = args();
    let plain_result = catch_unwind(AssertUnwindSafe(|| run(plain(a, bc, w, e, f, jk, 1, true))));
    assert!(traced_result.is_err() && plain_result.is_err());
    assert_eq!(traced_log, take_log());
    assert!(traced_log.contains(&"i"));
}

#[test]
fn same_drop_order_when_never_polled() {
    let (a, bc, w, e, f, jk) = args();
    drop(traced(a, bc, w, e, f, jk, 0, false));
    let traced_log = take_log();
    let (a, bc, w, e, f, jk) = args();
    drop(plain(a, bc, w, e, f, jk, 0, false));
    assert_eq!(traced_log, take_log());
    assert_eq!(traced_log.len(), 8);
}
