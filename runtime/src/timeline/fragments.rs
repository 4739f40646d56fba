//! Pre-escaped JSON fragments of one traced fn, built once per fn and reused for every poll and
//! suspension of it the Chrome trace writers write (the export and the process-wide stream):
//! the fn's names, file, state names and await points never change, so they are escaped once.

use rustc_hash::FxHashMap;

use crate::meta::FnMeta;
use crate::state::State;

/// The JSON string `s` without its quotes, escaped as serde_json escapes it.
fn escaped(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned());
    quoted[1..quoted.len() - 1].to_owned()
}

/// A state's name (`start`, `await#3.1`, ...), as the transcripts write it.
fn state_name(state: State, meta: &'static FnMeta) -> String {
    match state {
        State::Await(i) => match meta.awaits().get(usize::from(i)) {
            Some(p) => format!("await#{}", p.label()),
            None => format!("await#{i}"),
        },
        other => other.to_string(),
    }
}

/// The fragments of one fn; every `&[u8]` is JSON text ready to copy.
pub(crate) struct Frags {
    /// `{"name":"page#`: a poll slice's name up to its call number.
    pub(crate) poll_head: Box<[u8]>,
    /// `,"args":{"fn":"page","module":"app","call":`
    pub(crate) poll_args: Box<[u8]>,
    /// `,"file":"src/app.rs","line":`
    pub(crate) file_line: Box<[u8]>,
    /// `,"args":{"fn":"page","call":`
    pub(crate) wait_args: Box<[u8]>,
    /// `,"file":"src/app.rs"`
    pub(crate) file: Box<[u8]>,
    /// The escaped names of the states without an await point: start, hidden, returned,
    /// panicked, cancelled (in [`fixed`] order).
    fixed: [Box<[u8]>; 5],
    /// Per await point, in index order.
    points: Vec<PointFrags>,
    /// `38,"expr":null`: the fn's own line, for a poll neither at nor from an await point.
    pub(crate) no_point_tail: Box<[u8]>,
    /// The escaped display name (`Type::method` or the fn's name).
    pub(crate) display: Box<[u8]>,
    /// Per transition met so far, by its states: [`Pair`].
    pairs: FxHashMap<(State, State), Pair>,
}

/// The parts of a poll's slice fixed by its fn and its two states.
pub(crate) struct Pair {
    /// ` start -> await#0","cat":"poll","ph":"X","ts":`
    pub(crate) name_tail: Box<[u8]>,
    /// `,"args":{"fn":"page","module":"app","call":` (the fn's, kept here too: one look-up)
    pub(crate) args_head: Box<[u8]>,
    /// `,"from":"start","to":"await#0","file":"src/app.rs","line":19,"expr":"fetch()"`
    pub(crate) args_tail: Box<[u8]>,
}

/// The fragments of one await point.
struct PointFrags {
    /// `await#1`, escaped.
    state: Box<[u8]>,
    /// `19,"expr":"fetch(\"body\", 20)"`: a poll's line and expression.
    poll_tail: Box<[u8]>,
    /// `{"name":"waiting at await#1 fetch(\"body\", 20) :19","cat":"wait","ph":"X","ts":`
    wait_head: Box<[u8]>,
    /// `,"line":19,"expr":"fetch(\"body\", 20)"`
    wait_tail: Box<[u8]>,
}

/// Where a state without an await point sits in [`Frags::fixed`].
fn fixed(state: State) -> Option<usize> {
    Some(match state {
        State::Start => 0,
        State::Hidden => 1,
        State::Returned => 2,
        State::Panicked => 3,
        State::Cancelled => 4,
        State::Await(_) => return None,
    })
}

fn bytes(s: String) -> Box<[u8]> {
    s.into_bytes().into_boxed_slice()
}

impl Frags {
    fn new(meta: &'static FnMeta) -> Self {
        let display = escaped(&meta.display_name());
        let name = escaped(meta.name());
        let file = escaped(meta.file());
        let points = meta
            .awaits()
            .iter()
            .map(|p| {
                let expr = escaped(p.expr());
                let label = escaped(p.label());
                PointFrags {
                    state: bytes(format!("await#{label}")),
                    poll_tail: bytes(format!("{},\"expr\":\"{expr}\"", p.line())),
                    wait_head: bytes(format!(
                        "{{\"name\":\"waiting at await#{label} {expr} :{}\",\"cat\":\"wait\",\
                         \"ph\":\"X\",\"ts\":",
                        p.line()
                    )),
                    wait_tail: bytes(format!(",\"line\":{},\"expr\":\"{expr}\"", p.line())),
                }
            })
            .collect();
        let fixed = [
            State::Start,
            State::Hidden,
            State::Returned,
            State::Panicked,
            State::Cancelled,
        ]
        .map(|s| bytes(escaped(&state_name(s, meta))));
        Frags {
            poll_head: bytes(format!("{{\"name\":\"{display}#")),
            poll_args: bytes(format!(
                ",\"args\":{{\"fn\":\"{name}\",\"module\":\"{}\",\"call\":",
                escaped(meta.module_path())
            )),
            file_line: bytes(format!(",\"file\":\"{file}\",\"line\":")),
            wait_args: bytes(format!(",\"args\":{{\"fn\":\"{name}\",\"call\":")),
            file: bytes(format!(",\"file\":\"{file}\"")),
            fixed,
            points,
            no_point_tail: bytes(format!("{},\"expr\":null", meta.line())),
            display: bytes(display),
            pairs: FxHashMap::default(),
        }
    }

    /// The parts of a poll from `from` to `to`, built on first use.
    pub(crate) fn pair(&mut self, from: State, to: State) -> &Pair {
        if !self.pairs.contains_key(&(from, to)) {
            let mut name_tail = vec![b' '];
            self.state(&mut name_tail, from);
            name_tail.extend_from_slice(b" -> ");
            self.state(&mut name_tail, to);
            name_tail.extend_from_slice(b"\",\"cat\":\"poll\",\"ph\":\"X\",\"ts\":");
            let mut args_tail = b",\"from\":\"".to_vec();
            self.state(&mut args_tail, from);
            args_tail.extend_from_slice(b"\",\"to\":\"");
            self.state(&mut args_tail, to);
            args_tail.push(b'"');
            args_tail.extend_from_slice(&self.file_line);
            self.poll_tail(&mut args_tail, from, to);
            let pair = Pair {
                name_tail: name_tail.into_boxed_slice(),
                args_head: self.poll_args.clone(),
                args_tail: args_tail.into_boxed_slice(),
            };
            self.pairs.insert((from, to), pair);
        }
        &self.pairs[&(from, to)]
    }

    fn point(&self, state: State) -> Option<&PointFrags> {
        match state {
            State::Await(i) => self.points.get(usize::from(i)),
            _ => None,
        }
    }

    /// Appends the escaped name of `state` (no quotes).
    pub(crate) fn state(&self, buf: &mut Vec<u8>, state: State) {
        match (fixed(state), self.point(state)) {
            (Some(i), _) => buf.extend_from_slice(&self.fixed[i]),
            (None, Some(p)) => buf.extend_from_slice(&p.state),
            // An await point the fn's metadata does not list: named by its index.
            (None, None) => {
                if let State::Await(i) = state {
                    buf.extend_from_slice(b"await#");
                    buf.extend_from_slice(itoa::Buffer::new().format(i).as_bytes());
                }
            }
        }
    }

    /// Appends a poll's `line` value and its `expr` pair: the await point it suspended at, or
    /// else the one it resumed from, or else the fn's own line and `null`.
    pub(crate) fn poll_tail(&self, buf: &mut Vec<u8>, from: State, to: State) {
        match self.point(to).or_else(|| self.point(from)) {
            Some(p) => buf.extend_from_slice(&p.poll_tail),
            None => buf.extend_from_slice(&self.no_point_tail),
        }
    }

    /// Appends the start of a suspension's slice, up to its `ts` value; false when the state
    /// has no listed await point (the caller writes the name itself).
    pub(crate) fn wait_head(&self, buf: &mut Vec<u8>, state: State) -> bool {
        match self.point(state) {
            Some(p) => {
                buf.extend_from_slice(&p.wait_head);
                true
            }
            None => false,
        }
    }

    /// Appends a suspension's `line` and `expr` pairs (both `null` without an await point).
    pub(crate) fn wait_tail(&self, buf: &mut Vec<u8>, state: State) {
        match self.point(state) {
            Some(p) => buf.extend_from_slice(&p.wait_tail),
            None => buf.extend_from_slice(b",\"line\":null,\"expr\":null"),
        }
    }
}

/// The fragments of every fn met so far, built on first use.
#[derive(Default)]
pub(crate) struct FragCache {
    by_meta: FxHashMap<usize, Frags>,
}

impl FragCache {
    /// The fragments of `meta`.
    pub(crate) fn get(&mut self, meta: &'static FnMeta) -> &mut Frags {
        let key = std::ptr::from_ref(meta) as usize;
        self.by_meta.entry(key).or_insert_with(|| Frags::new(meta))
    }
}
