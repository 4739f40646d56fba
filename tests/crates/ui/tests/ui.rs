//! Misuse of the attribute, and errors in traced code, as users see them: one error each, at the
//! user's token, saying what to do. Cases are named after the mistake.
//!
//! The `.stderr` files were blessed with the toolchain pinned in rust-toolchain.toml (1.95.0);
//! compiler messages change between releases, so run this with that toolchain. After a
//! deliberate change, re-bless with `TRYBUILD=overwrite cargo test -p traced-async-ui` and read
//! every changed `.stderr` before committing it.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
