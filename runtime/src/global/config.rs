//! What the process-wide recorder traces and prints, read from `TRACED_ASYNC` in the manner of
//! `RUST_LOG`.

use crate::activity::Mode;
use crate::meta::FnMeta;
use crate::output::Format;

/// The process-wide recorder's settings.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    /// Fn names or module paths to trace; empty means none, `all` means every fn.
    pub(crate) filter: Vec<String>,
    pub(crate) all: bool,
    /// Live output of each transition, if any.
    pub(crate) live: Format,
    /// Print the summary when the guard drops.
    pub(crate) summary: bool,
    pub(crate) timing: bool,
    /// Where to stream the timeline (`timeline=path`), if anywhere.
    pub(crate) timeline: Option<std::path::PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            filter: Vec::new(),
            all: true,
            live: Format::Off,
            summary: true,
            timing: true,
            timeline: None,
        }
    }
}

/// The words `TRACED_ASYNC` takes besides fn and module paths, in the order a warning lists them.
const KEYWORDS: [&str; 11] = [
    "all",
    "live",
    "json",
    "pretty",
    "summary",
    "no-summary",
    "timing",
    "no-timing",
    "off",
    "none",
    "*",
];

impl Config {
    /// Parses directives such as `all`, `fetch,my_crate::db,live`, `all,json,no-summary`,
    /// keeping what is valid and returning one warning per word that is not (a tracing
    /// configuration must never stop a service): each names the word, says what is accepted
    /// and suggests the nearest option.
    ///
    /// Names are fns (`fetch`, `net::fetch`) or modules (`my_crate::net`); `all` selects every
    /// fn, `off` none. Output words: `live` (pretty transitions on stderr), `json` (JSON
    /// transitions on stderr), `summary` / `no-summary` (summary when the guard drops; on by
    /// default), `no-timing` (count without measuring polls). Options are matched without
    /// regard to case; words are separated by commas, spaces or semicolons.
    pub(crate) fn parse(text: &str) -> (Config, Vec<String>) {
        let mut config = Config {
            all: false,
            ..Config::default()
        };
        let mut warnings = Vec::new();
        for word in text
            .split([',', ' ', ';'])
            .map(str::trim)
            .filter(|w| !w.is_empty())
        {
            if let Some((key, path)) = word.split_once('=')
                && key.eq_ignore_ascii_case("timeline")
            {
                match path {
                    "" => warnings.push("`timeline=` needs a file: `timeline=run.json`".to_owned()),
                    path => config.timeline = Some(path.into()),
                }
                continue;
            }
            match word.to_ascii_lowercase().as_str() {
                "all" | "*" => config.all = true,
                "off" | "none" => {
                    config.all = false;
                    config.filter.clear();
                }
                "live" | "pretty" => config.live = Format::Pretty,
                "json" => config.live = Format::Json,
                "summary" => config.summary = true,
                "no-summary" => config.summary = false,
                "timing" => config.timing = true,
                "no-timing" => config.timing = false,
                _ => warnings.extend(config.parse_name(word)),
            }
        }
        (config, warnings)
    }

    /// A word that is not an option: a fn or module path to trace, perhaps with a `RUST_LOG`
    /// level after it (kept, the level dropped), or a mistake (ignored).
    fn parse_name(&mut self, word: &str) -> Option<String> {
        if let Some((name, level)) = word.split_once('=')
            && is_path(name)
        {
            self.filter.push(name.to_owned());
            return Some(format!(
                "`{word}`: no levels here (`{level}` ignored); tracing `{name}`"
            ));
        }
        if is_path(word) {
            self.filter.push(word.to_owned());
            // A path is a valid fn name, but one a letter away from an option is likelier a
            // typo (`lve`, `al`): say so now, since the trace would only show it at the end.
            return nearest(word, KEYWORDS.iter().copied(), 1).map(|option| {
                format!("`{word}` is read as a fn or module name; did you mean `{option}`?")
            });
        }
        let hint = nearest(word, KEYWORDS.iter().copied(), 2)
            .map(|option| format!(" (did you mean `{option}`?)"))
            .unwrap_or_default();
        Some(format!(
            "`{word}` ignored{hint}\n  it takes fn or module paths and all, live, json, summary, \
             no-summary, no-timing, off"
        ))
    }

    /// The fn filters that select none of `ran` (the traced fns that ran while recording), each
    /// with a warning that suggests the nearest name that ran.
    pub(crate) fn unmatched(&self, ran: &[&'static FnMeta]) -> Vec<String> {
        self.filter
            .iter()
            .filter(|f| !ran.iter().any(|m| m.matches(f) || m.is_in_module(f)))
            .map(|f| {
                let mut names: Vec<&str> = ran.iter().map(|m| m.name()).collect();
                names.dedup();
                let names = names.into_iter();
                let hint = nearest(f, names, 2)
                    .map(|name| format!("; did you mean `{name}`?"))
                    .unwrap_or_default();
                format!("`{f}` matched no traced fn that ran{hint}")
            })
            .collect()
    }

    pub(crate) fn mode(&self) -> Mode {
        if !self.all && self.filter.is_empty() {
            Mode::Off
        } else if self.timing {
            Mode::Timing
        } else {
            Mode::Count
        }
    }

    pub(crate) fn selects(&self, meta: &FnMeta) -> bool {
        self.all
            || self
                .filter
                .iter()
                .any(|f| meta.matches(f) || meta.is_in_module(f))
    }
}

/// The candidate closest to `word` within `max` edits (ignoring case), if any but `word`.
fn nearest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
    max: usize,
) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    candidates
        .filter(|c| c.len() > 1)
        .map(|c| (strsim::levenshtein(&word, &c.to_ascii_lowercase()), c))
        .filter(|&(distance, _)| distance > 0 && distance <= max)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, c)| c)
}

fn is_path(word: &str) -> bool {
    word.split("::").all(|part| {
        let mut chars = part.chars();
        chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
            && chars.all(|c| c.is_alphanumeric() || c == '_')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Config {
        let (config, warnings) = Config::parse(text);
        assert!(warnings.is_empty(), "{text}: {warnings:?}");
        config
    }

    #[test]
    fn parses_names_and_outputs() {
        let c = parse("my_crate::net, fetch ,json,no-summary");
        assert_eq!(c.filter, ["my_crate::net", "fetch"]);
        assert!(!c.all);
        assert_eq!(c.live, Format::Json);
        assert!(!c.summary);
        assert_eq!(c.mode(), Mode::Timing);
        assert_eq!(parse("all,no-timing").mode(), Mode::Count);
        assert_eq!(parse("live").mode(), Mode::Off);
        assert_eq!(parse("ALL;Live").mode(), Mode::Timing);
        assert_eq!(parse("ALL;Live").live, Format::Pretty);
        assert_eq!(parse("all,off").mode(), Mode::Off);
        let c = parse("all,Timeline=out/run.json");
        assert_eq!(c.timeline, Some("out/run.json".into()));
        assert_eq!(Config::parse("all,timeline=").1.len(), 1);
    }

    #[test]
    fn mistakes_warn_and_keep_the_valid_part() {
        let (c, w) = Config::parse("all,lve");
        assert!(c.all);
        assert_eq!(
            w,
            ["`lve` is read as a fn or module name; did you mean `live`?"]
        );
        let (c, w) = Config::parse("1,all");
        assert_eq!(c.mode(), Mode::Timing);
        assert_eq!(w.len(), 1);
        assert!(
            w[0].starts_with("`1` ignored\n  it takes fn or module paths"),
            "{w:?}"
        );
        let (c, w) = Config::parse("render_report=debug");
        assert_eq!(c.filter, ["render_report"]);
        assert_eq!(
            w,
            ["`render_report=debug`: no levels here (`debug` ignored); tracing `render_report`"]
        );
        let (_, w) = Config::parse("jsn!");
        assert!(
            w[0].starts_with("`jsn!` ignored (did you mean `json`?)"),
            "{w:?}"
        );
        let (c, w) = Config::parse("al");
        assert_eq!(c.filter, ["al"]);
        assert_eq!(
            w,
            ["`al` is read as a fn or module name; did you mean `all`?"]
        );
    }

    #[test]
    fn filters_that_matched_nothing_are_named() {
        static FETCH: FnMeta = FnMeta::new("fetch", "app::net", "src/net.rs", 3, &[], true);
        let c = parse("fecth,app::net,other");
        assert_eq!(
            c.unmatched(&[&FETCH]),
            [
                "`fecth` matched no traced fn that ran; did you mean `fetch`?",
                "`other` matched no traced fn that ran"
            ]
        );
    }

    #[test]
    fn selects_by_name_module_and_tail() {
        static META: FnMeta = FnMeta::new("fetch", "app::net", "src/net.rs", 3, &[], true);
        let selects = |text: &str| parse(text).selects(&META);
        assert!(selects("fetch"));
        assert!(selects("net::fetch"));
        assert!(selects("app::net"));
        assert!(selects("app"));
        assert!(!selects("ap"));
        assert!(!selects("other"));
    }
}
