#!/bin/sh
# Builds the overhead bench under five code layouts and runs, in each, twice: every yield1000
# variant (ours and the peers), every calls100k variant, and yield1000's Baseline, GlobalTiming
# and ClockReads with `BENCH_SAMPLE=16` (issue 13's sampled timing); then prints Markdown
# tables of the deltas to the baseline (benches/layouts_table.py), the faster of a layout's two
# runs (noise on a shared machine only adds time). Code alignment alone moves these by a
# nanosecond or more, so one build's number is one sample: BENCHMARKS.md reports the median
# over layouts.
#
# Usage: benches/layouts.sh [OUT_DIR]   (default /tmp/traced-async-layouts; 20 to 40 minutes,
# most of it building five target directories the first time)
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
    run() {
        echo "== layout $i [${flags:-default}] $1" >> "$out/results.txt"
        shift
        "$@" 2>&1 | grep -E '[├╰]─ .*(ns|µs|ms) ' >> "$out/results.txt"
    }
    run "yield1000 run 1" "$bench" --bench 'yield1000'
    run "yield1000 run 2" "$bench" --bench 'yield1000'
    run "calls100k run 1" "$bench" --bench 'calls100k'
    run "calls100k run 2" "$bench" --bench 'calls100k'
    for k in 1 2; do
        run "sampled16 run $k" env BENCH_SAMPLE=16 "$bench" \
            --bench 'yield1000::(Baseline|GlobalTiming|ClockReads)$'
    done
done
python3 benches/layouts_table.py "$out/results.txt"
