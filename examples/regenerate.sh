#!/usr/bin/env bash
# Regenerates the outputs in examples/README.md: builds the examples and checks that each one
# prints the same output twice (deterministic mode), then prints each output for pasting.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --examples
for example in examples/0*.rs; do
    name=$(basename "$example" .rs)
    first=$(NO_COLOR=1 "target/debug/examples/$name" 2>&1)
    second=$(NO_COLOR=1 "target/debug/examples/$name" 2>&1)
    if [ "$first" != "$second" ]; then
        echo "$name: output differs between two runs" >&2
        exit 1
    fi
    printf '== %s\n%s\n\n' "$name" "$first"
done
