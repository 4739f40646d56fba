//! Static descriptions of traced functions and their await points.
//!
//! The attribute writes one `static FnMeta` per traced fn, so everything known at compile time
//! (names, source locations, the awaited expressions' text) costs nothing per call.

use std::borrow::Cow;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, AtomicU32, Ordering};

/// What `#[traced_async]` knows at compile time about one traced `async fn`.
#[derive(Debug)]
pub struct FnMeta {
    name: &'static str,
    module_path: &'static str,
    file: &'static str,
    line: u32,
    awaits: &'static [AwaitMeta],
    timing: bool,
    /// Slot in the process-wide recorder's counter tables, from 1; 0 until first recorded.
    pub(crate) slot: AtomicU32,
    /// Whether the process-wide recorder's filter selects this fn (see [`Selected`]).
    pub(crate) selected: AtomicU8,
    /// Largest size in bytes of this fn's traced body future seen so far; 0 before.
    future_size: AtomicU32,
    /// For a method, `type_name` of the `Self` it was first recorded on.
    owner: OnceLock<&'static str>,
}

/// Values of [`FnMeta::selected`].
pub(crate) struct Selected;

impl Selected {
    pub(crate) const UNKNOWN: u8 = 0;
    pub(crate) const YES: u8 = 1;
    pub(crate) const NO: u8 = 2;
}

impl FnMeta {
    #[doc(hidden)]
    /// Built by the expansion of `#[traced_async]`; not meant to be called by hand.
    pub const fn new(
        name: &'static str,
        module_path: &'static str,
        file: &'static str,
        line: u32,
        awaits: &'static [AwaitMeta],
        timing: bool,
    ) -> Self {
        Self {
            name,
            module_path,
            file,
            line,
            awaits,
            timing,
            slot: AtomicU32::new(0),
            selected: AtomicU8::new(Selected::UNKNOWN),
            future_size: AtomicU32::new(0),
            owner: OnceLock::new(),
        }
    }

    /// For a method (a fn with a `self` receiver), the type it is a method of, as recorded at
    /// its first recorded call: `Counter` for `app::Counter`, generic arguments left out.
    pub fn owner(&self) -> Option<&'static str> {
        self.owner.get().map(|full| short_type_name(full))
    }

    /// The name shown in output: `Type::method` for a method, else the fn's name.
    pub fn display_name(&self) -> Cow<'static, str> {
        match self.owner() {
            Some(owner) => Cow::Owned(format!("{owner}::{}", self.name)),
            None => Cow::Borrowed(self.name),
        }
    }

    /// Notes the type of a method read back from a recording (see `replay`).
    pub(crate) fn note_owner_name(&self, owner: &'static str) {
        let _ = self.owner.set(owner);
    }

    /// Notes `Self` of a method; the first recorded call wins.
    pub(crate) fn note_owner(&self, type_name: fn() -> &'static str) {
        if self.owner.get().is_none() {
            let _ = self.owner.set(type_name());
        }
    }

    /// Size in bytes of the fn's traced body future (its state machine, which holds every
    /// local kept across an await), as recorded at a first poll; the largest over generic
    /// instantiations. `None` until an invocation was recorded. The fn's own future adds a
    /// few bytes and a copy of its arguments.
    pub fn future_size(&self) -> Option<usize> {
        match self.future_size.load(Ordering::Relaxed) {
            0 => None,
            size => Some(size as usize),
        }
    }

    #[inline]
    pub(crate) fn note_future_size(&self, size: usize) {
        let size = u32::try_from(size).unwrap_or(u32::MAX);
        if size > self.future_size.load(Ordering::Relaxed) {
            self.future_size.fetch_max(size, Ordering::Relaxed);
        }
    }

    /// Whether the process-wide recorder records this fn, asking `decide` the first time.
    #[inline(always)]
    pub(crate) fn is_selected(&'static self, decide: impl FnOnce(&'static FnMeta) -> bool) -> bool {
        match self.selected.load(Ordering::Relaxed) {
            Selected::YES => true,
            Selected::NO => false,
            _ => {
                let yes = decide(self);
                let value = if yes { Selected::YES } else { Selected::NO };
                self.selected.store(value, Ordering::Relaxed);
                yes
            }
        }
    }

    /// The function's display name: its identifier, or the `name = "..."` argument.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The module the function is declared in, as `module_path!()` gives it.
    pub fn module_path(&self) -> &'static str {
        self.module_path
    }

    /// The source file of the function, as `file!()` gives it.
    pub fn file(&self) -> &'static str {
        self.file
    }

    /// The line of the function's name in [`file`](Self::file).
    pub fn line(&self) -> u32 {
        self.line
    }

    /// The function's await points, in source order: `awaits()[i].index() == i`.
    pub fn awaits(&self) -> &'static [AwaitMeta] {
        self.awaits
    }

    /// Whether the attribute allows timing this function's polls (`timing = false` turns it off).
    pub fn timing(&self) -> bool {
        self.timing
    }

    /// `true` when `query` names this function: its bare name, or a `::`-separated tail of its
    /// full path (`crate::module::name`), such as `module::name`.
    ///
    /// A method also answers to `Type::method` and to a tail of its type's path followed by its
    /// name (`app::Counter::get`).
    pub fn matches(&self, query: &str) -> bool {
        if query == self.name {
            return true;
        }
        if let Some(full) = self.owner.get()
            && let Some(owner) = query
                .strip_suffix(self.name)
                .and_then(|q| q.strip_suffix("::"))
        {
            let path = full.split('<').next().unwrap_or(full);
            if path == owner || path.ends_with(&format!("::{owner}")) {
                return true;
            }
        }
        let Some(prefix) = query
            .strip_suffix(self.name)
            .and_then(|q| q.strip_suffix("::"))
        else {
            return false;
        };
        self.module_path == prefix || self.module_path.ends_with(&format!("::{prefix}"))
    }

    /// The macro call a branch await point belongs to (the nearest `Macro` point before it); any
    /// other await point is its own.
    #[cold]
    pub(crate) fn branch_call(&self, index: u16) -> u16 {
        let index = usize::from(index);
        if self
            .awaits
            .get(index)
            .is_none_or(|p| p.kind != AwaitKind::Branch)
        {
            return u16::try_from(index).unwrap_or(u16::MAX);
        }
        self.awaits[..index]
            .iter()
            .rev()
            .find(|p| p.kind == AwaitKind::Macro)
            .map_or(u16::try_from(index).unwrap_or(u16::MAX), |p| p.index)
    }

    /// `true` when the fn is declared in module `path` or a module inside it.
    pub fn is_in_module(&self, path: &str) -> bool {
        self.module_path == path
            || self
                .module_path
                .strip_prefix(path)
                .is_some_and(|rest| rest.starts_with("::"))
    }
}

/// The one item of `items` whose fn `name` names (see [`FnMeta::matches`]); `None` if none.
///
/// # Panics
/// If `name` names several: the message names two of them and says to write more of the path.
pub(crate) fn find_by_name<T>(
    items: impl IntoIterator<Item = T>,
    name: &str,
    meta: impl Fn(&T) -> &'static FnMeta,
) -> Option<T> {
    let mut found = items.into_iter().filter(|item| meta(item).matches(name));
    let first = found.next()?;
    if let Some(second) = found.next() {
        let (a, b) = (meta(&first), meta(&second));
        panic!(
            "`{name}` names more than one traced function: {}::{} and {}::{}; \
             write more of the path (`Type::method` for a method)",
            a.module_path(),
            a.display_name(),
            b.module_path(),
            b.display_name(),
        );
    }
    Some(first)
}

/// `app::Counter<u32>` → `Counter`.
fn short_type_name(full: &str) -> &str {
    let path = full.split('<').next().unwrap_or(full);
    path.rsplit("::").next().unwrap_or(path)
}

/// How an await point appears in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AwaitKind {
    /// An `expr.await` written in the body.
    Await,
    /// A macro call that suspends inside (`join!`, `select!`, or any macro whose tokens hold an
    /// `.await`); the whole call is one await point.
    Macro,
    /// One branch of a recognised `join!`/`select!`-style macro, labelled `N.B`.
    Branch,
}

/// One await point of a traced function: an `.await` (or a suspending macro call) written
/// directly in its body.
#[derive(Debug)]
pub struct AwaitMeta {
    index: u16,
    label: &'static str,
    line: u32,
    column: u32,
    expr: &'static str,
    kind: AwaitKind,
}

impl AwaitMeta {
    #[doc(hidden)]
    /// Built by the expansion of `#[traced_async]`; not meant to be called by hand.
    pub const fn new(
        index: u16,
        label: &'static str,
        line: u32,
        column: u32,
        expr: &'static str,
        kind: AwaitKind,
    ) -> Self {
        Self {
            index,
            label,
            line,
            column,
            expr,
            kind,
        }
    }

    /// Position of this await point among its function's await points, from 0 in source order.
    pub fn index(&self) -> u16 {
        self.index
    }

    /// The label shown after `await#`: the index, or `N.B` for branch `B` of macro call `N`.
    pub fn label(&self) -> &'static str {
        self.label
    }

    /// Line of the `.await` token (or of the macro call).
    pub fn line(&self) -> u32 {
        self.line
    }

    /// Column (1-based) of the `.await` token (or of the macro call).
    pub fn column(&self) -> u32 {
        self.column
    }

    /// Source text of the awaited expression, as written (without `.await`).
    pub fn expr(&self) -> &'static str {
        self.expr
    }

    /// Whether this is a plain `.await`, a whole macro call, or a branch of one.
    pub fn kind(&self) -> AwaitKind {
        self.kind
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static NET: FnMeta = FnMeta::new("get", "app::net", "src/net.rs", 3, &[], true);
    static DB: FnMeta = FnMeta::new("get", "app::db", "src/db.rs", 5, &[], true);

    #[test]
    fn one_lookup_by_name() {
        let fns = [&NET, &DB];
        let found = find_by_name(fns, "net::get", |m| *m).unwrap();
        assert!(std::ptr::eq(found, &NET));
        assert!(find_by_name(fns, "put", |m| *m).is_none());
        let ambiguous = std::panic::catch_unwind(|| find_by_name(fns, "get", |m| *m));
        let message = *ambiguous.unwrap_err().downcast::<String>().unwrap();
        assert_eq!(
            message,
            "`get` names more than one traced function: app::net::get and app::db::get; \
             write more of the path (`Type::method` for a method)"
        );
    }
}
