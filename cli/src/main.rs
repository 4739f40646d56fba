//! `traced-async`: turns a recording (the JSON lines of `TRACED_ASYNC_FORMAT=json`, a
//! `Runtime` with `Format::Json`, or the process-wide recorder's `json`) into a Chrome trace,
//! an SVG timeline, or the summary.
//!
//! ```text
//! traced-async timeline run.jsonl --chrome run.json --svg run.svg
//! traced-async summary run.jsonl
//! ```
//!
//! Exit status: 0 when every line was read; 1 when a line is not a transition (the lines
//! before it are still converted, and the message names it); 2 when the file is missing,
//! unreadable or empty, or the command line is wrong.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Arg, ArgMatches, Command, value_parser};
use traced_async_runtime::Replay;

fn command() -> Command {
    let input = || {
        Arg::new("recording")
            .help("JSON lines, one transition per line")
            .required(true)
            .value_parser(value_parser!(PathBuf))
    };
    Command::new("traced-async")
        .about("Draws and summarises recordings of #[traced_async] fns")
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(
            Command::new("timeline")
                .about("Writes the recording's timeline as a Chrome trace and/or an SVG")
                .arg(input())
                .arg(
                    Arg::new("chrome")
                        .long("chrome")
                        .value_name("FILE")
                        .help("Chrome Trace Event JSON (ui.perfetto.dev, chrome://tracing)")
                        .value_parser(value_parser!(PathBuf)),
                )
                .arg(
                    Arg::new("svg")
                        .long("svg")
                        .value_name("FILE")
                        .help("a self-contained SVG picture")
                        .value_parser(value_parser!(PathBuf)),
                ),
        )
        .subcommand(
            Command::new("summary")
                .about("Prints the per-fn summary of the recording")
                .arg(input()),
        )
}

/// A failure: the message, and the exit status.
struct Failure(String, u8);

fn read(path: &Path) -> Result<Replay, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure(format!("cannot read {}: {e}", path.display()), 2))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Failure(
            format!("{} is empty: there is nothing to convert", path.display()),
            2,
        ));
    }
    Ok(Replay::parse(&String::from_utf8_lossy(&bytes)))
}

fn write(path: &Path, text: &str, what: &str) -> Result<(), Failure> {
    std::fs::write(path, text).map_err(|e| {
        Failure(
            format!("cannot write the {what} to {}: {e}", path.display()),
            2,
        )
    })?;
    eprintln!("wrote the {what} to {}", path.display());
    Ok(())
}

fn run(matches: &ArgMatches) -> Result<Option<String>, Failure> {
    let (name, args) = matches
        .subcommand()
        .ok_or(Failure("no command".to_owned(), 2))?;
    let path = args
        .get_one::<PathBuf>("recording")
        .ok_or(Failure("no recording named".to_owned(), 2))?;
    let replay = read(path)?;
    let problem = replay.error().map(|e| {
        format!(
            "{}:{e}; converted the {} transitions before it",
            path.display(),
            replay.trace().transitions().len()
        )
    });
    if replay.trace().transitions().is_empty() && problem.is_none() {
        return Err(Failure(
            format!("{} holds no transition line", path.display()),
            2,
        ));
    }
    match name {
        "timeline" => {
            let chrome = args.get_one::<PathBuf>("chrome");
            let svg = args.get_one::<PathBuf>("svg");
            if chrome.is_none() && svg.is_none() {
                return Err(Failure(
                    "say where to write: --chrome FILE and/or --svg FILE".to_owned(),
                    2,
                ));
            }
            let timeline = replay.trace().timeline();
            if let Some(chrome) = chrome {
                write(chrome, &timeline.chrome_json(), "Chrome trace")?;
            }
            if let Some(svg) = svg {
                write(svg, &timeline.svg(), "SVG timeline")?;
            }
        }
        _ => print!("{}", replay.trace().summary()),
    }
    Ok(problem)
}

fn main() -> ExitCode {
    let matches = command().get_matches();
    match run(&matches) {
        Ok(None) => ExitCode::SUCCESS,
        Ok(Some(problem)) => {
            eprintln!("traced-async: {problem}");
            ExitCode::from(1)
        }
        Err(Failure(message, code)) => {
            eprintln!("traced-async: {message}");
            ExitCode::from(code)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_line_is_well_formed() {
        super::command().debug_assert();
    }
}
