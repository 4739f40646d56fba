//! How wide the text output may be, and the shortening that makes lines fit: 100 columns by
//! default, the terminal's width when stderr is one (`COLUMNS` first, when set). Long awaited
//! expressions lose their middle (`select_biased! { … }`), long lines of prose wrap. JSON is
//! never shortened.

use std::io::IsTerminal;
use std::sync::OnceLock;

/// `…::method`: a fn's name in at most `max` columns, a method losing its type first.
pub(crate) fn cut_name(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        return name.to_owned();
    }
    match name.rsplit_once("::") {
        Some((_, method)) => cut(&format!("…::{method}"), max),
        None => cut(name, max),
    }
}

/// The width of text output that does not go to a terminal, and of every transcript.
pub(crate) const DEFAULT: usize = 100;

/// Narrower than this, lines are laid out for this width anyway: a line that says nothing
/// helps nobody.
const NARROWEST: usize = 40;

/// The width stderr's text output is laid out for, decided once per process.
pub(crate) fn stderr() -> usize {
    static WIDTH: OnceLock<usize> = OnceLock::new();
    *WIDTH.get_or_init(|| {
        let stderr = std::io::stderr();
        if !stderr.is_terminal() {
            return DEFAULT;
        }
        let columns = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|&c| c > 0);
        columns
            .or_else(|| terminal_size::terminal_size_of(&stderr).map(|(w, _)| usize::from(w.0)))
            .map_or(DEFAULT, |w| w.max(NARROWEST))
    })
}

/// The number of columns `text` takes, colour codes left out.
pub(crate) fn columns(text: &str) -> usize {
    if text.contains('\u{1b}') {
        anstream::adapter::strip_str(text)
            .to_string()
            .chars()
            .count()
    } else {
        text.chars().count()
    }
}

/// `expr` in at most `max` columns: whole when it fits; a macro call with its body elided
/// (`futures::select_biased! { … }`, then `select_biased! { … }`); else cut with `…`.
pub(crate) fn shorten(expr: &str, max: usize) -> String {
    let len = expr.chars().count();
    if len <= max {
        return expr.to_owned();
    }
    if let Some((path, open, close)) = macro_call(expr) {
        let name = path.rsplit("::").next().unwrap_or(path);
        for head in [path, name] {
            let short = if open == '{' {
                format!("{head}! {{ … }}")
            } else {
                format!("{head}!{open}…{close}")
            };
            if short.chars().count() <= max {
                return short;
            }
        }
        // The macro's name says more than the start of its path.
        return cut(&format!("{name}!…"), max);
    }
    cut(&elide_arguments(expr, max), max)
}

/// `timeout(…)` for `timeout(Duration::from_millis(15), fetch("slow", 40))`: the contents of
/// the longest outermost bracket group replaced by `…`, again until `expr` fits in `max`
/// columns or no group is left to empty. A call's name says more than the start of its
/// arguments cut mid-word.
fn elide_arguments(expr: &str, max: usize) -> String {
    let mut out: Vec<char> = expr.chars().collect();
    while out.len() > max {
        let Some((open, close)) = longest_group(&out) else {
            break;
        };
        out.splice(open + 1..close, ['…']);
    }
    out.into_iter().collect()
}

/// `(open, close)` indices of the outermost bracket group with the most inside (more than one
/// character), brackets inside string and char literals not counted.
fn longest_group(chars: &[char]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    let (mut depth, mut start, mut quote) = (0usize, 0, None);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(_) if c == '\\' => i += 1,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' => quote = Some('"'),
                '(' | '[' | '{' => {
                    if depth == 0 {
                        start = i;
                    }
                    depth += 1;
                }
                ')' | ']' | '}' if depth > 0 => {
                    depth -= 1;
                    let longer = best.is_none_or(|(o, c)| i - start > c - o);
                    if depth == 0 && i - start > 2 && longer {
                        best = Some((start, i));
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    best
}

/// `text` cut to `max` columns, its last one `…`, when longer.
pub(crate) fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// `…/net/fetch.rs`: `path` in at most `max` columns, losing its start first.
pub(crate) fn cut_start(path: &str, max: usize) -> String {
    let len = path.chars().count();
    if len <= max {
        return path.to_owned();
    }
    let tail: String = path.chars().skip(len + 1 - max.max(1)).collect();
    // Whole directories go, when a separator is left to cut at.
    match tail.find('/') {
        Some(slash) if slash + 1 < tail.len() => format!("…{}", &tail[slash..]),
        _ => format!("…{tail}"),
    }
}

/// `(path, open, close)` of `path! { .. }`, `path!( .. )` or `path![ .. ]` when `expr` is one
/// whole macro call (or the start of one, cut with `…`).
fn macro_call(expr: &str) -> Option<(&str, char, char)> {
    let bang = expr.find('!')?;
    let path = expr[..bang].trim();
    let is_path = !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == ':');
    let open = expr[bang + 1..].trim_start().chars().next()?;
    let close = match open {
        '{' => '}',
        '(' => ')',
        '[' => ']',
        _ => return None,
    };
    // The expansion already cut a very long expression short with `…`.
    let end = expr.trim_end();
    (is_path && (end.ends_with(close) || end.ends_with('…'))).then_some((path, open, close))
}

/// Text laid out in `width` columns: each line longer than that broken at its last space that
/// fits, the rest indented two columns more than the line, so that nothing wraps mid-word in a
/// terminal. A word longer than a whole line is cut where the line ends.
pub(crate) fn wrap(text: &str, width: usize) -> String {
    if text.lines().all(|l| columns(l) <= width) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        wrap_line(&mut out, line, width);
    }
    out
}

fn wrap_line(out: &mut String, line: &str, width: usize) {
    if columns(line) <= width {
        out.push_str(line);
        return;
    }
    let indent = line.len() - line.trim_start().len() + 2;
    let mut rest: Vec<char> = line.chars().collect();
    let mut first = true;
    loop {
        let lead = if first { 0 } else { indent };
        let room = width.saturating_sub(lead).max(1);
        if !first {
            out.push('\n');
            out.extend(std::iter::repeat_n(' ', lead));
        }
        if rest.len() <= room {
            out.extend(rest);
            return;
        }
        // The last space within the room, not the line's own indentation.
        let start = rest.iter().take_while(|c| **c == ' ').count();
        let cut = (start + 1..=room)
            .rev()
            .find(|&i| rest[i] == ' ')
            .unwrap_or(room);
        out.push_str(rest[..cut].iter().collect::<String>().trim_end());
        rest = rest[cut..]
            .iter()
            .copied()
            .skip_while(|c| *c == ' ')
            .collect();
        first = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macro_calls_lose_their_body() {
        let select = "futures::select_biased! { a = f().fuse() => a, b = g().fuse() => b, }";
        assert_eq!(shorten(select, 80), select);
        assert_eq!(shorten(select, 40), "futures::select_biased! { … }");
        assert_eq!(shorten(select, 24), "select_biased! { … }");
        assert_eq!(
            shorten("futures::join!(a(), b(), c())", 20),
            "futures::join!(…)"
        );
        assert_eq!(
            shorten("timeout(ms(15), fetch(\"too slow\", 40))", 20),
            "timeout(…)"
        );
        assert_eq!(shorten(select, 10), "select_bi…");
    }

    #[test]
    fn calls_lose_their_arguments_before_being_cut() {
        let expr = "timeout(Duration::from_millis(15), fetch(\"too (slow\", 40))";
        assert_eq!(shorten(expr, 20), "timeout(…)");
        assert_eq!(shorten("sleep(Duration::from_millis(ms))", 26), "sleep(…)");
        assert_eq!(shorten("Forgetful { asked: false }", 20), "Forgetful {…}");
        assert_eq!(
            shorten("client.get(url_of(name)).send(body)", 28),
            "client.get(…).send(body)"
        );
        // Still too long without its arguments: cut.
        assert_eq!(shorten("a_very_long_function_name(x)", 10), "a_very_lo…");
    }

    #[test]
    fn names_lose_their_type_first() {
        assert_eq!(cut_name("Db::get", 10), "Db::get");
        assert_eq!(cut_name("Database::get_user", 12), "…::get_user");
        assert_eq!(cut_name("Database::get_user_by_name", 12), "…::get_user…");
        assert_eq!(cut_name("get_user_by_name", 12), "get_user_by…");
    }

    #[test]
    fn paths_lose_their_start() {
        assert_eq!(cut_start("src/net/fetch.rs", 20), "src/net/fetch.rs");
        assert_eq!(cut_start("src/net/fetch.rs", 10), "…/fetch.rs");
        assert_eq!(cut_start("src/net/fetch.rs", 13), "…/fetch.rs");
        assert_eq!(cut_start("src/net/fetch.rs", 6), "…ch.rs");
    }

    #[test]
    fn long_lines_wrap_at_spaces_indented() {
        let text = "⚠ one two three four\n  short\n  alpha beta gamma delta";
        let wrapped = wrap(text, 12);
        assert_eq!(
            wrapped,
            "⚠ one two\n  three four\n  short\n  alpha beta\n    gamma\n    delta"
        );
        assert!(
            wrapped.lines().all(|l| l.chars().count() <= 12),
            "{wrapped}"
        );
        assert_eq!(wrap("abcdefghij", 4), "abcd\n  ef\n  gh\n  ij");
    }
}
