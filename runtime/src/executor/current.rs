//! The runtime running on this thread, for the free functions (`sleep`, `spawn`, ...) and
//! handles that need it.

use std::cell::RefCell;
use std::rc::Rc;

use crate::executor::shared::Shared;

thread_local! {
    static CURRENT: RefCell<Option<Rc<Shared>>> = const { RefCell::new(None) };
}

/// Calls `f` with the runtime running on this thread; `None` outside one.
pub(crate) fn with<R>(f: impl FnOnce(&Rc<Shared>) -> R) -> Option<R> {
    // Cloned out first so that `f` may itself look the runtime up (spawn inside spawn).
    let shared = CURRENT.try_with(|c| c.borrow().clone()).ok().flatten()?;
    Some(f(&shared))
}

/// Makes `shared` this thread's runtime until the guard drops.
///
/// # Panics
/// If a runtime is already running on this thread: nesting would block the outer one.
pub(crate) fn enter(shared: &Rc<Shared>) -> Guard {
    CURRENT.with(|c| {
        let mut c = c.borrow_mut();
        assert!(
            c.is_none(),
            "traced_async::Runtime::block_on called inside a running Runtime: \
             it would block the outer runtime's thread; spawn the future or await it instead"
        );
        *c = Some(Rc::clone(shared));
    });
    Guard(())
}

/// Clears this thread's runtime, also when the run unwinds.
pub(crate) struct Guard(());

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = CURRENT.try_with(|c| c.borrow_mut().take());
    }
}
