//! The executor: spawning, joining, ordering, timers, the virtual clock and wake tracking.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

use futures::channel::oneshot;
use traced_async::{
    Format, Runtime, TaskWakes, sleep, spawn, spawn_named, timeout, traced_async, yield_now,
};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn quiet(deterministic: bool) -> Runtime {
    Runtime::builder()
        .deterministic(deterministic)
        .format(Format::Off)
        .summary(false)
        .blocking_threshold(ms(200))
        .build()
}

#[test]
fn block_on_waits_for_detached_tasks() {
    let rt = quiet(true);
    let done = Rc::new(RefCell::new(false));
    let flag = Rc::clone(&done);
    rt.block_on(async move {
        drop(spawn(async move {
            sleep(ms(10)).await;
            *flag.borrow_mut() = true;
        }));
    });
    assert!(
        *done.borrow(),
        "the run ends only when every task has finished"
    );
}

#[test]
fn spawn_before_block_on_runs_in_it() {
    let rt = quiet(true);
    let handle = rt.spawn_named("early", async { 7 });
    assert_eq!(rt.block_on(handle), 7);
}

#[test]
fn tasks_run_in_fifo_order() {
    let rt = quiet(true);
    let log = Rc::new(RefCell::new(Vec::new()));
    rt.block_on({
        let log = Rc::clone(&log);
        async move {
            let handles: Vec<_> = ["a", "b", "c"]
                .into_iter()
                .map(|name| {
                    let log = Rc::clone(&log);
                    spawn(async move {
                        for step in 1..=2 {
                            log.borrow_mut().push(format!("{name}{step}"));
                            yield_now().await;
                        }
                    })
                })
                .collect();
            for h in handles {
                h.await;
            }
        }
    });
    assert_eq!(*log.borrow(), ["a1", "b1", "c1", "a2", "b2", "c2"]);
}

#[test]
fn virtual_clock_jumps_instead_of_waiting() {
    let rt = quiet(true);
    let started = Instant::now();
    rt.block_on(sleep(Duration::from_secs(3600)));
    assert_eq!(rt.elapsed(), Duration::from_secs(3600));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn real_clock_really_waits() {
    let rt = quiet(false);
    let started = Instant::now();
    rt.block_on(sleep(ms(30)));
    assert!(started.elapsed() >= ms(30), "took {:?}", started.elapsed());
}

#[test]
fn timeout_returns_ok_or_elapsed() {
    let rt = quiet(true);
    let (fast, slow) = rt.block_on(async {
        (
            timeout(ms(20), sleep(ms(10))).await,
            timeout(ms(20), sleep(ms(30))).await,
        )
    });
    assert_eq!(fast, Ok(()));
    assert!(slow.is_err());
    assert_eq!(rt.elapsed(), ms(30), "10 ms, then the 20 ms timeout");
}

#[test]
#[should_panic(expected = "boom")]
fn a_task_panic_resumes_in_its_joiner() {
    let rt = quiet(true);
    rt.block_on(async { spawn(async { panic!("boom") }).await });
}

#[test]
fn an_unjoined_task_panic_is_reported() {
    let rt = quiet(true);
    rt.block_on(async {
        drop(spawn_named("doomed", async { panic!("nobody sees this") }));
    });
    // Only the panics: with RUST_BACKTRACE set, printing the backtrace inside the poll can
    // take long enough to be reported as a blocking poll too, which is true.
    let anomalies: Vec<_> = rt
        .anomalies()
        .into_iter()
        .filter(|a| a.kind() == traced_async::AnomalyKind::Panic)
        .collect();
    assert_eq!(anomalies.len(), 1, "{anomalies:?}");
    assert!(
        anomalies[0]
            .message()
            .contains("doomed (2) panicked: nobody sees this")
    );
}

#[test]
#[should_panic(expected = "inside a running Runtime")]
fn nested_block_on_is_refused() {
    let rt = quiet(true);
    rt.block_on(async { quiet(true).block_on(async {}) });
}

#[test]
#[should_panic(expected = "must be polled inside a traced_async::Runtime")]
fn sleep_outside_a_runtime_says_so() {
    futures::executor::block_on(sleep(ms(1)));
}

#[traced_async]
async fn waits_forever(rx: oneshot::Receiver<()>) {
    let _ = rx.await;
}

#[test]
fn abort_cancels_at_the_await_point() {
    let rt = quiet(true);
    let (_tx, rx) = oneshot::channel::<()>();
    rt.block_on(async move {
        let h = spawn(waits_forever(rx));
        yield_now().await;
        h.abort();
    });
    let trace = rt.trace();
    let f = trace.function("waits_forever");
    assert_eq!(f.cancelled(), 1);
    assert_eq!(f.await_point(0).cancellations(), 1);
}

fn wakes(rt: &Runtime, name: &str) -> TaskWakes {
    rt.wakes()
        .into_iter()
        .find(|w| w.name == name)
        .expect("task ran")
}

#[test]
fn wakes_are_counted_by_origin() {
    let rt = quiet(true);
    rt.block_on(async {
        let a = spawn_named("yielder", async {
            yield_now().await;
            yield_now().await;
        });
        let b = spawn_named("sleeper", sleep(ms(5)));
        a.await;
        b.await;
    });
    let yielder = wakes(&rt, "yielder");
    assert_eq!(
        (yielder.by_itself, yielder.from_elsewhere, yielder.polls),
        (2, 0, 3)
    );
    let sleeper = wakes(&rt, "sleeper");
    assert_eq!(
        (sleeper.by_itself, sleeper.from_elsewhere, sleeper.polls),
        (0, 1, 2)
    );
    // main: woken when each handle completes.
    let main = wakes(&rt, "main");
    assert_eq!(main.by_itself, 0);
    assert!(main.from_elsewhere >= 1);
    assert!(
        rt.wakes().iter().all(|w| w.spurious == 0),
        "{:?}",
        rt.wakes()
    );
    assert!(
        rt.wakes().iter().all(|w| w.wake_to_poll.is_none()),
        "hidden in deterministic mode"
    );
}

#[test]
fn a_wake_from_another_thread_reaches_the_task() {
    let rt = quiet(false);
    let slot = Arc::new(Mutex::new(None::<Waker>));
    let thread = std::thread::spawn({
        let slot = Arc::clone(&slot);
        move || {
            // Waits for the task to park its waker, however slow the machine, then wakes it.
            let waker = loop {
                if let Some(waker) = slot.lock().unwrap().take() {
                    break waker;
                }
                std::thread::sleep(ms(1));
            };
            waker.wake();
        }
    });
    let mut parked = false;
    rt.block_on(std::future::poll_fn(|cx| {
        if std::mem::replace(&mut parked, true) {
            return Poll::Ready(());
        }
        *slot.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    }));
    thread.join().unwrap();
    let main = wakes(&rt, "main");
    assert_eq!((main.by_itself, main.from_elsewhere), (0, 1));
    let (mean, max) = main.wake_to_poll.expect("one wake, measured in real time");
    assert!(
        mean <= max && max < Duration::from_secs(1),
        "{mean:?} {max:?}"
    );
    assert!(rt.summary().contains("wake-to-poll"), "{}", rt.summary());
}

#[traced_async]
async fn step() {
    yield_now().await;
}

#[test]
fn a_runtime_runs_several_block_ons() {
    let rt = quiet(true);
    rt.block_on(step());
    rt.block_on(step());
    assert_eq!(
        rt.trace().function("step").polls(),
        2,
        "the trace is the last run's"
    );
    let transcript = rt.transcript();
    for poll in [
        "poll 1      start -> await#0",
        "poll 2    await#0 -> returned",
    ] {
        let line = format!("step#1         {poll}");
        assert_eq!(transcript.matches(&line).count(), 2, "{transcript}");
    }
}
