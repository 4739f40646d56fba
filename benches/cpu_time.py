"""CPU time per poll (yield1000) and per call (calls100k) of the callgrind harness's variants,
for a machine too loaded for divan's wall-clock medians (a run longer than a scheduler slice is
stretched by every other process; CPU time is not). Runs the harness with N and then 2N runs,
takes user + system time from getrusage, and divides the difference by N runs' polls or calls,
so start-up and the warm-up run cancel; the median of five tries.

Usage: python3 benches/cpu_time.py BINARY VARIANT,VARIANT,.. yield1000,calls100k
(BINARY: `cargo bench -p traced-async-benches --bench callgrind --no-run` prints it)."""

import resource
import statistics
import subprocess
import sys

# Polls or calls per run, and N.
PLAN = {"yield1000": (1001, 2000), "calls100k": (100000, 20)}


def cpu_seconds(binary, variant, workload, runs):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([binary, variant, workload, str(runs)], check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(binary, variants, workloads):
    for workload in workloads.split(","):
        per, n = PLAN[workload]
        row = [workload]
        for variant in variants.split(","):
            tries = [
                cpu_seconds(binary, variant, workload, 2 * n)
                - cpu_seconds(binary, variant, workload, n)
                for _ in range(5)
            ]
            row.append(f"{variant} {statistics.median(tries) / (n * per) * 1e9:.2f} ns")
        print(" | ".join(row), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
