//! A traced future is `Send` (and `Sync`) exactly when the same fn's plain future is. The
//! compile-fail half (an `Rc` held across an `.await`, required to be `Send`) is
//! tests/crates/ui/tests/ui/not-send-rc-held-across-await.rs.

// Holding a guard across an await is one of the cases under test (and clippy rightly flags it
// in both twins).
#![allow(clippy::await_holding_lock)]

use std::cell::Cell;
use std::marker::PhantomData;
use std::rc::Rc;
use std::sync::Mutex;

use futures::future::ready;
use traced_async::traced_async;

/// Autoref specialisation: `is_send!(expr)` is `true` when the expression's type is `Send`.
struct Probe<T>(PhantomData<T>);

trait SendYes {
    fn is_send(&self) -> bool {
        true
    }
}
impl<T: Send> SendYes for Probe<T> {}

trait SendNo {
    fn is_send(&self) -> bool {
        false
    }
}
impl<T> SendNo for &Probe<T> {}

trait SyncYes {
    fn is_sync(&self) -> bool {
        true
    }
}
impl<T: Sync> SyncYes for Probe<T> {}

trait SyncNo {
    fn is_sync(&self) -> bool {
        false
    }
}
impl<T> SyncNo for &Probe<T> {}

fn probe<T>(_: &T) -> Probe<T> {
    Probe(PhantomData)
}

macro_rules! auto_traits {
    ($future:expr) => {{
        let future = $future;
        let probe = probe(&future);
        ((&probe).is_send(), (&probe).is_sync())
    }};
}

macro_rules! twins {
    ($($traced:ident / $plain:ident ($($arg:ident: $ty:ty),*) -> $ret:ty $body:block)*) => {$(
        #[traced_async]
        async fn $traced($($arg: $ty),*) -> $ret $body
        async fn $plain($($arg: $ty),*) -> $ret $body
    )*};
}

twins! {
    sendable / sendable_plain (n: u32) -> u32 { ready(n).await }
    rc_across_await / rc_across_await_plain () -> i32 {
        let rc = Rc::new(1);
        ready(()).await;
        *rc
    }
    rc_dropped_before_await / rc_dropped_before_await_plain () -> () {
        { let rc = Rc::new(1); drop(rc); }
        ready(()).await;
    }
    cell_ref_across_await / cell_ref_across_await_plain (c: &Cell<u32>) -> () {
        ready(()).await;
        c.set(1);
    }
    guard_across_await / guard_across_await_plain (m: &Mutex<u32>) -> u32 {
        let guard = m.lock().unwrap();
        ready(()).await;
        *guard
    }
    guard_in_temporary / guard_in_temporary_plain (m: &Mutex<u32>) -> u32 {
        let n = *m.lock().unwrap();
        ready(n).await
    }
    rc_argument / rc_argument_plain (rc: Rc<u32>) -> u32 { ready(*rc).await }
}

#[test]
fn traced_futures_have_the_auto_traits_of_plain_ones() {
    let cell = Cell::new(0);
    let mutex = Mutex::new(0);
    let pairs = [
        (auto_traits!(sendable(1)), auto_traits!(sendable_plain(1))),
        (
            auto_traits!(rc_across_await()),
            auto_traits!(rc_across_await_plain()),
        ),
        (
            auto_traits!(rc_dropped_before_await()),
            auto_traits!(rc_dropped_before_await_plain()),
        ),
        (
            auto_traits!(cell_ref_across_await(&cell)),
            auto_traits!(cell_ref_across_await_plain(&cell)),
        ),
        (
            auto_traits!(guard_across_await(&mutex)),
            auto_traits!(guard_across_await_plain(&mutex)),
        ),
        (
            auto_traits!(guard_in_temporary(&mutex)),
            auto_traits!(guard_in_temporary_plain(&mutex)),
        ),
        (
            auto_traits!(rc_argument(Rc::new(1))),
            auto_traits!(rc_argument_plain(Rc::new(1))),
        ),
    ];
    for (i, (traced, plain)) in pairs.iter().enumerate() {
        assert_eq!(traced, plain, "case {i}: (Send, Sync) of traced vs plain");
    }
    // The probe itself works: both answers occur.
    assert_eq!(pairs[0].0, (true, true));
    assert_eq!(pairs[1].0, (false, false));
    assert!(!pairs[3].0.0);
}

fn assert_send<T: Send>(_: &T) {}

#[test]
fn a_sendable_traced_future_can_be_spawned() {
    let future = sendable(3);
    assert_send(&future);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .build()
        .unwrap();
    assert_eq!(
        runtime
            .block_on(async { tokio::spawn(future).await })
            .unwrap(),
        3
    );
}
