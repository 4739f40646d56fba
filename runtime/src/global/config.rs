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
    /// Print the summary on SIGINT and SIGTERM too (`signals`, the default; `no-signals`).
    pub(crate) signals: bool,
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
            signals: true,
            slow: None,
            watchdog: None,
            sample: None,
        }
    }
}

/// The words `TRACED_ASYNC` takes besides fn and module paths, in the order a warning lists
/// them; each is one arm of [`Config::apply_word`].
const WORDS: [&str; 13] = [
    "all",
    "*",
    "off",
    "none",
    "live",
    "pretty",
    "json",
    "summary",
    "no-summary",
    "timing",
    "no-timing",
    "signals",
    "no-signals",
];

/// The keys that take a value, `key=value`, with what the value is (for the warning's list);
/// each is one arm of [`Config::apply_key`].
const KEYS: [(&str, &str); 5] = [
    ("out", "PATH"),
    ("timeline", "PATH"),
    ("slow", "2ms"),
    ("watchdog", "1s"),
    ("sample", "16"),
];

/// `RUST_LOG`'s levels: `TRACED_ASYNC` has none, but a user used to `RUST_LOG` types them.
const LEVELS: [&str; 5] = ["trace", "debug", "info", "warn", "error"];

/// Words a user may type to mean "everything".
const MEANS_ALL: [&str; 4] = ["1", "true", "yes", "on"];

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
    /// default), `no-timing` (count without measuring polls), `no-signals` (no summary on
    /// SIGINT and SIGTERM), `slow=2ms` (the slow-poll threshold), `watchdog=1s` (print polls
    /// stuck that long), `sample=16` (time one poll in 16). Options are matched without regard
    /// to case; words are separated by commas, spaces or semicolons.
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
            let lower = word.to_ascii_lowercase();
            let problem = if let Some((key, value)) = word.split_once('=') {
                config.apply_key(word, &key.to_ascii_lowercase(), value)
            } else if config.apply_word(&lower) {
                None
            } else {
                config.parse_name(word)
            };
            warnings.extend(problem);
        }
        (config, warnings)
    }

    /// Applies one option word (lower case); `false` when `word` is none.
    fn apply_word(&mut self, word: &str) -> bool {
        match word {
            "all" | "*" => self.all = true,
            "off" | "none" => {
                self.all = false;
                self.filter.clear();
                self.live = Format::Off;
                self.scopes = Some(Format::Off);
            }
            "live" | "pretty" => {
                self.live = Format::Pretty;
                self.scopes = Some(Format::Pretty);
            }
            "json" => {
                self.live = Format::Json;
                self.scopes = Some(Format::Json);
            }
            "summary" => self.summary = true,
            "no-summary" => self.summary = false,
            "timing" => self.timing = true,
            "no-timing" => self.timing = false,
            "signals" => self.signals = true,
            "no-signals" => self.signals = false,
            _ => return false,
        }
        true
    }

    /// Applies `word`, `key=value` (`key` in lower case): an option with a value, a name with
    /// a `RUST_LOG` level (the name kept, the level dropped) or a mistake. Returns the
    /// warning, if any.
    fn apply_key(&mut self, word: &str, key: &str, value: &str) -> Option<String> {
        match key {
            "out" if value.is_empty() => Some("`out=` names no file; writing to stderr".to_owned()),
            "out" => {
                self.out = Some(PathBuf::from(value));
                None
            }
            "timeline" if value.is_empty() => {
                Some("`timeline=` needs a file: `timeline=run.json`".to_owned())
            }
            "timeline" => {
                self.timeline = Some(value.into());
                None
            }
            "slow" | "watchdog" => match parse_duration(value) {
                Some(nanos) if key == "slow" => {
                    self.slow = Some(nanos);
                    None
                }
                Some(nanos) => {
                    self.watchdog = Some(nanos);
                    None
                }
                None => Some(format!(
                    "`{word}`: `{value}` is not a duration; write it like `{key}=2ms` \
                     (ns, us, ms, s)"
                )),
            },
            "sample" => match value.parse::<u32>() {
                Ok(n) if n >= 1 => {
                    self.sample = Some(n);
                    None
                }
                _ => Some(format!(
                    "`{word}`: `{value}` is not a number of polls; write it like `sample=16` \
                     (one poll in 16 timed)"
                )),
            },
            // `all=debug`, `fetch=info`: `RUST_LOG`'s habit; the level means nothing here,
            // the option (applied by the guard) or the name is kept.
            _ if LEVELS.contains(&value.to_ascii_lowercase().as_str())
                && (self.apply_word(key) || is_path(key)) =>
            {
                let name = &word[..key.len()];
                if !WORDS.contains(&key) {
                    self.filter.push(name.to_owned());
                }
                let kept = if WORDS.contains(&key) {
                    "kept"
                } else {
                    "tracing"
                };
                Some(format!(
                    "`{word}`: no levels here (`{value}` ignored); {kept} `{name}`"
                ))
            }
            _ => {
                let keys = KEYS.iter().map(|(key, _)| *key);
                let hint = nearest(key, keys, 2)
                    .map(|key| format!(" (did you mean `{key}=`?)"))
                    .unwrap_or_default();
                Some(format!("`{word}` ignored{hint}\n  {}", accepted()))
            }
        }
    }

    /// A word that is not an option: a fn or module path to trace, or a mistake (ignored).
    fn parse_name(&mut self, word: &str) -> Option<String> {
        let lower = word.to_ascii_lowercase();
        if is_path(word) {
            self.filter.push(word.to_owned());
            // A path is a valid fn name, but one a letter away from an option is likelier a
            // typo (`lve`, `al`): say so now, since the trace would only show it at the end.
            if MEANS_ALL.contains(&lower.as_str()) || LEVELS.contains(&lower.as_str()) {
                return Some(format!(
                    "`{word}` is read as a fn or module name; to trace every fn, write `all`"
                ));
            }
            return nearest(word, WORDS.iter().copied(), 1).map(|option| {
                format!("`{word}` is read as a fn or module name; did you mean `{option}`?")
            });
        }
        let dashes = word.replace('-', "_");
        let hint = if MEANS_ALL.contains(&lower.as_str()) {
            Some("all".to_owned())
        } else if is_path(&dashes) {
            // A crate's name as Cargo.toml spells it: its module path has underscores.
            Some(dashes)
        } else {
            nearest(word, WORDS.iter().copied(), 2).map(str::to_owned)
        };
        let hint = hint
            .map(|option| format!(" (did you mean `{option}`?)"))
            .unwrap_or_default();
        Some(format!("`{word}` ignored{hint}\n  {}", accepted()))
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

/// What `TRACED_ASYNC` accepts, for a warning: every word and key, from the tables the parser
/// matches.
fn accepted() -> String {
    let words = WORDS.iter().copied();
    let keys = KEYS.iter().map(|(key, value)| format!("{key}={value}"));
    let all: Vec<String> = words.map(str::to_owned).chain(keys).collect();
    let text = format!("it takes fn or module paths and {}", all.join(", "));
    // Continued lines are indented as the first, which the warning indents by two.
    crate::output::width::wrap(&text, 78)
}

/// The candidate closest to `word` within `max` edits (ignoring case), if any but `word`.
fn nearest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
    max: usize,
) -> Option<&'a str> {
    let original = word;
    let word = word.to_ascii_lowercase();
    candidates
        .filter(|c| c.len() > 1 && *c != original)
        .map(|c| (strsim::levenshtein(&word, &c.to_ascii_lowercase()), c))
        .filter(|&(distance, _)| distance <= max)
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
        let accepted = "\n  it takes fn or module paths and all, *, off, none, live, pretty, json,\n  \
                        summary, no-summary, timing, no-timing, signals, no-signals, out=PATH,\n  \
                        timeline=PATH, slow=2ms, watchdog=1s, sample=16";
        let (c, w) = Config::parse("all,lve");
        assert!(c.all);
        assert_eq!(
            w,
            ["`lve` is read as a fn or module name; did you mean `live`?"]
        );
        let (c, w) = Config::parse("1,all");
        assert_eq!(c.mode(), Mode::Timing);
        assert_eq!(w, [format!("`1` ignored (did you mean `all`?){accepted}")]);
        let (c, w) = Config::parse("render_report=debug");
        assert_eq!(c.filter, ["render_report"]);
        assert_eq!(
            w,
            ["`render_report=debug`: no levels here (`debug` ignored); tracing `render_report`"]
        );
        let (c, w) = Config::parse("ALL=info,live");
        assert_eq!((c.all, c.live), (true, Format::Pretty));
        assert_eq!(
            w,
            ["`ALL=info`: no levels here (`info` ignored); kept `ALL`"]
        );
        let (_, w) = Config::parse("jsn!");
        assert_eq!(
            w,
            [format!("`jsn!` ignored (did you mean `json`?){accepted}")]
        );
        let (c, w) = Config::parse("al");
        assert_eq!(c.filter, ["al"]);
        assert_eq!(
            w,
            ["`al` is read as a fn or module name; did you mean `all`?"]
        );
        // A key a letter off, or a value that is no level: ignored, the nearest key named.
        let (c, w) = Config::parse("all,tmeline=run.json");
        assert_eq!((c.all, c.timeline, c.filter.len()), (true, None, 0));
        assert_eq!(
            w,
            [format!(
                "`tmeline=run.json` ignored (did you mean `timeline=`?){accepted}"
            )]
        );
        let (c, w) = Config::parse("fetch=fast");
        assert!(c.filter.is_empty());
        assert_eq!(w, [format!("`fetch=fast` ignored{accepted}")]);
        // A crate's name as Cargo.toml spells it; a level or a yes for everything.
        let (c, w) = Config::parse("my-app::net");
        assert!(c.filter.is_empty());
        assert_eq!(
            w,
            [format!(
                "`my-app::net` ignored (did you mean `my_app::net`?){accepted}"
            )]
        );
        for word in ["debug", "true", "on"] {
            let (c, w) = Config::parse(word);
            assert_eq!(c.filter, [word]);
            assert_eq!(
                w,
                [format!(
                    "`{word}` is read as a fn or module name; to trace every fn, write `all`"
                )]
            );
        }
        let c = parse("all,no-signals");
        assert!(!c.signals);
        assert!(parse("all").signals);
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
