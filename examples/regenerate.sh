#!/usr/bin/env bash
# Regenerates the outputs in examples/README.md: runs each numbered example twice, checks that
# both runs print the same (deterministic mode), and puts the output under the example's
# "Output:" line. Run it after changing an example or the output format. The examples in REAL_TIME
# measure real time: they run once, and their numbers differ on every run.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --examples
python3 - <<'PY'
import os, re, subprocess, sys

readme_path = "examples/README.md"
readme = open(readme_path).read()
env = dict(os.environ, NO_COLOR="1")
REAL_TIME = {"11_threads_vs_tasks", "12_cpu_bound"}
for name in sorted(f[:-3] for f in os.listdir("examples") if re.match(r"\d\d_.*\.rs$", f)):
    runs = [subprocess.run([f"target/debug/examples/{name}"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, env=env)
            for _ in range(1 if name in REAL_TIME else 2)]
    outputs = [r.stdout for r in runs]
    if name not in REAL_TIME and outputs[0] != outputs[1]:
        sys.exit(f"{name}: output differs between two runs")
    # The output block of this example: the first fenced block after its `--example` line and
    # "Output:". Four backticks, since outputs may hold fenced Mermaid diagrams.
    anchor = readme.index(f"cargo run --example {name}`")
    start = readme.index("Output:\n\n", anchor) + len("Output:\n\n")
    fence = re.match(r"(`{3,})text\n", readme[start:])
    end = readme.index("\n" + fence.group(1) + "\n", start + len(fence.group(0)))
    block = "````text\n" + outputs[0].rstrip("\n") + "\n````"
    readme = readme[:start] + block + readme[end + len(fence.group(1)) + 1:]
    print(f"{name}: {len(outputs[0].splitlines())} lines")
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
            "target/debug/examples/$name" >/dev/null 2>&1 || true
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
