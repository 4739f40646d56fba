#!/bin/sh
# The tracing bridge's cost (issue 12; BENCHMARKS.md, "The tracing bridge"): the overhead
# bench's reference rows (the bridge compiled out), the bridge with no subscriber, and the
# bridge against #[tracing::instrument] into one subscriber, then the tables of all three.
# Wall-clock times: run it on a quiet machine. Arguments go to every bench, so
# `benches/bridge.sh --test` only checks that each bench runs. Outputs stay in $OUT.
set -e
cd "$(dirname "$0")/.."
OUT=${OUT:-target/bridge-bench}
mkdir -p "$OUT"
cargo bench -p traced-async-benches --bench overhead -- "$@" \
    'Baseline|RecorderOff|TracingInstrument' >"$OUT/overhead.txt"
cargo bench -p traced-async-bridge-benches --bench bridge_off -- "$@" >"$OUT/bridge_off.txt"
cargo bench -p traced-async-bridge-benches --bench bridge -- "$@" >"$OUT/bridge.txt"
python3 benches/bridge_table.py "$OUT/overhead.txt" "$OUT/bridge_off.txt" "$OUT/bridge.txt"
