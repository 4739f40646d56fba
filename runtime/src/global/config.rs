//! `TRACED_ASYNC`, the one variable that configures tracing, read in the manner of `RUST_LOG`:
//! what the process-wide recorder traces and prints, the format of the capture scopes
//! (`block_on`, `Runtime`, `Captured`) and where the output goes. Read once per process;
//! `TRACED_ASYNC_FORMAT`, the old spelling of the scopes' format, is still read, with a
//! warning.

use std::path::PathBuf;
use std::sync::OnceLock;

use crate::activity::Mode;
use crate::meta::FnMeta;
use crate::output::stream::{self, Stream};
use crate::output::{Format, json, pretty};

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
    /// The capture scopes' format, when a word named one (`pretty`/`live`, `json`, `off`).
    pub(crate) scopes: Option<Format>,
    /// The file of `out=PATH`, written instead of stderr.
    pub(crate) out: Option<PathBuf>,
    /// Where to stream the timeline (`timeline=path`), if anywhere.
    pub(crate) timeline: Option<PathBuf>,
    /// The slow-poll threshold in ns (`slow=2ms`), when set.
    pub(crate) slow: Option<u64>,
    /// How long a poll runs before the watchdog prints it, in ns (`watchdog=1s`), if any.
    pub(crate) watchdog: Option<u64>,
    /// Times one poll in this many (`sample=16`), when set.
    pub(crate) sample: Option<u32>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            filter: Vec::new(),
            all: true,
            live: Format::Off,
            summary: true,
            timing: true,
            scopes: None,
            out: None,
            timeline: None,
            slow: None,
            watchdog: None,
            sample: None,
        }
    }
}

/// The words `TRACED_ASYNC` takes besides fn and module paths, in the order a warning lists them.
const KEYWORDS: [&str; 12] = [
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
    "out=",
];

impl Config {
    /// Parses directives such as `all`, `fetch,my_crate::db,live`, `all,json,no-summary`,
    /// keeping what is valid and returning one warning per word that is not (a tracing
    /// configuration must never stop a service): each names the word, says what is accepted
    /// and suggests the nearest option.
    ///
    /// Names are fns (`fetch`, `net::fetch`) or modules (`my_crate::net`); `all` selects every
    /// fn, `off` none (and the capture scopes print nothing). Output words: `live` or `pretty`
    /// (pretty transitions), `json` (JSON lines, the summary included), `out=PATH` (to that
    /// file instead of stderr), `summary` / `no-summary` (summary when the guard drops; on by
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
                && key.eq_ignore_ascii_case("out")
            {
                if path.is_empty() {
                    warnings.push("`out=` names no file; writing to stderr".to_owned());
                } else {
                    config.out = Some(PathBuf::from(path));
                }
                continue;
            }
            if let Some((key, path)) = word.split_once('=')
                && key.eq_ignore_ascii_case("timeline")
            {
                match path {
                    "" => warnings.push("`timeline=` needs a file: `timeline=run.json`".to_owned()),
                    path => config.timeline = Some(path.into()),
                }
                continue;
            }
            if let Some((key, value)) = word.split_once('=')
                && (key.eq_ignore_ascii_case("slow") || key.eq_ignore_ascii_case("watchdog"))
            {
                match (parse_duration(value), key.eq_ignore_ascii_case("slow")) {
                    (Some(nanos), true) => config.slow = Some(nanos),
                    (Some(nanos), false) => config.watchdog = Some(nanos),
                    (None, _) => warnings.push(format!(
                        "`{word}`: `{value}` is not a duration; write it like `{}=2ms` \
                         (ns, us, ms, s)",
                        key.to_ascii_lowercase()
                    )),
                }
                continue;
            }
            if let Some((key, value)) = word.split_once('=')
                && key.eq_ignore_ascii_case("sample")
            {
                match value.parse::<u32>() {
                    Ok(n) if n >= 1 => config.sample = Some(n),
                    _ => warnings.push(format!(
                        "`{word}`: `{value}` is not a number of polls; write it like \
                         `sample=16` (one poll in 16 timed)"
                    )),
                }
                continue;
            }
            match word.to_ascii_lowercase().as_str() {
                "all" | "*" => config.all = true,
                "off" | "none" => {
                    config.all = false;
                    config.filter.clear();
                    config.live = Format::Off;
                    config.scopes = Some(Format::Off);
                }
                "live" | "pretty" => {
                    config.live = Format::Pretty;
                    config.scopes = Some(Format::Pretty);
                }
                "json" => {
                    config.live = Format::Json;
                    config.scopes = Some(Format::Json);
                }
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
            "`{word}` ignored{hint}\n  it takes fn or module paths and all, off, live, pretty, \
             json,\n  out=PATH, summary, no-summary, no-timing"
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

/// `TRACED_ASYNC` (and the deprecated `TRACED_ASYNC_FORMAT`) as read once for the whole
/// process. The first call warns about what it cannot use, once, and sends the output to the
/// file of `out=PATH` (or warns and keeps stderr when it cannot be written).
pub(crate) fn from_env() -> &'static Config {
    static ENV: OnceLock<Config> = OnceLock::new();
    ENV.get_or_init(|| {
        let text = std::env::var("TRACED_ASYNC").unwrap_or_default();
        let (mut config, mut warnings) = Config::parse(&text);
        if let Ok(old) = std::env::var("TRACED_ASYNC_FORMAT")
            && !old.trim().is_empty()
        {
            let format = match old.trim().to_ascii_lowercase().as_str() {
                "pretty" => Some(Format::Pretty),
                "json" => Some(Format::Json),
                "off" | "none" => Some(Format::Off),
                _ => None,
            };
            warnings.push(match format {
                Some(_) if config.scopes.is_some() => {
                    "TRACED_ASYNC_FORMAT is deprecated and ignored beside TRACED_ASYNC's \
                     format; unset it"
                        .to_owned()
                }
                Some(_) => format!(
                    "TRACED_ASYNC_FORMAT is deprecated: use TRACED_ASYNC={}",
                    old.trim().to_ascii_lowercase()
                ),
                None => format!(
                    "TRACED_ASYNC_FORMAT is deprecated, and `{old}` is not a format; use \
                     TRACED_ASYNC=pretty, json or off"
                ),
            });
            config.scopes = config.scopes.or(format);
        }
        if let Some(path) = &config.out {
            match std::fs::File::create(path) {
                Ok(file) => stream::send_to(file),
                Err(e) => warnings.push(format!(
                    "`out={}`: cannot write there ({e}); writing to stderr",
                    path.display()
                )),
            }
        }
        for warning in &warnings {
            warn(&config, warning);
        }
        config
    })
}

/// One warning on stderr, best effort: a JSON line when JSON goes to stderr, so that the
/// stream stays JSON; a line of text otherwise.
pub(crate) fn warn(config: &Config, text: &str) {
    let mut stream = Stream::new();
    let json_on_stderr = matches!(stream, Stream::Stderr(_))
        && (config.live == Format::Json || config.scopes == Some(Format::Json));
    if !json_on_stderr {
        stream = Stream::stderr();
    }
    stream.write(&if json_on_stderr {
        format!("{}\n", json::warning(&format!("TRACED_ASYNC: {text}")))
    } else {
        // Coloured on a terminal only: the stream drops the codes otherwise.
        let style = pretty::WARNING;
        format!("{style}warning{style:#}: TRACED_ASYNC: {text}\n")
    });
}

impl Format {
    /// The capture scopes' format (`block_on`, `Runtime`, `Captured::with`), from
    /// `TRACED_ASYNC`: `pretty` or `live`, `json`, or `off`; `pretty` when it names none. The
    /// old `TRACED_ASYNC_FORMAT=pretty|json|off` is still read when `TRACED_ASYNC` names no
    /// format, with a warning that it is deprecated.
    ///
    /// # Errors
    /// Returns the value of `TRACED_ASYNC_FORMAT` when it is not a format (it was warned
    /// about); the format is then `TRACED_ASYNC`'s, or `pretty`.
    pub fn from_env() -> Result<Format, String> {
        let format = from_env().scopes;
        match (format, std::env::var("TRACED_ASYNC_FORMAT")) {
            (None, Ok(old)) if !old.trim().is_empty() => Err(old),
            _ => Ok(format.unwrap_or(Format::Pretty)),
        }
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

/// A duration such as `2ms`, `1s`, `1.5s`, `500us` (or `µs`), `100ns`, in ns; `None` when it is
/// not one or is zero.
fn parse_duration(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (number, unit) = text.split_at(split);
    let scale = match unit.to_ascii_lowercase().as_str() {
        "ns" => 1.0,
        "us" | "µs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        _ => return None,
    };
    let value: f64 = number.parse().ok()?;
    // A duration is read once, at start-up: the rounding of f64 is far below a nanosecond here.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let nanos = (value * scale).round() as u64;
    (nanos > 0).then_some(nanos)
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
    fn one_grammar_for_the_recorder_and_the_scopes() {
        assert_eq!(parse("fetch").scopes, None);
        assert_eq!(parse("json").scopes, Some(Format::Json));
        assert_eq!(parse("live").scopes, Some(Format::Pretty));
        let off = parse("all,json,off");
        assert_eq!(
            (off.scopes, off.live, off.mode()),
            (Some(Format::Off), Format::Off, Mode::Off)
        );
        // `off` is a keyword, never a fn name.
        assert!(off.filter.is_empty());
        let c = parse("all,json,OUT=logs/trace.jsonl");
        assert_eq!(
            c.out.as_deref(),
            Some(std::path::Path::new("logs/trace.jsonl"))
        );
        assert_eq!(c.live, Format::Json);
        let (c, w) = Config::parse("all,out=");
        assert_eq!((c.out, w.len()), (None, 1));
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
    fn slow_and_watchdog_take_durations() {
        let c = parse("all,slow=2ms,WATCHDOG=1.5s");
        assert_eq!((c.slow, c.watchdog), (Some(2_000_000), Some(1_500_000_000)));
        assert_eq!(parse("all,slow=250us").slow, Some(250_000));
        assert_eq!(parse("all,slow=40ns").slow, Some(40));
        assert_eq!(parse("all,sample=16").sample, Some(16));
        for bad in ["sample=0", "sample=x", "sample=-2"] {
            let (c, w) = Config::parse(&format!("all,{bad}"));
            assert!(c.all && c.sample.is_none() && w.len() == 1, "{bad}: {w:?}");
        }
        for bad in ["slow=2", "slow=fast", "watchdog=0s", "watchdog=1h", "slow="] {
            let (c, w) = Config::parse(&format!("all,{bad}"));
            assert!(c.all && c.slow.is_none() && c.watchdog.is_none(), "{bad}");
            assert_eq!(w.len(), 1, "{bad}: {w:?}");
            assert!(w[0].contains("is not a duration"), "{w:?}");
        }
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
