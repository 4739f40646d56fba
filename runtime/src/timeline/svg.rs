//! The timeline as a self-contained SVG picture (no script, no external resource): a lane per
//! task or thread, a row per invocation below its caller's, polls as bars coloured per fn, suspensions as light
//! bars labelled with their await point, wake arrows, a time axis, a legend, and a `<title>`
//! tooltip on every bar. Polls too narrow to see are merged, so that the number of elements
//! stays bounded whatever the number of polls.

use std::fmt::Write;

use rustc_hash::FxHashMap;

use crate::meta::FnMeta;
use crate::output::units::{clock_time, human_nanos};
use crate::timeline::chrome::{poll_name, wait_name, woken_text};
use crate::timeline::model::{Slice, SliceKind, Timeline, Until};

/// Width of the picture, px.
const WIDTH: f64 = 1200.0;
/// Room for the lane names on the left, px.
const LEFT: f64 = 170.0;
const RIGHT: f64 = 20.0;
/// Height of one row of bars, px, and the space between lanes.
const ROW: f64 = 18.0;
const LANE_GAP: f64 = 10.0;
/// Above the first lane: the title line and the time axis.
const TOP: f64 = 52.0;
/// Most elements the picture may hold; bars, labels, arrows and marks share it.
pub(crate) const MAX_ELEMENTS: usize = 20_000;
/// Rows of one lane at most.
const MAX_ROWS: usize = 24;
/// Lanes drawn at most; the rest are counted in a note.
const MAX_LANES: usize = 64;
/// Arrows and instants drawn at most each; the rest are counted in a note.
const MAX_ARROWS: usize = 1_500;
const MAX_MARKS: usize = 1_000;
/// Approximate width of one character of the 11 px labels, px.
const CHAR: f64 = 6.2;

/// Colours for fns, in order of their first poll; task polls and timers have their own.
const PALETTE: [&str; 12] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#8cd17d", "#499894", "#d37295",
];
const TASK_COLOUR: &str = "#bab0ac";
const TIMER_COLOUR: &str = "#f1ce63";

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if c.is_control() && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// What a bar shows: a slice or a suspension, by index.
#[derive(Debug, Clone, Copy)]
enum Src {
    Slice(usize),
    Wait(usize),
}

/// A bar to draw: one slice or suspension, or several merged.
struct Bar {
    x0: f64,
    x1: f64,
    colour: &'static str,
    light: bool,
    /// What it shows alone; `None` when merged.
    src: Option<Src>,
    /// For a merged bar: how many, and the names of what they show (up to 8).
    merged: (usize, Vec<&'static str>),
}

/// One slice or suspension of a row, before merging.
struct Item {
    start: u64,
    end: u64,
    colour: &'static str,
    /// The fn (or kind) it shows, named in a merged bar's tooltip.
    name: &'static str,
    src: Src,
}

/// A row (lane, row in the lane) with its suspensions and its slices, each sorted by start.
type RowItems = ((usize, u16), Vec<Item>, Vec<Item>);

/// Merges a row's items (sorted by start): neighbours narrower than `min` px with less than
/// `min` px between them become one bar. The bars of one row are then at most about
/// `2 × width / min`.
fn merge(items: &[Item], x: &dyn Fn(u64) -> f64, min: f64, light: bool, out: &mut Vec<Bar>) {
    let mut group: Option<Bar> = None;
    for item in items {
        let (x0, x1) = (x(item.start), x(item.end));
        let narrow = x1 - x0 < min;
        if let Some(bar) = &mut group
            && narrow
            && x0 - bar.x1 < min
        {
            bar.x1 = bar.x1.max(x1);
            bar.src = None;
            bar.merged.0 += 1;
            if !bar.merged.1.contains(&item.name) {
                if bar.merged.1.len() < 8 {
                    bar.merged.1.push(item.name);
                }
                bar.colour = TASK_COLOUR;
            }
            continue;
        }
        out.extend(group.take());
        let bar = Bar {
            x0,
            x1,
            colour: item.colour,
            light,
            src: Some(item.src),
            merged: (1, vec![item.name]),
        };
        if narrow {
            group = Some(bar);
        } else {
            out.push(bar);
        }
    }
    out.extend(group);
}

/// `1`, `2` or `5` times a power of ten, the smallest not below `n`.
fn nice(n: f64) -> f64 {
    let p = 10f64.powf(n.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|k| k * p)
        .find(|v| *v >= n)
        .unwrap_or(10.0 * p)
}

impl Timeline {
    /// The timeline as a self-contained SVG picture (no script, no network): open it in a
    /// browser, or embed it in Markdown. Hover a bar for its details.
    pub fn svg(&self) -> String {
        let lanes = self.lanes.len().min(MAX_LANES);
        let (row_of, rows) = self.rows(lanes);
        let row = |lane: usize, call: u64| row_of.get(&(lane, call)).copied().unwrap_or(0);
        let plot = WIDTH - LEFT - RIGHT;
        let span = self.end.max(1);
        let x = |ns: u64| LEFT + plot * (ns as f64 / span as f64);
        let lane_top: Vec<f64> = rows
            .iter()
            .scan(TOP, |y, r| {
                let top = *y;
                *y += *r as f64 * ROW + LANE_GAP;
                Some(top)
            })
            .collect();
        let row_y = |lane: usize, depth: u16| lane_top[lane] + f64::from(depth) * ROW;
        let plot_bottom = lane_top
            .last()
            .map_or(TOP, |t| t + rows[lanes - 1] as f64 * ROW);

        // Colours per fn in order of first poll.
        let mut colours: Vec<(&'static FnMeta, &'static str)> = Vec::new();
        let mut colour_of =
            |meta: &'static FnMeta| match colours.iter().find(|(m, _)| std::ptr::eq(*m, meta)) {
                Some((_, c)) => *c,
                None => {
                    let c = PALETTE[colours.len() % PALETTE.len()];
                    colours.push((meta, c));
                    c
                }
            };
        let mut by_row: FxHashMap<(usize, u16), Vec<Item>> = FxHashMap::default();
        let mut waits_by_row: FxHashMap<(usize, u16), Vec<Item>> = FxHashMap::default();
        for (i, s) in self.slices.iter().enumerate() {
            if s.lane >= lanes {
                continue;
            }
            let (colour, name) = match s.kind {
                SliceKind::Poll(t) => (colour_of(t.function()), t.function().name()),
                SliceKind::Task { .. } => (TASK_COLOUR, "task polls"),
                SliceKind::Timers { .. } => (TIMER_COLOUR, "timers"),
            };
            let r = match s.kind {
                SliceKind::Poll(t) => row(s.lane, t.call()),
                _ => 0,
            };
            by_row.entry((s.lane, r)).or_default().push(Item {
                start: s.start,
                end: s.end,
                colour,
                name,
                src: Src::Slice(i),
            });
        }
        for (i, w) in self.waits.iter().enumerate() {
            if w.lane >= lanes {
                continue;
            }
            let meta = w.t.function();
            waits_by_row
                .entry((w.lane, row(w.lane, w.t.call())))
                .or_default()
                .push(Item {
                    start: w.start,
                    end: w.end,
                    colour: colour_of(meta),
                    name: meta.name(),
                    src: Src::Wait(i),
                });
        }
        let mut rows_items: Vec<RowItems> = Vec::new();
        let mut keys: Vec<(usize, u16)> =
            by_row.keys().chain(waits_by_row.keys()).copied().collect();
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            let mut polls = by_row.remove(&key).unwrap_or_default();
            let mut waits = waits_by_row.remove(&key).unwrap_or_default();
            // Nearly in order already; the source index makes the key unique.
            let order = |i: &Item| {
                (
                    i.start,
                    match i.src {
                        Src::Slice(n) | Src::Wait(n) => n,
                    },
                )
            };
            polls.sort_unstable_by_key(order);
            waits.sort_unstable_by_key(order);
            rows_items.push((key, waits, polls));
        }
        // Merge bars narrower than a pixel; while the bars (two elements each, a rect and its
        // tooltip, and perhaps a label) would not fit the budget, merge wider ones.
        let budget = MAX_ELEMENTS - 2 * MAX_ARROWS - 2 * MAX_MARKS - 4 * MAX_LANES - 400;
        let mut min = 1.0;
        let bars = loop {
            let mut bars: Vec<(f64, Bar)> = Vec::new();
            for (key, waits, polls) in &rows_items {
                let y = row_y(key.0, key.1);
                for (items, light) in [(waits, true), (polls, false)] {
                    let mut out = Vec::new();
                    merge(items, &x, min, light, &mut out);
                    bars.extend(out.into_iter().map(|b| (y, b)));
                }
            }
            if 3 * bars.len() <= budget || min > plot {
                break bars;
            }
            min *= 2.0;
        };
        let legend_rows = (colours.len().min(24) + 3).div_ceil(4) + 1;
        let height = plot_bottom + 10.0 + legend_rows as f64 * 16.0 + 8.0;
        let mut svg = String::with_capacity(bars.len() * 160 + 4096);
        let _ = write!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height:.0}\" \
             viewBox=\"0 0 {WIDTH} {height:.0}\" font-family=\"sans-serif\" font-size=\"11\">\n\
             <defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" \
             markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\">\
             <path d=\"M0,0 L8,4 L0,8 z\" fill=\"#555\"/></marker></defs>\n\
             <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        );
        let clock = if self.deterministic {
            "virtual time: polls take none of it (a blocking one, its charge), so most are drawn 1 µs wide"
        } else if self.synthetic {
            "recorded without timing: polls drawn 1 µs wide in the order they ran"
        } else {
            "real time"
        };
        let _ = writeln!(
            svg,
            "<text x=\"{LEFT}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">traced-async \
             timeline: {} polls, {} suspensions, {} wakes</text>\
             <text x=\"{WIDTH}\" dx=\"-{RIGHT}\" y=\"16\" text-anchor=\"end\" fill=\"#555\">{}</text>",
            self.polls(),
            self.suspensions(),
            self.wakes(),
            escape(clock)
        );
        // The time axis: a tick every `step` ns, labelled in units.
        let step = nice(span as f64 / 8.0).max(1.0);
        let _ = writeln!(
            svg,
            "<line x1=\"{LEFT}\" y1=\"36\" x2=\"{:.1}\" y2=\"36\" stroke=\"#333\"/>",
            LEFT + plot
        );
        let mut tick = 0.0;
        while tick <= span as f64 {
            let tx = LEFT + plot * tick / span as f64;
            let _ = writeln!(
                svg,
                "<line x1=\"{tx:.1}\" y1=\"32\" x2=\"{tx:.1}\" y2=\"{plot_bottom:.0}\" \
                 stroke=\"#e4e4e4\"/><text x=\"{tx:.1}\" y=\"29\" text-anchor=\"middle\" \
                 fill=\"#333\">{}</text>",
                clock_time(tick as u64)
            );
            tick += step;
        }
        for (lane, info) in self.lanes.iter().take(lanes).enumerate() {
            let top = lane_top[lane];
            let _ = writeln!(
                svg,
                "<rect x=\"0\" y=\"{:.1}\" width=\"{WIDTH}\" height=\"{:.1}\" fill=\"{}\"/>\
                 <text x=\"6\" y=\"{:.1}\" font-weight=\"bold\">{}</text>",
                top - LANE_GAP / 2.0,
                rows[lane] as f64 * ROW + LANE_GAP,
                if lane % 2 == 0 { "#f7f7f7" } else { "#ffffff" },
                top + 13.0,
                escape(&info.name)
            );
        }
        for (y, bar) in &bars {
            let w = (bar.x1 - bar.x0).max(if bar.light { 1.0 } else { 2.0 });
            let (h, dy, opacity) = if bar.light {
                (ROW - 6.0, 3.0, " fill-opacity=\"0.25\"")
            } else {
                (ROW - 2.0, 1.0, "")
            };
            let (tip, label) = match bar.src {
                Some(src) => self.tip_and_label(src),
                None => (
                    format!(
                        "{} {} merged (each narrower than {min:.0} px): {}",
                        bar.merged.0,
                        if bar.light { "suspensions" } else { "polls" },
                        bar.merged.1.join(", ")
                    ),
                    String::new(),
                ),
            };
            let _ = writeln!(
                svg,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{h}\" fill=\"{}\"{opacity}>\
                 <title>{}</title></rect>",
                bar.x0,
                y + dy,
                bar.colour,
                escape(&tip)
            );
            let fits = (w / CHAR) as usize;
            if !label.is_empty() && fits >= 6 {
                let label: String = if label.chars().count() > fits {
                    let mut cut: String = label.chars().take(fits - 1).collect();
                    cut.push('…');
                    cut
                } else {
                    label
                };
                let _ = writeln!(
                    svg,
                    "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"{}\">{}</text>",
                    bar.x0 + 2.0,
                    y + 13.0,
                    if bar.light { "#333" } else { "#fff" },
                    escape(&label)
                );
            }
        }
        // Wake arrows, one per target pixel column and pair of lanes.
        let mut drawn = FxHashMap::default();
        let mut left_out = 0usize;
        for f in &self.flows {
            let (a, b) = (&self.slices[f.from], &self.slices[f.to]);
            if a.lane >= lanes || b.lane >= lanes {
                left_out += 1;
                continue;
            }
            let key = (a.lane, b.lane, (x(b.start) / min) as i64);
            if drawn.contains_key(&key) {
                continue;
            }
            if drawn.len() >= MAX_ARROWS {
                left_out += 1;
                continue;
            }
            drawn.insert(key, ());
            let (y0, y1) = (row_y(a.lane, 0) + ROW / 2.0, row_y(b.lane, 0) + ROW / 2.0);
            let _ = writeln!(
                svg,
                "<line x1=\"{:.1}\" y1=\"{y0:.1}\" x2=\"{:.1}\" y2=\"{y1:.1}\" stroke=\"#555\" \
                 stroke-width=\"1\" marker-end=\"url(#arrow)\"><title>wake: {} woke {}</title></line>",
                x(a.end.min(b.start)).max(x(a.start)),
                x(b.start),
                escape(&self.lanes[a.lane].name),
                escape(&self.lanes[b.lane].name)
            );
        }
        let mut marks = 0usize;
        let mut marks_left = 0usize;
        let mut seen_marks = FxHashMap::default();
        for m in &self.marks {
            if m.lane >= lanes {
                marks_left += 1;
                continue;
            }
            let anomaly = !m.message.is_empty();
            let key = (m.lane, (x(m.at) / min) as i64, anomaly);
            if seen_marks.insert(key, ()).is_some() {
                continue;
            }
            if marks >= MAX_MARKS {
                marks_left += 1;
                continue;
            }
            marks += 1;
            let (mx, my) = (x(m.at), row_y(m.lane, 0));
            let (colour, text) = if anomaly {
                ("#d62728", format!("{}\n{}", m.name, m.message))
            } else {
                ("#7f7f7f", m.name.clone())
            };
            let _ = writeln!(
                svg,
                "<path d=\"M{mx:.1},{:.1} l5,6 l-5,6 l-5,-6 z\" fill=\"{colour}\">\
                 <title>{}</title></path>",
                my + 3.0,
                escape(&text)
            );
        }
        // The legend: fns by colour, then what the shapes mean.
        let mut ly = plot_bottom + 18.0;
        let mut entries: Vec<(String, &str)> = colours
            .iter()
            .take(24)
            .map(|(m, c)| (m.display_name().into_owned(), *c))
            .collect();
        entries.push(("task poll (runtime)".to_owned(), TASK_COLOUR));
        entries.push(("timers".to_owned(), TIMER_COLOUR));
        entries.push(("◆ red: anomaly, grey: cancelled".to_owned(), "#d62728"));
        for row in entries.chunks(4) {
            for (i, (name, colour)) in row.iter().enumerate() {
                let lx = LEFT + i as f64 * plot / 4.0;
                let _ = writeln!(
                    svg,
                    "<rect x=\"{lx:.1}\" y=\"{:.1}\" width=\"12\" height=\"10\" fill=\"{colour}\"/>\
                     <text x=\"{:.1}\" y=\"{ly:.1}\">{}</text>",
                    ly - 9.0,
                    lx + 16.0,
                    escape(name)
                );
            }
            ly += 16.0;
        }
        let mut notes = vec!["light bars: suspensions".to_owned()];
        if bars.iter().any(|(_, b)| b.src.is_none()) {
            notes.push(format!("bars narrower than {min:.0} px merged"));
        }
        if self.lanes.len() > lanes {
            notes.push(format!("{} more lanes not drawn", self.lanes.len() - lanes));
        }
        if left_out > 0 {
            notes.push(format!("{left_out} wake arrows not drawn"));
        }
        if marks_left > 0 {
            notes.push(format!("{marks_left} instants not drawn"));
        }
        let _ = writeln!(
            svg,
            "<text x=\"{LEFT}\" y=\"{ly:.1}\" fill=\"#555\">{}</text>",
            escape(&notes.join("; "))
        );
        svg.push_str("</svg>\n");
        svg
    }
}

impl Timeline {
    /// A row for each invocation in its lane, below its caller's, shared with invocations whose
    /// lives do not overlap (two joined callees get a row each; calls one after another share
    /// one); the task polls of a runtime take row 0. Returns the rows and each lane's count.
    fn rows(&self, lanes: usize) -> (FxHashMap<(usize, u64), u16>, Vec<usize>) {
        // Each invocation's life in its lane: first start, last end, and its caller.
        let mut life: FxHashMap<(usize, u64), (u64, u64, u64)> = FxHashMap::default();
        let mut has_tasks = vec![false; lanes];
        let mut note = |lane: usize, t: &crate::transition::Transition, a: u64, b: u64| {
            let entry = life
                .entry((lane, t.call()))
                .or_insert((a, b, t.parent().unwrap_or(0)));
            entry.0 = entry.0.min(a);
            entry.1 = entry.1.max(b);
        };
        for s in self.slices.iter().filter(|s| s.lane < lanes) {
            match s.kind {
                SliceKind::Poll(t) => note(s.lane, &t, s.start, s.end),
                _ => has_tasks[s.lane] = true,
            }
        }
        for w in self.waits.iter().filter(|w| w.lane < lanes) {
            note(w.lane, &w.t, w.start, w.end);
        }
        let mut order: Vec<_> = life.into_iter().collect();
        order.sort_unstable_by_key(|&((lane, call), (start, _, _))| (lane, start, call));
        let mut row_of: FxHashMap<(usize, u64), u16> = FxHashMap::default();
        let mut ends: Vec<Vec<u64>> = vec![Vec::new(); lanes];
        for ((lane, call), (start, end, parent)) in order {
            let first = match row_of.get(&(lane, parent)) {
                Some(&r) => usize::from(r) + 1,
                None => usize::from(has_tasks[lane]),
            };
            let rows = &mut ends[lane];
            let free = (first..rows.len()).find(|&r| rows[r] <= start);
            let r = match free {
                Some(r) => r,
                None if rows.len() < MAX_ROWS => {
                    rows.resize(rows.len().max(first) + 1, 0);
                    rows.len() - 1
                }
                // Past the cap, invocations share the last row (and merge there).
                None => MAX_ROWS - 1,
            };
            rows[r] = rows[r].max(end);
            row_of.insert((lane, call), u16::try_from(r).unwrap_or(u16::MAX));
        }
        let counts = ends.iter().map(|rows| rows.len().max(1)).collect();
        (row_of, counts)
    }

    /// The tooltip and label of a bar that shows one slice or suspension.
    fn tip_and_label(&self, src: Src) -> (String, String) {
        let time = |s: &Slice| {
            if self.synthetic {
                format!("at {}", clock_time(s.start))
            } else {
                format!(
                    "at {}, took {}",
                    clock_time(s.start),
                    human_nanos(s.end - s.start)
                )
            }
        };
        match src {
            Src::Slice(i) => {
                let s = &self.slices[i];
                match s.kind {
                    SliceKind::Poll(t) => {
                        let meta = t.function();
                        let point = t.await_point().or(t.resumed_from());
                        let place = point.map_or_else(
                            || format!("{}:{}", meta.file(), meta.line()),
                            |p| format!("{}:{}  {}", meta.file(), p.line(), p.expr()),
                        );
                        let name = poll_name(&t);
                        let tip = format!("{name} (poll {})\n{}\n{place}", t.poll(), time(s));
                        (tip, name)
                    }
                    SliceKind::Task { poll, woken, by } => {
                        let lane = &self.lanes[s.lane].name;
                        let woken = woken_text(woken, by, self);
                        let tip = format!("{lane} poll {poll}, woken {woken}\n{}", time(s));
                        (tip, format!("poll {poll}"))
                    }
                    SliceKind::Timers { count } => (
                        format!("{count} timer{} fired\n{}", plural(count), time(s)),
                        String::new(),
                    ),
                }
            }
            Src::Wait(i) => {
                let w = &self.waits[i];
                let meta = w.t.function();
                let until = match w.until {
                    Until::Resumed => "until the next poll",
                    Until::Cancelled => "until it was cancelled",
                    Until::End => "still waiting when the recording ended",
                };
                let label = wait_name(&w.t);
                let tip = format!(
                    "{}#{} {label}\nfrom {} for {}, {until}",
                    meta.display_name(),
                    w.t.call(),
                    clock_time(w.start),
                    human_nanos(w.end - w.start)
                );
                (tip, label)
            }
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{AwaitKind, AwaitMeta};
    use crate::state::State;
    use crate::transition::{Numbered, Transition};

    static AWAITS: [AwaitMeta; 1] = [AwaitMeta::new(0, "0", 3, 9, "tick()", AwaitKind::Await)];
    static OUTER: FnMeta = FnMeta::new("outer", "m", "m.rs", 1, &AWAITS, true);
    static INNER: FnMeta = FnMeta::new("inner", "m", "m.rs", 5, &AWAITS, true);

    /// `n` polls on 4 threads: an outer invocation per thread polled over and over, each poll
    /// polling one inner invocation (start -> returned) inside it, 50 ns apart.
    pub(crate) fn many_polls(n: usize) -> Vec<Transition> {
        let mut ts = Vec::with_capacity(n);
        for (call, i) in (5..).zip(0..n / 2) {
            let thread = (i % 4) as u32 + 1;
            let at = (i as u64 / 4) * 100;
            let inner = Numbered {
                call,
                parent: thread,
                poll: 1,
                task: 0,
            };
            let done = (State::Start.encode(), State::Returned.encode());
            ts.push(Transition::new(
                &INNER,
                done,
                inner,
                thread,
                Some(at + 10),
                Some(20),
            ));
            let outer = Numbered {
                call: thread,
                parent: 0,
                poll: (i / 4) as u32 + 1,
                task: 0,
            };
            let from = if i < 4 { State::Start } else { State::Await(0) };
            let step = (from.encode(), State::Await(0).encode());
            ts.push(Transition::new(
                &OUTER,
                step,
                outer,
                thread,
                Some(at),
                Some(50),
            ));
        }
        ts
    }

    fn elements(svg: &str) -> usize {
        svg.as_bytes()
            .windows(2)
            .filter(|w| w[0] == b'<' && w[1].is_ascii_alphabetic())
            .count()
    }

    #[test]
    fn a_million_polls_stay_within_the_element_bound() {
        let ts = many_polls(1_000_000);
        let timeline = Timeline::of_trace(&ts, false);
        assert_eq!(timeline.polls(), 1_000_000);
        let svg = timeline.svg();
        let n = elements(&svg);
        assert!(n <= MAX_ELEMENTS, "{n} elements");
        assert!(svg.contains(" merged (each narrower than "), "merged bars");
        assert!(svg.contains(">thread 4</text>"));
    }

    #[test]
    fn wide_polls_are_drawn_alone_with_their_tooltips() {
        let ts = many_polls(8);
        let svg = Timeline::of_trace(&ts, false).svg();
        assert!(!svg.contains(" merged "), "{svg}");
        assert!(
            svg.contains(
                "<title>inner#5 start -&gt; returned (poll 1)\nat 10ns, took 20ns\nm.rs:5</title>"
            ),
            "{svg}"
        );
        assert!(elements(&svg) < 200);
    }
}
