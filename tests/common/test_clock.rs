//! The test clock and the process-wide recorder, for tests that read `report()` at chosen
//! instants: each test binary installs them once, and its tests take turns.

use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use traced_async::__private::TestClock;
use traced_async::Guard;

/// The test clock and the recorder (timing, every fn, no summary), installed once, and the
/// turn of the calling test.
pub fn turn() -> (&'static TestClock, MutexGuard<'static, ()>) {
    static SETUP: OnceLock<(TestClock, Guard)> = OnceLock::new();
    static TURN: Mutex<()> = Mutex::new(());
    let turn = TURN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (clock, _) = SETUP.get_or_init(|| {
        let clock = TestClock::install().expect("the clock was not read yet");
        let guard = traced_async::RecorderBuilder::new().summary(false).init();
        (clock, guard)
    });
    (clock, turn)
}

/// Moves the test clock on by `ms` milliseconds.
pub fn advance(clock: &TestClock, ms: u64) {
    clock.advance(Duration::from_millis(ms));
}
