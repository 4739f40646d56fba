//! One aligned, coloured line per transition.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use crate::output::place::Place;
use crate::output::units::{human_duration, plural};
use crate::state::State;
use crate::transition::Transition;

const NAME: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

fn state_style(state: State) -> Style {
    let colour = match state {
        State::Start => return Style::new(),
        State::Await(_) | State::Hidden => AnsiColor::Cyan,
        State::Returned => AnsiColor::Green,
        State::Panicked => AnsiColor::Red,
        State::Cancelled => AnsiColor::Yellow,
    };
    Style::new().fg_color(Some(colour.into()))
}

/// `  fetch#2        poll 1    start -> await#0    1.2µs  src/main.rs:14:30  sleep(10)`
pub(crate) fn line(t: &Transition, depth: usize) -> String {
    let meta = t.function();
    let who = format!(
        "{:indent$}{}#{}",
        "",
        meta.display_name(),
        t.call(),
        indent = depth * 2
    );
    let (from_place, to_place) = (Place::of(meta, t.from()), Place::of(meta, t.to()));
    let (from, to) = (from_place.name(), to_place.name());
    let (fs, ts) = (state_style(t.from()), state_style(t.to()));
    // A cancellation is a drop, not a poll: it takes the poll column's place without a number.
    let when = if t.to() == State::Cancelled {
        "dropped".to_owned()
    } else {
        format!("poll {}", t.poll())
    };
    // Padding stays outside the colour codes, so that trailing spaces can be trimmed.
    let mut out = format!(
        "{NAME}{who}{NAME:#}{} {when:<8} {}{fs}{from}{fs:#} -> {ts}{to}{ts:#}{}",
        pad(&who, 24),
        pad(&from, 9),
        pad(&to, 9),
    );
    let duration = t.duration().map(human_duration);
    let _ = write!(out, " {:>8}", duration.unwrap_or_default());
    let detail = match t.to() {
        State::Await(_) => to_place.point().map(|p| {
            format!(
                "{DIM}{}:{}:{}{DIM:#}  {}",
                meta.file(),
                p.line(),
                p.column(),
                p.expr()
            )
        }),
        State::Hidden => Some("inside a macro the attribute cannot see into".to_owned()),
        State::Panicked => Some("the panic goes on to the caller".to_owned()),
        State::Cancelled => {
            let polls = t.poll();
            let after = format!("after {polls} poll{}", plural(u64::from(polls)));
            Some(match from_place.point() {
                Some(p) => format!("while waiting on {} (line {}), {after}", p.expr(), p.line()),
                None => format!("while suspended, {after}"),
            })
        }
        State::Start | State::Returned => None,
    };
    if let Some(detail) = detail {
        let _ = write!(out, "  {detail}");
    }
    out.trim_end().to_owned()
}

/// Spaces that fill `text` to `width` columns.
fn pad(text: &str, width: usize) -> String {
    " ".repeat(width.saturating_sub(text.chars().count()))
}
