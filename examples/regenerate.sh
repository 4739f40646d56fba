#!/usr/bin/env bash
# Regenerates examples/README.md, the tour: for every example named on a line of its own
# (`cargo run --example NAME`), writes the example's code (the file without its `//!` header)
# into the first `rust` block after that line and the example's output under "Output". An
# "Output:" example runs twice and must print the same both times (deterministic mode); an
# "Output of one run ...:" example runs in real time, so its block is one run, as it came.
# Fails naming any example in examples/ that the tour leaves out. Then draws the tour's SVGs. Run it after changing an
# example or the output format. Honours CARGO_TARGET_DIR: cargo names the binaries it built.
set -euo pipefail
cd "$(dirname "$0")/.."
messages=$(mktemp)
trap 'rm -f "$messages"' EXIT
cargo build -q --examples --message-format=json > "$messages"
MESSAGES="$messages" python3 - <<'PY'
import json, os, re, subprocess, sys

messages = open(os.environ["MESSAGES"]).read().splitlines()
binaries = {}
for line in messages:
    msg = json.loads(line)
    if msg.get("reason") == "compiler-artifact" and "example" in msg["target"]["kind"]:
        binaries[msg["target"]["name"]] = msg["executable"]

readme_path = "examples/README.md"
readme = open(readme_path).read()
tour = re.findall(r"^`cargo run --example (\w+)`$", readme, re.M)
missing = sorted(set(binaries) - set(tour))
if missing:
    sys.exit(f"examples/README.md has no section for: {', '.join(missing)}")
# The output does not depend on the caller's settings: no colour, no tracing configuration.
env = {k: v for k, v in os.environ.items() if not k.startswith("TRACED_ASYNC")}
env["NO_COLOR"] = "1"
for name in tour:
    anchor = readme.index(f"\n`cargo run --example {name}`\n")
    # The code: the first fenced rust block after the anchor.
    source = open(f"examples/{name}.rs").read()
    code = re.sub(r"\A(//!.*\n)+\n", "", source).rstrip("\n")
    start = readme.index("```rust\n", anchor) + len("```rust\n")
    end = readme.index("\n```\n", start - 1)  # from the opening line's own newline
    readme = readme[:start] + code + readme[end:]
    # The output: the first fenced text block after "Output...:". Four backticks, since
    # outputs may hold fenced Mermaid diagrams.
    label = re.compile(r"^Output(.*):\n\n", re.M).search(readme, anchor)
    runs = 1 if label.group(1).startswith(" of one run") else 2
    outputs = [subprocess.run([binaries[name]], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, env=env).stdout
               for _ in range(runs)]
    if runs == 2 and outputs[0] != outputs[1]:
        sys.exit(f"{name}: output differs between two runs")
    start = label.end()
    fence = re.match(r"(`{3,})text\n", readme[start:])
    # From the opening line's own newline: an empty block closes right after it.
    end = readme.index("\n" + fence.group(1) + "\n", start + len(fence.group(0)) - 1)
    block = "````text\n" + outputs[0].rstrip("\n") + "\n````"
    readme = readme[:start] + block + readme[end + len(fence.group(1)) + 1:]
    kind = "checked on two runs" if runs == 2 else "one run, varies"
    print(f"{name}: {len(outputs[0].splitlines())} lines ({kind})")
open(readme_path, "w").write(readme)
PY
# The tour's pictures: the SVG timeline of the examples that show concurrency, drawn by the
# runtime (`TRACED_ASYNC_SVG`); deterministic, so each is checked to come out the same twice.
# A program with several runtimes writes one picture each: `{n}` numbers them.
mkdir -p examples/svg
tmp=$(mktemp -d)
for n in 03 04 05 06 08; do
    name=$(basename examples/${n}_*.rs .rs)
    for run in a b; do
        TRACED_ASYNC_SVG="$tmp/$n-$run-{n}.svg" NO_COLOR=1 \
            cargo run -q --example "$name" >/dev/null 2>&1 || true
    done
    for a in "$tmp/$n"-a-*.svg; do
        b=${a/-a-/-b-}
        cmp -s "$a" "$b" || { echo "$name: the SVG differs between two runs" >&2; exit 1; }
        out="examples/svg/$n${a#"$tmp/$n-a"}"
        mv "$a" "$out"
        echo "$name: $out"
    done
done
rm -rf "$tmp"
