//! The runtime's module layout stays layered: every file of `src/` belongs to one layer of
//! [`LAYERS`] (the diagram in ARCHITECTURE.md), imports only from its own layer or those below
//! it, and no files below the executor import each other in a cycle.
//!
//! Imports are read from the source text: `use crate::...` (grouped or not, over several
//! lines), `use super::...`, and `crate::a::b` paths written inline in code. Comments are left
//! out, so doc links do not count.

use std::collections::BTreeMap;
use std::path::Path;

/// The layers, bottom first: `(name, files)`, a file named by its path under `src/` or a
/// folder by a path ending in `/`.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "metadata, clock, activity switch",
        &["meta.rs", "clock.rs", "activity.rs"],
    ),
    ("states", &["state.rs"]),
    ("poll context", &["marks.rs", "context.rs", "in_poll.rs"]),
    (
        "events, invocations, stats",
        &[
            "event.rs",
            "transition.rs",
            "invocations.rs",
            "stats.rs",
            "fields.rs",
            "histogram.rs",
        ],
    ),
    ("output formats", &["output/"]),
    ("timeline", &["timeline/"]),
    ("trace", &["trace.rs", "replay.rs"]),
    ("sinks", &["sink.rs", "collector.rs", "global/"]),
    ("routing", &["record.rs"]),
    ("tracing bridge", &["bridge.rs"]),
    (
        "poll path",
        &[
            "traced.rs",
            "await_point.rs",
            "one_poll.rs",
            "start_fields.rs",
        ],
    ),
    ("capture scopes", &["captured.rs", "block_on.rs"]),
    ("executor and diagnostics", &["executor/", "diagnostics/"]),
    ("crate root", &["lib.rs"]),
];

/// The layer whose files may import each other in cycles (one subsystem, read as a whole).
const CYCLES_ALLOWED: &[&str] = &["executor and diagnostics", "crate root"];

/// The layer of a file (path under `src/`, `/`-separated), by its longest matching entry.
fn layer_of(layers: &[(&str, &[&str])], file: &str) -> Option<usize> {
    layers
        .iter()
        .enumerate()
        .flat_map(|(i, (_, entries))| entries.iter().map(move |e| (i, *e)))
        .filter(|(_, e)| {
            if e.ends_with('/') {
                file.starts_with(e)
            } else {
                file == *e
            }
        })
        .max_by_key(|(_, e)| e.len())
        .map(|(i, _)| i)
}

/// The source without comments (line comments, doc comments and block comments) and without
/// the contents of string literals, so that only code is scanned.
fn code_only(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '"' => {
                out.push('"');
                let mut escaped = false;
                for c in chars.by_ref() {
                    if !escaped && c == '"' {
                        break;
                    }
                    escaped = !escaped && c == '\\';
                }
                out.push('"');
            }
            // A char literal holding a quote or a slash: skip it whole.
            '\'' if matches!(chars.clone().nth(1), Some('\'')) => {
                let quoted = chars.next();
                chars.next();
                out.push_str(if quoted == Some('"') { "'q'" } else { "'c'" });
            }
            c => out.push(c),
        }
    }
    out
}

/// The module path (segments below the crate root) of a file: `output/mod.rs` → `[output]`.
fn module_of(file: &str) -> Vec<String> {
    let mut parts: Vec<String> = file
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_owned)
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// Expands the tree of a `use` item after its root (`a::{b, c::{d, self}}`) into full paths.
fn expand_tree(prefix: &[String], tree: &str, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let mut base = prefix.to_vec();
        base.extend(head);
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand_tree(&base, &inner[start..i], out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand_tree(&base, &inner[start..], out);
    } else if !tree.is_empty() {
        let mut path = prefix.to_vec();
        let tree = tree.split(" as ").next().unwrap_or(tree);
        path.extend(
            tree.split("::")
                .map(str::trim)
                .filter(|s| !s.is_empty() && *s != "self" && *s != "*")
                .map(str::to_owned),
        );
        out.push(path);
    }
}

/// Every crate path a file's code names: through `use crate::`/`use super::` items and inline
/// `crate::` paths. Paths are full module paths from the crate root.
fn imports(file: &str, source: &str) -> Vec<Vec<String>> {
    let code = code_only(source);
    let module = module_of(file);
    let mut paths = Vec::new();
    let mut use_items = Vec::new();
    // `use` items, which may span lines and group paths.
    let mut rest = code.as_str();
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().next_back();
        let item = &rest[at + 4..];
        rest = item;
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let Some(end) = item.find(';') else { break };
        let begin = code.len() - item.len();
        use_items.push(begin..begin + end);
        let tree = item[..end].trim();
        let (root, tree) = if let Some(t) = tree.strip_prefix("crate::") {
            (Vec::new(), t)
        } else if tree.starts_with("super::") {
            // Inside an inline module (`mod tests { use super::*; }`), the first `super` is the
            // file's own module; at the top of the file it is the parent.
            let depth = code[..code.len() - item.len()].matches('{').count()
                - code[..code.len() - item.len()].matches('}').count();
            let mut root = module.clone();
            let mut t = tree;
            let mut first = true;
            while let Some(next) = t.strip_prefix("super::") {
                if !(first && depth > 0) {
                    root.pop();
                }
                first = false;
                t = next;
            }
            (root, t)
        } else {
            continue;
        };
        expand_tree(&root, tree, &mut paths);
    }
    // Inline `crate::a::b` paths outside `use` items (which the loop above already read).
    for (at, _) in code.match_indices("crate::") {
        if use_items.iter().any(|r| r.contains(&at)) {
            continue;
        }
        if code[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
        {
            continue;
        }
        let path: Vec<String> = code[at + 7..]
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .next()
            .unwrap_or_default()
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        paths.push(path);
    }
    paths.retain(|p| !p.is_empty());
    paths
}

/// The file a module path lands in: the longest prefix of `path` that is a file of `files`.
fn file_of(files: &[String], path: &[String]) -> Option<String> {
    (0..=path.len()).rev().find_map(|n| {
        let module = path[..n].join("/");
        let candidates = if n == 0 {
            vec!["lib.rs".to_owned()]
        } else {
            vec![format!("{module}.rs"), format!("{module}/mod.rs")]
        };
        candidates.into_iter().find(|c| files.contains(c))
    })
}

/// Checks `sources` (path under `src/` → text) against `layers`: one message per file outside
/// every layer, per import from a layer above the importer's, and per import cycle among files
/// of layers that do not allow cycles.
fn check(layers: &[(&str, &[&str])], sources: &BTreeMap<String, String>) -> Vec<String> {
    let files: Vec<String> = sources.keys().cloned().collect();
    let mut problems = Vec::new();
    let mut edges: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (file, source) in sources {
        let Some(own) = layer_of(layers, file) else {
            problems.push(format!(
                "{file} is in no layer: add it to LAYERS and ARCHITECTURE.md"
            ));
            continue;
        };
        for path in imports(file, source) {
            let Some(target) = file_of(&files, &path) else {
                continue;
            };
            if &target == file {
                continue;
            }
            // A module's own children (`output/mod.rs` naming `output::pretty`) are below it
            // by nesting; the layer rule still applies to them.
            let Some(theirs) = layer_of(layers, &target) else {
                continue;
            };
            if theirs > own {
                problems.push(format!(
                    "{file} (layer `{}`) imports crate::{} from {target} (layer `{}`, above it)",
                    layers[own].0,
                    path.join("::"),
                    layers[theirs].0
                ));
            }
            if !CYCLES_ALLOWED.contains(&layers[own].0) {
                edges.entry(file).or_default().push(target);
            }
        }
    }
    // A cycle: a file reachable from itself through imports.
    for start in edges.keys() {
        let mut stack: Vec<(String, Vec<String>)> =
            vec![(start.to_string(), vec![start.to_string()])];
        let mut seen = std::collections::BTreeSet::new();
        while let Some((file, trail)) = stack.pop() {
            for next in edges.get(file.as_str()).into_iter().flatten() {
                if next == start {
                    let mut cycle = trail.clone();
                    cycle.push(next.clone());
                    problems.push(format!("import cycle: {}", cycle.join(" → ")));
                    stack.clear();
                    break;
                }
                if seen.insert(next.clone()) {
                    let mut longer = trail.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    problems
}

fn read_sources(dir: &Path, under: &str, out: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src/ is readable")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.path());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            read_sources(&path, &format!("{under}{name}/"), out);
        } else if name.ends_with(".rs") {
            let text = std::fs::read_to_string(&path).expect("a source file is readable");
            out.insert(format!("{under}{name}"), text);
        }
    }
}

#[test]
fn every_file_imports_only_from_its_layer_or_below() {
    let mut sources = BTreeMap::new();
    read_sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        "",
        &mut sources,
    );
    assert!(sources.len() > 20, "read the runtime's sources");
    let problems = check(LAYERS, &sources);
    assert!(
        problems.is_empty(),
        "the layout is broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_checker_reads_every_form_of_import() {
    let file = "output/pretty.rs";
    let source = r#"
        //! Links to [`Trace`](crate::trace::Trace) in docs do not count.
        use crate::{meta::FnMeta, state::{self, State}};
        pub(crate) use crate::output::place::Place as P;
        use super::units::human_nanos;
        fn f() { let s = "crate::not::code"; crate::clock::now(); }
    "#;
    let mut found = imports(file, source);
    found.sort();
    let expected: Vec<Vec<String>> = [
        &["clock", "now"][..],
        &["meta", "FnMeta"],
        &["output", "place", "Place"],
        &["output", "units", "human_nanos"],
        &["state"],
        &["state", "State"],
    ]
    .iter()
    .map(|p| p.iter().map(|s| (*s).to_owned()).collect())
    .collect();
    assert_eq!(found, expected);
}

#[test]
fn the_checker_names_an_upward_import_and_a_cycle() {
    const TOY: &[(&str, &[&str])] = &[("low", &["low.rs", "also_low.rs"]), ("high", &["high.rs"])];
    let sources: BTreeMap<String, String> = [
        ("lib.rs", "mod low; mod also_low; mod high;"),
        ("low.rs", "use crate::{high::Thing, also_low::X};"),
        ("also_low.rs", "fn f() { crate::low::g(); }"),
        ("high.rs", "use crate::low::g;"),
    ]
    .into_iter()
    .map(|(f, s)| (f.to_owned(), s.to_owned()))
    .collect();
    let problems = check(TOY, &sources);
    let upward = "low.rs (layer `low`) imports crate::high::Thing \
                  from high.rs (layer `high`, above it)";
    assert!(problems.iter().any(|p| p == upward), "{problems:?}");
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("import cycle: ") && p.contains("low.rs → also_low.rs")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p == "lib.rs is in no layer: add it to LAYERS and ARCHITECTURE.md"),
        "{problems:?}"
    );
    // The same files, fixed, pass.
    let mut fixed = sources.clone();
    fixed.insert("low.rs".to_owned(), "use crate::also_low::X;".to_owned());
    fixed.insert("also_low.rs".to_owned(), "fn f() {}".to_owned());
    fixed.remove("lib.rs");
    assert_eq!(check(TOY, &fixed), Vec::<String>::new());
}
