//! One aligned, coloured line per transition.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use crate::fields::Fields;
use crate::meta::AwaitMeta;
use crate::output::place::Place;
use crate::output::units::human_duration;
use crate::output::width;
use crate::state::State;
use crate::transition::Transition;

const NAME: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();
pub(crate) const WARNING: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
const ERROR: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));

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

/// `  fetch#2      poll 1      start -> await#0    1.2µs  line 14  sleep(10)`, in at most
/// `width` columns: the awaited expression is shortened to fit (the JSON lines and the summary
/// give the file; the JSON lines give everything whole). A start line shows the invocation's
/// `fields` after its name (`fetch#2 {name="header"}`): whole when the line has room for them
/// and its detail; else the detail is shortened as usual down to [`DETAIL_KEPT`] columns
/// (`line 12  sleep(…)`), then the fields are shortened with `…`, and left out when not even
/// `{…}` fits.
pub(crate) fn line(t: &Transition, depth: usize, width: usize, fields: Option<&Fields>) -> String {
    let meta = t.function();
    let name = width::cut_name(&meta.display_name(), (width / 4).max(12));
    let who = format!("{:indent$}{name}#{}", "", t.call(), indent = depth * 2);
    // Columns aligned by padding, when the line has room for it (under 80 columns, none).
    let roomy = width >= 80;
    let Some(fields) = fields.filter(|f| !f.is_empty()) else {
        return laid_out(t, &who, "", width, roomy);
    };
    // What the line takes without fields and detail (laid out with no room for a detail), and
    // its detail whole: the fields and the detail share what is left, and the padding after
    // the name, which the fields take first.
    let fixed = width::columns(&laid_out(t, &who, "", 0, roomy));
    let detail = width::columns(&laid_out(t, &who, "", LOTS, roomy)) - fixed;
    let slack = if roomy {
        NAME_COLUMNS.saturating_sub(width::columns(&who))
    } else {
        0
    };
    let free = (width + slack).saturating_sub(fixed + 1);
    let room = free.saturating_sub(detail.min(DETAIL_KEPT));
    let text = fields.text();
    let shown = if width::columns(&text) <= room {
        text
    } else if room >= 3 {
        // `{name="hea…}`: the closing brace kept.
        let inner = &text[..text.len() - 1];
        format!("{}}}", width::cut(inner, room - 1))
    } else {
        String::new()
    };
    laid_out(t, &who, &shown, width, roomy)
}

/// The columns a start line's detail keeps before its fields are shortened: its two spaces,
/// `line N` and a shortened expression.
const DETAIL_KEPT: usize = 22;

/// The columns the name (`fetch#2`) is padded to, when the line is roomy.
const NAME_COLUMNS: usize = 14;

/// Wider than any line's parts: the width that shortens nothing (and width 0 leaves the detail
/// out).
const LOTS: usize = 1 << 20;

/// [`line`] with `fields` (already fitted) after `who`, padded when `roomy`.
fn laid_out(t: &Transition, who: &str, fields: &str, width: usize, roomy: bool) -> String {
    let meta = t.function();
    let (from_place, to_place) = (Place::of(meta, t.from()), Place::of(meta, t.to()));
    let (from, to) = (from_place.name(), to_place.name());
    let (fs, ts) = (state_style(t.from()), state_style(t.to()));
    let pad = |text: &str, columns: usize| {
        if roomy {
            pad(text, columns)
        } else {
            String::new()
        }
    };
    // A cancellation is a drop, not a poll: it takes the poll column's place without a number.
    let when = if t.to() == State::Cancelled {
        "dropped".to_owned()
    } else {
        format!("poll {:<2}", t.poll())
    };
    // Padding stays outside the colour codes, so that trailing spaces can be trimmed.
    let (who_columns, fields) = if fields.is_empty() {
        (who.to_owned(), String::new())
    } else {
        (format!("{who} {fields}"), format!(" {fields}"))
    };
    let mut out = format!(
        "{NAME}{who}{NAME:#}{fields}{} {when} {}{fs}{from}{fs:#} -> {ts}{to}{ts:#}",
        pad(&who_columns, NAME_COLUMNS),
        pad(&from, 9),
    );
    // The target state padded when a column follows it, so that the columns align.
    let to_pad = pad(&to, 9);
    if let Some(duration) = t.duration().map(human_duration) {
        let duration = if roomy {
            format!("{duration:>8}")
        } else {
            duration
        };
        let _ = write!(out, "{to_pad} {duration}");
    }
    let mut used = width::columns(&out);
    if t.duration().is_none() {
        used += to_pad.len();
    }
    // What is left for the detail, after its two spaces.
    let room = width.saturating_sub(used + 2);
    let at = |p: &AwaitMeta| {
        let line = format!("line {}", p.line());
        // Under a few columns, an expression would be only `…`: the line alone says where.
        match room.checked_sub(line.len() + 2) {
            Some(left) if left >= 4 => {
                let expr = width::shorten(p.expr(), left);
                format!("{DIM}{line}{DIM:#}  {expr}")
            }
            _ => width::cut(&line, room),
        }
    };
    let detail = match t.to() {
        State::Await(_) => to_place.point().map(at),
        State::Hidden => Some(width::cut(
            "inside a macro the attribute cannot see into",
            room,
        )),
        State::Panicked => Some(width::cut("the panic goes on to the caller", room)),
        // Where it was dropped, as a suspension says where it waits: the state says the rest.
        State::Cancelled => Some(match from_place.point() {
            Some(p) => at(p),
            None => width::cut("dropped while suspended", room),
        }),
        State::Start | State::Returned => None,
    };
    // A detail cut down to `…` says nothing: left out.
    if let Some(detail) = detail.filter(|_| room >= 4) {
        if t.duration().is_none() {
            out.push_str(&to_pad);
        }
        let _ = write!(out, "  {detail}");
    }
    out.trim_end().to_owned()
}

/// Lines of runtime events (spawns, clock jumps, reports), wrapped to `width` columns; a
/// diagnostic's lines (`⚠ ...`, `✖ ...`, wrapped parts included) in its colour.
pub(crate) fn event(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let style = match line.trim_start().chars().next() {
            Some('⚠') => WARNING,
            Some('✖') => ERROR,
            _ => Style::new(),
        };
        let wrapped = width::wrap(line, width);
        if style == Style::new() {
            out.push_str(&wrapped);
            continue;
        }
        for (j, part) in wrapped.split('\n').enumerate() {
            if j > 0 {
                out.push('\n');
            }
            // The indentation stays outside the colour codes.
            let text = part.trim_start();
            let _ = write!(
                out,
                "{}{style}{text}{style:#}",
                &part[..part.len() - text.len()]
            );
        }
    }
    out
}

/// Spaces that fill `text` to `width` columns.
fn pad(text: &str, width: usize) -> String {
    " ".repeat(width.saturating_sub(text.chars().count()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{AwaitKind, FnMeta};
    use crate::transition::Numbered;

    static AWAITS: [AwaitMeta; 2] = [
        AwaitMeta::new(
            0,
            "0",
            1234,
            17,
            "futures::select_biased! { a = first_of_many_long_calls().fuse() => a, \
             b = second_of_many_long_calls().fuse() => b, }",
            AwaitKind::Macro,
        ),
        AwaitMeta::new(
            1,
            "0.1",
            1235,
            9,
            "a_call_with_many_arguments(first_argument, second_argument, third_argument)",
            AwaitKind::Branch,
        ),
    ];
    static META: FnMeta = FnMeta::new(
        "a_function_whose_name_goes_on_and_on_and_on",
        "app::some::deeply::nested::module",
        "src/some/deeply/nested/module.rs",
        1200,
        &AWAITS,
        true,
    );

    #[test]
    fn every_line_fits_its_width() {
        let usual = Numbered {
            call: 12,
            parent: 1,
            poll: 3,
            task: 2,
        };
        let huge = Numbered {
            call: 123_456,
            poll: 1234,
            ..usual
        };
        let moves = [
            (State::Start, State::Await(0)),
            (State::Await(0), State::Await(1)),
            (State::Await(1), State::Cancelled),
            (State::Await(0), State::Hidden),
            (State::Hidden, State::Panicked),
            (State::Await(1), State::Returned),
        ];
        // Usual numbers from 60 columns on (a 80-column terminal, less the runtime's clock and
        // task), and numbers in the thousands and deep nesting from 100 on.
        let cases = [(usual, 1, 60), (huge, 3, 100)];
        for width in [60, 70, 80, 100, 120] {
            for (from, to) in moves {
                for nanos in [None, Some(123_456_789)] {
                    for (at, deepest, _) in cases.into_iter().filter(|c| c.2 <= width) {
                        let t = Transition::new(
                            &META,
                            (from.encode(), to.encode()),
                            at,
                            1,
                            Some(0),
                            nanos,
                        );
                        for depth in [0, deepest] {
                            let text = line(&t, depth, width, None);
                            assert!(width::columns(&text) <= width, "{width}: {text}");
                        }
                    }
                }
            }
        }
        let t = Transition::new(
            &META,
            (moves[0].0.encode(), moves[0].1.encode()),
            usual,
            1,
            None,
            None,
        );
        let text = anstream::adapter::strip_str(&line(&t, 0, 100, None)).to_string();
        assert!(text.contains("line 1234  select_biased! { … }"), "{text}");
    }

    #[test]
    fn a_start_line_shows_its_fields_shortened_first() {
        let at = Numbered {
            call: 2,
            parent: 1,
            poll: 1,
            task: 0,
        };
        let moved = (State::Start.encode(), State::Await(1).encode());
        let t = Transition::new(&META, moved, at, 1, None, None);
        let fields = Fields::format(&["name", "ms"], &[Some(&"header"), Some(&10)]);
        let plain =
            |width| anstream::adapter::strip_str(&line(&t, 0, width, Some(&fields))).to_string();
        // Room for both: the fields whole after the name, the detail shortened as without them.
        let wide = plain(200);
        assert!(
            wide.contains(r#"#2 {name="header", ms=10} poll 1"#),
            "{wide}"
        );
        assert!(
            wide.contains("line 1235  a_call_with_many_arguments(first_argument"),
            "{wide}"
        );
        // Narrower: the detail keeps `line N` and a shortened expression, the fields lose their end.
        for width in [60, 70, 80, 100] {
            let text = plain(width);
            assert!(width::columns(&text) <= width, "{width}: {text}");
            assert!(text.contains("line 1235"), "{width}: {text}");
            // From 80 columns, some of the fields; at 60, the name and detail leave no room.
            assert_eq!(
                text.contains("#2 {") && text.contains("} poll"),
                width >= 80,
                "{text}"
            );
        }
        let narrow = plain(80);
        assert!(narrow.contains("…}"), "{narrow}");
        // Other lines show none.
        let later = Transition::new(
            &META,
            (moved.1, State::Returned.encode()),
            at,
            1,
            None,
            None,
        );
        assert!(!line(&later, 0, 200, None).contains('{'));
    }

    #[test]
    fn forced_colour_marks_the_diagnostic_lines_only() {
        let text = "── clock 0s → 10.00ms: every task waits on a timer\n\
                    ⚠ blocking poll in task main: one poll held the thread for 12.00ms \
                    (threshold 5.00ms), which is far too long for a line this narrow\n  \
                    in parse#1, from the start (line 3) to the return\n\
                    ✖ deadlock: no task can make progress\n  main (1)";
        let out = event(text, 60);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 7, "{out}");
        let coloured: Vec<bool> = lines.iter().map(|l| l.contains('\u{1b}')).collect();
        // The ⚠ line, wrapped on three, and the ✖ line; not the clock, detail or tree lines.
        assert_eq!(
            coloured,
            [false, true, true, true, false, true, false],
            "{out}"
        );
        assert!(
            lines[1].starts_with("\u{1b}[1m\u{1b}[33m⚠"),
            "{:?}",
            lines[1]
        );
        assert!(lines[2].starts_with("  \u{1b}["), "{:?}", lines[2]);
        let plain = anstream::adapter::strip_str(&out).to_string();
        assert!(plain.lines().all(|l| l.chars().count() <= 60), "{plain}");
    }
}
