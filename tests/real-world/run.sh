#!/usr/bin/env bash
# The real-world check of issue 9, run by hand (it builds each crate four times: minutes):
# fetches mini-redis, bb8 and tokio-util from the crates registry through cargo, copies each
# twice, puts #[traced_async] on every async fn with a body in one copy (trace_all.py, on the
# fn's own line so line numbers stay), and compares `cargo clippy --all-targets -W
# clippy::pedantic` and `cargo test` between the plain and the traced copy. Prints the
# differences; none is the expected result.
#
# Usage: tests/real-world/run.sh [WORK_DIR]   (default /tmp/traced-async-real-world)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/../.." && pwd)
work=${1:-/tmp/traced-async-real-world}
mkdir -p "$work/fetch/src"
cat > "$work/fetch/Cargo.toml" <<'TOML'
[package]
name = "fetch"
version = "0.0.0"
edition = "2021"
[dependencies]
mini-redis = "=0.4.1"
bb8 = "=0.9.1"
tokio-util = "=0.7.20"
TOML
echo "fn main() {}" > "$work/fetch/src/main.rs"
(cd "$work/fetch" && cargo fetch -q)
registry=$(cargo metadata -q --format-version 1 --manifest-path "$work/fetch/Cargo.toml" \
    | python3 -c 'import json,sys; m=json.load(sys.stdin); print("\n".join(p["manifest_path"] for p in m["packages"]))')

lints() {
    python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") != "compiler-message":
        continue
    msg = m["message"]
    spans = [s for s in msg["spans"] if s["is_primary"]]
    if msg["level"] in ("warning", "error") and spans:
        code = (msg.get("code") or {}).get("code")
        print(msg["level"], code, spans[0]["file_name"] + ":" + str(spans[0]["line_start"]))
' | sort
}

status=0
for spec in "mini-redis-0.4.1:" "bb8-0.9.1:" "tokio-util-0.7.20:--features full"; do
    crate=${spec%%:*}
    flags=${spec#*:}
    source=$(dirname "$(grep "/$crate/Cargo.toml" <<< "$registry")")
    for side in plain traced; do
        rm -rf "$work/$side-$crate"
        cp -r "$source" "$work/$side-$crate"
    done
    python3 "$here/trace_all.py" "$work/traced-$crate/src" "$work/traced-$crate/tests"
    printf '\n[dependencies.traced-async]\npath = "%s"\n' "$project" >> "$work/traced-$crate/Cargo.toml"
    for side in plain traced; do
        dir="$work/$side-$crate"
        # shellcheck disable=SC2086
        (cd "$dir" && CARGO_TARGET_DIR="$work/target-$side-$crate" cargo clippy -q --all-targets \
            $flags --message-format=json -- -W clippy::pedantic 2>/dev/null | lints \
            > "$work/clippy-$side-$crate.txt")
        # shellcheck disable=SC2086
        (cd "$dir" && CARGO_TARGET_DIR="$work/target-$side-$crate" cargo test -q $flags 2>&1 \
            | grep -E '^test result' | sed 's/finished in .*//' | sort \
            > "$work/test-$side-$crate.txt") || true
    done
    echo "== $crate: $(wc -l < "$work/clippy-plain-$crate.txt") lints, $(wc -l < "$work/test-plain-$crate.txt") test binaries"
    diff "$work/clippy-plain-$crate.txt" "$work/clippy-traced-$crate.txt" || status=1
    diff "$work/test-plain-$crate.txt" "$work/test-traced-$crate.txt" || status=1
done
exit $status
