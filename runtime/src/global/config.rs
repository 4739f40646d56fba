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
}

impl Default for Config {
    fn default() -> Self {
        Config {
            filter: Vec::new(),
            all: true,
            live: Format::Off,
            summary: true,
            timing: true,
        }
    }
}

impl Config {
    /// Parses directives such as `all`, `fetch,my_crate::db,live`, `all,json,no-summary`.
    ///
    /// Names are fns (`fetch`, `net::fetch`) or modules (`my_crate::net`); `all` selects every
    /// fn. Output words: `live` (pretty transitions on stderr), `json` (JSON transitions on
    /// stderr), `summary` / `no-summary` (summary when the guard drops; on by default),
    /// `no-timing` (count without measuring polls).
    pub(crate) fn parse(text: &str) -> Result<Config, String> {
        let mut config = Config {
            all: false,
            ..Config::default()
        };
        for word in text
            .split([',', ' '])
            .map(str::trim)
            .filter(|w| !w.is_empty())
        {
            match word {
                "all" | "*" => config.all = true,
                "live" | "pretty" => config.live = Format::Pretty,
                "json" => config.live = Format::Json,
                "summary" => config.summary = true,
                "no-summary" => config.summary = false,
                "timing" => config.timing = true,
                "no-timing" => config.timing = false,
                name if is_path(name) => config.filter.push(name.to_owned()),
                other => {
                    return Err(format!(
                        "`{other}` is neither a fn or module path nor one of all, live, json, \
                         summary, no-summary, no-timing"
                    ));
                }
            }
        }
        Ok(config)
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

    #[test]
    fn parses_names_and_outputs() {
        let c = Config::parse("my_crate::net, fetch ,json,no-summary").unwrap();
        assert_eq!(c.filter, ["my_crate::net", "fetch"]);
        assert!(!c.all);
        assert_eq!(c.live, Format::Json);
        assert!(!c.summary);
        assert_eq!(c.mode(), Mode::Timing);
        assert_eq!(Config::parse("all,no-timing").unwrap().mode(), Mode::Count);
        assert_eq!(Config::parse("live").unwrap().mode(), Mode::Off);
        assert!(Config::parse("fetch!").is_err());
    }

    #[test]
    fn selects_by_name_module_and_tail() {
        static META: FnMeta = FnMeta::new("fetch", "app::net", "src/net.rs", 3, &[], true);
        let selects = |text: &str| Config::parse(text).unwrap().selects(&META);
        assert!(selects("fetch"));
        assert!(selects("net::fetch"));
        assert!(selects("app::net"));
        assert!(selects("app"));
        assert!(!selects("ap"));
        assert!(!selects("other"));
    }
}
