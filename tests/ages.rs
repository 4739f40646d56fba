//! Wait ages on the process-wide recorder's timed counting path, with a test clock the tests
//! move by hand (no real sleeps) and futures polled by hand on chosen threads: the oldest
//! waiter per await point, the invocations in flight (ages, order, threads, in a poll or
//! waiting), a slot given back by a drop on another thread, a full table that drops and counts,
//! the JSON fields, and the tokio task id (feature `tokio`). Every test shares one recorder and
//! one clock: they take turns (`turn`).

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Barrier};
use std::task::{Context, Poll, Waker};

use futures::channel::oneshot;
use traced_async::{InvocationInFlight, Report, traced_async};

#[path = "common/test_clock.rs"]
mod test_clock;
use test_clock::{advance, turn};

const MS: u64 = 1_000_000;
/// The table's size (`global/ages.rs`).
const SLOTS: usize = 4096;

type Boxed = Pin<Box<dyn Future<Output = ()> + Send>>;

fn poll_once(future: &mut Boxed) -> Poll<()> {
    future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
}

/// Polls `future` once on a thread of its own, and gives it back.
fn poll_on_another_thread(mut future: Boxed) -> Boxed {
    std::thread::spawn(move || {
        assert!(poll_once(&mut future).is_pending());
        future
    })
    .join()
    .unwrap()
}

fn listed<'a>(report: &'a Report, function: &str) -> Vec<&'a InvocationInFlight> {
    let all = report.invocations().iter();
    all.filter(|i| i.function == function).collect()
}

#[traced_async]
async fn waits(rx: oneshot::Receiver<()>) {
    let _ = rx.await;
}

#[test]
fn the_oldest_waiter_per_await_point_and_the_invocations_oldest_first() {
    let (clock, _turn) = turn();
    let (tx_a, rx_a) = oneshot::channel();
    let (tx_b, rx_b) = oneshot::channel();
    let mut a: Boxed = Box::pin(waits(rx_a));
    assert!(poll_once(&mut a).is_pending());
    advance(clock, 100);
    let b = poll_on_another_thread(Box::pin(waits(rx_b)));
    advance(clock, 50);

    let report = traced_async::report();
    let f = report.function("waits").expect("waits ran");
    let line = f.meta().awaits()[0].line();
    assert_eq!(f.awaits()[0].waiting(), 2, "{report}");
    assert_eq!(
        f.awaits()[0].oldest_waiting_nanos(),
        Some(150 * MS),
        "{report}"
    );
    let text = report.to_string();
    assert!(text.contains("  2 waiting, oldest 150.00ms\n"), "{text}");

    let waiting = listed(&report, "waits");
    assert_eq!(waiting.len(), 2, "{report}");
    let ages: Vec<(u64, u64, bool)> = waiting
        .iter()
        .map(|i| (i.age_nanos, i.for_nanos, i.polling))
        .collect();
    assert_eq!(
        ages,
        [(150 * MS, 150 * MS, false), (50 * MS, 50 * MS, false)]
    );
    let place = format!("await#0 (line {line})");
    assert!(waiting.iter().all(|i| i.place == place), "{report}");
    assert_ne!(waiting[0].thread, waiting[1].thread, "{report}");
    assert_ne!(waiting[0].invocation, waiting[1].invocation);
    // Hand-polled, inside no task: none is named.
    assert!(waiting.iter().all(|i| i.task.is_none()), "{report}");
    let first = format!(
        "waits (invocation {}) for 150.00ms: waiting at {place} for 150.00ms\n  last polled on \
         thread {}",
        waiting[0].invocation, waiting[0].thread
    );
    assert!(text.contains("── in flight, oldest first ──\n"), "{text}");
    assert!(text.contains(&first), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");

    // Resumed, returned: no longer listed; the other one is the oldest now.
    tx_a.send(()).unwrap();
    assert!(poll_once(&mut a).is_ready());
    advance(clock, 10);
    let report = traced_async::report();
    let waiting = listed(&report, "waits");
    assert_eq!(waiting.len(), 1, "{report}");
    assert_eq!(waiting[0].age_nanos, 60 * MS);
    let f = report.function("waits").unwrap();
    assert_eq!(f.awaits()[0].oldest_waiting_nanos(), Some(60 * MS));
    drop((b, tx_b));
    let report = traced_async::report();
    assert!(listed(&report, "waits").is_empty(), "{report}");
    assert_eq!(
        report.function("waits").unwrap().awaits()[0].oldest_waiting_nanos(),
        None
    );
}

/// Waits for `rx`, then blocks its thread inside the poll until the test lets it go.
#[traced_async]
async fn blocks(rx: oneshot::Receiver<()>, entered: Arc<Barrier>, release: Arc<Barrier>) {
    let _ = rx.await;
    entered.wait();
    release.wait();
}

#[test]
fn an_invocation_in_a_poll_is_listed_as_in_a_poll_on_its_thread() {
    let (clock, _turn) = turn();
    let (tx, rx) = oneshot::channel();
    let (entered, release) = (Arc::new(Barrier::new(2)), Arc::new(Barrier::new(2)));
    let mut future: Boxed = Box::pin(blocks(rx, entered.clone(), release.clone()));
    assert!(poll_once(&mut future).is_pending());
    let here = listed(&traced_async::report(), "blocks")[0].thread;
    advance(clock, 10);
    tx.send(()).unwrap();
    let polling = std::thread::spawn(move || poll_once(&mut future).is_ready());
    entered.wait();
    advance(clock, 20);

    let report = traced_async::report();
    let list = listed(&report, "blocks");
    assert_eq!(list.len(), 1, "{report}");
    let i = list[0];
    let line = report.function("blocks").unwrap().meta().awaits()[0].line();
    assert!(i.polling, "{report}");
    assert_eq!(i.place, format!("await#0 (line {line})"));
    assert_eq!((i.age_nanos, i.for_nanos), (30 * MS, 20 * MS));
    assert_ne!(i.thread, here, "the thread polling it now: {report}");
    // Being polled: not waiting, so no oldest waiter there.
    let f = report.function("blocks").unwrap();
    assert_eq!(f.awaits()[0].oldest_waiting_nanos(), None, "{report}");
    let text = report.to_string();
    let expected = format!(
        "blocks (invocation {}) for 30.00ms: in a poll for 20.00ms, after await#0 (line {line})\n  \
         on thread {}",
        i.invocation, i.thread
    );
    assert!(text.contains(&expected), "{text}");

    release.wait();
    assert!(polling.join().unwrap());
    assert!(listed(&traced_async::report(), "blocks").is_empty());
}

#[test]
fn dropped_on_another_thread_the_invocation_gives_its_slot_back() {
    let (clock, _turn) = turn();
    let (_tx, rx) = oneshot::channel();
    let mut future: Boxed = Box::pin(waits(rx));
    assert!(poll_once(&mut future).is_pending());
    advance(clock, 5);
    let before = traced_async::report();
    assert_eq!(listed(&before, "waits").len(), 1, "{before}");
    let cancelled = before.function("waits").unwrap().cancelled();
    std::thread::spawn(move || drop(future)).join().unwrap();
    let after = traced_async::report();
    assert!(listed(&after, "waits").is_empty(), "{after}");
    assert_eq!(after.function("waits").unwrap().cancelled(), cancelled + 1);
    assert_eq!(after.invocations().len(), before.invocations().len() - 1);
}

#[traced_async]
async fn crowd(rx: oneshot::Receiver<()>) {
    let _ = rx.await;
}

#[test]
fn a_full_table_drops_counts_and_says_how_many_it_could_not_list() {
    let (clock, _turn) = turn();
    let before = traced_async::report();
    let (held, unlisted) = (before.invocations().len(), before.invocations_unlisted());
    let extra = 3;
    let n = SLOTS - held + extra;
    let mut senders = Vec::new();
    let mut futures: Vec<Boxed> = (0..n)
        .map(|_| {
            let (tx, rx) = oneshot::channel();
            senders.push(tx);
            Box::pin(crowd(rx)) as Boxed
        })
        .collect();
    for future in &mut futures {
        assert!(poll_once(future).is_pending());
    }
    advance(clock, 1);

    let report = traced_async::report();
    assert_eq!(report.invocations().len(), SLOTS);
    assert_eq!(report.invocations_unlisted(), unlisted + extra as u64);
    let f = report.function("crowd").unwrap();
    assert_eq!(f.awaits()[0].waiting(), n as u64, "every one is counted");
    let text = report.to_string();
    let more = format!("… and {} more (the 20 oldest listed)\n", SLOTS - 20);
    assert!(text.contains(&more), "{text}");
    assert!(
        text.contains(&format!(
            "{} invocations found the table of 4096 full and could not be listed",
            unlisted + extra as u64
        )),
        "{text}"
    );

    // Every slot given back: the next invocation is listed again.
    for (tx, mut future) in senders.into_iter().zip(futures) {
        tx.send(()).unwrap();
        assert!(poll_once(&mut future).is_ready());
    }
    let report = traced_async::report();
    assert_eq!(report.invocations().len(), held, "{report}");
    let (_tx, rx) = oneshot::channel();
    let mut one: Boxed = Box::pin(crowd(rx));
    assert!(poll_once(&mut one).is_pending());
    let report = traced_async::report();
    assert_eq!(listed(&report, "crowd").len(), 1);
    assert_eq!(report.invocations_unlisted(), unlisted + extra as u64);
}

#[test]
fn the_json_report_has_the_ages() {
    let (clock, _turn) = turn();
    let (_tx, rx) = oneshot::channel();
    let mut future: Boxed = Box::pin(waits(rx));
    assert!(poll_once(&mut future).is_pending());
    advance(clock, 7);
    let json = serde_json::to_value(traced_async::report()).unwrap();
    assert_eq!(json["ages"], "listed");
    assert!(json["invocations_unlisted"].is_u64());
    let waits = json["functions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fn"] == "waits")
        .unwrap();
    assert_eq!(waits["awaits"][0]["oldest_waiting_ns"], 7 * MS);
    let invocation = json["invocations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["fn"] == "waits")
        .unwrap();
    let line = waits["awaits"][0]["line"].as_u64().unwrap();
    assert_eq!(invocation["age_nanos"], 7 * MS);
    assert_eq!(invocation["for_nanos"], 7 * MS);
    assert_eq!(invocation["polling"], false);
    assert_eq!(invocation["place"], format!("await#0 (line {line})"));
    assert!(invocation["invocation"].is_u64());
    assert!(invocation["thread"].as_u64().unwrap() >= 1);
    assert!(invocation["thread_name"].is_string() || invocation["thread_name"].is_null());
    assert!(invocation["task"].is_null());
}

/// With the feature `tokio`, an invocation polled inside a tokio task names the task; without
/// it, none is named.
#[test]
fn on_tokio_the_task_id_is_known_with_the_feature_only() {
    let (_clock, _turn) = turn();
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let (tx, rx) = oneshot::channel();
    let handle = rt.spawn(waits(rx));
    rt.block_on(tokio::task::yield_now());
    let report = traced_async::report();
    let list = listed(&report, "waits");
    assert_eq!(list.len(), 1, "{report}");
    if cfg!(feature = "tokio") {
        let id: u64 = handle.id().to_string().parse().unwrap();
        assert_eq!(list[0].task, Some(id), "{report}");
        let text = report.to_string();
        assert!(text.contains(&format!(", task {id}\n")), "{text}");
    } else {
        assert_eq!(list[0].task, None, "{report}");
        assert!(!report.to_string().contains(", task "), "{report}");
    }
    tx.send(()).unwrap();
    rt.block_on(handle).unwrap();
}
