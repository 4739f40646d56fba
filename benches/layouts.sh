#!/bin/sh
# Builds the overhead bench under five code layouts, then runs RUNS rounds (default 6), each
# running every layout's build in turn: every yield1000 variant (ours and the peers), every
# calls100k variant, and yield1000's Baseline, GlobalTiming and ClockReads with
# `BENCH_SAMPLE=16` (issue 13's sampled timing). Then prints Markdown tables of the deltas to
# the baseline (benches/layouts_table.py): per layout the fastest of its runs (noise on a
# shared machine only adds time, and a process can run timed polls at a slower speed: see
# BENCHMARKS.md, "Two speeds of a timed run"). Code alignment alone moves these by a
# nanosecond or more, so one build's number is one sample: BENCHMARKS.md reports the median
# over layouts.
#
# Usage: benches/layouts.sh [OUT_DIR]   (default /tmp/traced-async-layouts; 10 to 40 minutes,
# most of it building five target directories the first time; a round takes about a minute)
# LAYOUTS=N runs only the first N layouts (a quick check of the script: LAYOUTS=1 RUNS=1).
set -eu
cd "$(dirname "$0")/.."
out=${1:-/tmp/traced-async-layouts}
layouts=${LAYOUTS:-5}
runs=${RUNS:-6}
mkdir -p "$out"
: > "$out/results.txt"

# The RUSTFLAGS of layout $1.
flags_of() {
    case $1 in
        1) echo "" ;;
        2) echo "-C llvm-args=-align-all-functions=5" ;;
        3) echo "-C llvm-args=-align-all-functions=6" ;;
        4) echo "-C llvm-args=-align-all-nofallthru-blocks=4" ;;
        5) echo "-C codegen-units=1" ;;
    esac
}

i=0
while [ "$i" -lt "$layouts" ]; do
    i=$((i + 1))
    # Each layout builds in its own target directory, so RUSTFLAGS changes rebuild nothing else.
    RUSTFLAGS="$(flags_of "$i")" CARGO_TARGET_DIR="$out/target$i" \
        cargo bench -p traced-async-benches --bench overhead --no-run > "$out/build$i.log" 2>&1
done

# Rounds over the layouts: a slow spell of the machine then falls on one run of each layout,
# not on every run of one.
k=0
while [ "$k" -lt "$runs" ]; do
    k=$((k + 1))
    i=0
    while [ "$i" -lt "$layouts" ]; do
        i=$((i + 1))
        flags=$(flags_of "$i")
        bench=$(ls -t "$out/target$i"/release/deps/overhead-* | grep -v '\.d$' | head -n 1)
        run() {
            echo "== layout $i [${flags:-default}] $1" >> "$out/results.txt"
            shift
            "$@" 2>&1 | grep -E '[├╰]─ .*(ns|µs|ms) ' >> "$out/results.txt"
        }
        run "yield1000 run $k" "$bench" --bench 'yield1000'
        run "calls100k run $k" "$bench" --bench 'calls100k'
        run "sampled16 run $k" env BENCH_SAMPLE=16 "$bench" \
            --bench 'yield1000::(Baseline|GlobalTiming|ClockReads)$'
    done
done
python3 benches/layouts_table.py "$out/results.txt"
