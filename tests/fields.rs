//! An invocation's fields on its start line: the attribute's `fields(..)` and the arguments
//! the body names, with `Debug` (`%` with `Display`), a non-`Debug` argument and `skip`ped ones
//! left out, and nothing formatted when no line is printed.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use traced_async::{Format, Mode, Runtime, traced_async};

/// Counts how often it is formatted.
struct Counted(u32);

static FORMATTED: AtomicUsize = AtomicUsize::new(0);

impl fmt::Debug for Counted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        FORMATTED.fetch_add(1, Ordering::Relaxed);
        write!(f, "Counted({})", self.0)
    }
}

/// Not `Debug`.
struct Opaque;

#[traced_async(fields(user = %user_id), skip(secret))]
async fn handle(name: &str, ms: u64, opaque: Opaque, secret: String, user_id: u32) -> usize {
    let _ = (&opaque, user_id);
    name.len() + ms as usize + secret.len()
}

#[traced_async]
async fn counted(value: Counted) -> u32 {
    value.0
}

fn start_lines(transcript: &str, name: &str) -> Vec<String> {
    transcript
        .lines()
        .filter(|l| l.contains(&format!("{name}#")) && l.contains("start ->"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn start_line_shows_fields_and_debug_arguments() {
    let rt = Runtime::builder()
        .deterministic(true)
        .format(Format::Off)
        .summary(false)
        .build();
    let n = rt.block_on(handle("header", 10, Opaque, "hunter2".to_owned(), 7));
    assert_eq!(n, 23);
    let lines = start_lines(&rt.transcript(), "handle");
    assert_eq!(lines.len(), 1, "{}", rt.transcript());
    let line = &lines[0];
    // `fields(..)` first, then the arguments in order; `opaque` is not Debug, `secret` skipped.
    assert!(
        line.contains(r#"handle#1 {user=7, name="header", ms=10, user_id=7}"#),
        "{line}"
    );
    assert!(
        !line.contains("hunter2") && !line.contains("opaque"),
        "{line}"
    );
    // Only the start line shows them.
    let others = rt
        .transcript()
        .lines()
        .filter(|l| l.contains("user="))
        .count();
    assert_eq!(others, 1, "{}", rt.transcript());
}

#[test]
fn nothing_is_formatted_when_no_line_is_printed() {
    let before = FORMATTED.load(Ordering::Relaxed);
    // No recorder.
    assert_eq!(futures::executor::block_on(counted(Counted(1))), 1);
    // A capture scope that only counts and prints nothing.
    let captured = traced_async::Captured::with(counted(Counted(2)), Mode::Count, Format::Off);
    let (value, trace) = futures::executor::block_on(captured);
    assert_eq!(value, 2);
    assert_eq!(trace.function("counted").calls(), 1);
    // A runtime keeping no transcript and printing nothing.
    let rt = Runtime::builder()
        .format(Format::Off)
        .transcript(false)
        .build();
    assert_eq!(rt.block_on(counted(Counted(3))), 3);
    assert_eq!(FORMATTED.load(Ordering::Relaxed), before);
    // The control: a transcript formats it once, for its one start line.
    let rt = Runtime::builder()
        .format(Format::Off)
        .summary(false)
        .build();
    assert_eq!(rt.block_on(counted(Counted(4))), 4);
    assert_eq!(FORMATTED.load(Ordering::Relaxed), before + 1);
    assert!(
        rt.transcript().contains("counted#1 {value=Counted(4)}"),
        "{}",
        rt.transcript()
    );
}

/// A field naming a binding of a pattern the attribute rebinds (the argument is renamed).
#[traced_async(fields(first = e))]
async fn pattern((e, _): (u32, u32)) -> u32 {
    e
}

#[test]
fn a_field_may_name_a_pattern_binding() {
    let rt = Runtime::builder()
        .format(Format::Off)
        .summary(false)
        .build();
    assert_eq!(rt.block_on(pattern((5, 6))), 5);
    let lines = start_lines(&rt.transcript(), "pattern");
    assert!(lines[0].contains("pattern#1 {first=5}"), "{lines:?}");
}
