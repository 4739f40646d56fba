#!/bin/sh
# Builds the overhead bench under five code layouts and runs the yield1000 variants whose cost
# is a few nanoseconds (baseline, the async-fn shape, recorder off, process-wide counting and
# timing, two clock reads per poll: timing's floor) and the capture scope's Counting and Timing
# twice in each, then prints a Markdown
# table of the deltas to the baseline
# (benches/layouts_table.py). Code alignment alone moves these by a nanosecond or more, so one
# build's number is one sample: BENCHMARKS.md reports the median over layouts.
#
# Usage: benches/layouts.sh [OUT_DIR]   (default /tmp/traced-async-layouts; about 10 minutes)
# LAYOUTS=N runs only the first N layouts (a quick check of the script: LAYOUTS=1).
set -eu
cd "$(dirname "$0")/.."
out=${1:-/tmp/traced-async-layouts}
layouts=${LAYOUTS:-5}
mkdir -p "$out"
: > "$out/results.txt"
i=0
for flags in "" \
    "-C llvm-args=-align-all-functions=5" \
    "-C llvm-args=-align-all-functions=6" \
    "-C llvm-args=-align-all-nofallthru-blocks=4" \
    "-C codegen-units=1"; do
    i=$((i + 1))
    [ "$i" -le "$layouts" ] || break
    # Each layout builds in its own target directory, so RUSTFLAGS changes rebuild nothing else.
    RUSTFLAGS="$flags" CARGO_TARGET_DIR="$out/target$i" \
        cargo bench -p traced-async-benches --bench overhead --no-run > "$out/build$i.log" 2>&1
    bench=$(ls -t "$out/target$i"/release/deps/overhead-* | grep -v '\.d$' | head -n 1)
    for run in 1 2; do
        echo "== layout $i [${flags:-default}] run $run" >> "$out/results.txt"
        "$bench" --bench 'yield1000' 2>&1 \
            | grep -E 'Baseline|AsyncWrapper|RecorderOff|Counting|Timing|ClockReads' \
            | grep 'µs' >> "$out/results.txt"
    done
done
python3 benches/layouts_table.py "$out/results.txt"
