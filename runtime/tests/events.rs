//! What each recorded transition carries besides its states: the poll's start on the trace's
//! clock, the thread, and on a `Runtime` the task.

use std::time::Duration;

use traced_async::{Captured, Format, Mode, Runtime, traced_async};

#[traced_async]
async fn twice() -> u32 {
    traced_async::yield_now().await;
    1
}

#[traced_async]
async fn pending_once() {
    let mut first = true;
    futures::future::poll_fn(|cx| {
        if std::mem::take(&mut first) {
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
}

#[test]
fn timing_stamps_each_poll_with_its_start_and_thread() {
    let ((), trace) = futures::executor::block_on(Captured::new(pending_once()));
    let transitions = trace.transitions();
    assert_eq!(transitions.len(), 2);
    let starts: Vec<Duration> = transitions.iter().map(|t| t.start().unwrap()).collect();
    assert!(starts[0] <= starts[1], "{starts:?}");
    let thread = transitions[0].thread();
    assert!(thread >= 1);
    assert!(
        transitions
            .iter()
            .all(|t| t.thread() == thread && t.task().is_none())
    );
    // Another thread records under another number.
    let other = std::thread::spawn(|| {
        let ((), trace) = futures::executor::block_on(Captured::new(pending_once()));
        trace.transitions()[0].thread()
    })
    .join()
    .unwrap();
    assert_ne!(other, thread);
}

#[test]
fn counting_carries_no_time() {
    let future = Captured::with(pending_once(), Mode::Count, Format::Off);
    let ((), trace) = futures::executor::block_on(future);
    assert_eq!(trace.transitions().len(), 2);
    for t in trace.transitions() {
        assert_eq!((t.start(), t.duration()), (None, None));
        assert!(t.thread() >= 1);
    }
}

#[test]
fn a_deterministic_runtime_stamps_virtual_time_and_tasks() {
    let rt = Runtime::builder()
        .deterministic(true)
        .summary(false)
        .build();
    rt.block_on(async {
        traced_async::sleep(Duration::from_millis(10)).await;
        let handle = traced_async::spawn(twice());
        assert_eq!(handle.await, 1);
    });
    let trace = rt.trace();
    let twice = trace.function("twice");
    let transitions: Vec<_> = twice.transitions().collect();
    assert_eq!(transitions.len(), 2);
    for t in &transitions {
        // The spawned task is task 2; virtual time stood at 10ms for all of it.
        assert_eq!(t.task(), Some(2));
        assert_eq!(t.start(), Some(Duration::from_millis(10)));
    }
}
