#!/bin/sh
# Instructions per poll (yield1000, 1001 polls a run) and per call (calls100k, 100 000 calls a
# run) of each variant, counted by callgrind over RUNS runs after a warm-up run (see
# benches/callgrind.rs). Repeatable on a loaded machine, unlike the divan bench's times.
# PACKAGE and BENCH pick another such target: the bridge's (benches/bridge/callgrind.rs).
set -e
RUNS=${RUNS:-5}
PACKAGE=${PACKAGE:-traced-async-benches}
BENCH=${BENCH:-callgrind}
cd "$(dirname "$0")/.."
bin=$(cargo bench -p "$PACKAGE" --bench "$BENCH" --no-run --message-format=json \
    2>/dev/null | sed -n 's/.*"executable":"\([^"]*callgrind[^"]*\)".*/\1/p' | tail -1)
printf '%-22s %12s %12s\n' variant instr/poll instr/call
for variant in ${VARIANTS:-Baseline AsyncWrapper RecorderOff Counting Timing GlobalCounting ClockReads}; do
    line="$variant"
    for workload in yield1000 calls100k; do
        out=$(mktemp)
        valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no \
            --toggle-collect='*measured_runs*' "$bin" "$variant" "$workload" "$RUNS" 2>/dev/null
        total=$(sed -n 's/^totals: *//p' "$out")
        rm -f "$out"
        case $workload in
            yield1000) per=$((1001 * RUNS)) ;;
            calls100k) per=$((100000 * RUNS)) ;;
        esac
        line="$line $(echo "$total $per" | awk '{ printf "%.1f", $1 / $2 }')"
    done
    echo "$line" | awk '{ printf "%-22s %12s %12s\n", $1, $2, $3 }'
done
