"""Markdown tables of benches/layouts.sh's results: per layout, each variant's fastest median
over the layout's runs minus the baseline's fastest (noise only adds time, to each run apart),
in ns per poll (yield1000, and yield1000 with one poll in 16 timed) or per call (calls100k),
and the median over layouts. Results of several rounds may be concatenated into one file.

    python3 benches/layouts_table.py /tmp/traced-async-layouts/results.txt
"""

import re
import statistics
import sys

# Work items in one run: polls of the fn (1000 yields and the final poll), or calls of the leaf.
ITEMS = {"yield1000": 1001, "sampled16": 1001, "calls100k": 100_000}
TITLES = {
    "yield1000": "yield1000, ns per poll over Baseline",
    "calls100k": "calls100k, ns per call over Baseline",
    "sampled16": "yield1000 with `BENCH_SAMPLE=16` (one poll in 16 timed), ns per poll",
}
OURS = [
    "AsyncWrapper",
    "RecorderOff",
    "Counting",
    "Timing",
    "GlobalCounting",
    "GlobalTiming",
    "ClockReads",
]
# The floors (benches/overhead/floor.rs), each beside the variants of ours doing that work, in
# tables of their own so that every line stays within 100 characters.
FLOORS = {
    "counting floors": ["FloorCounting", "GlobalCounting", "FloorCapture", "Counting"],
    "timing floors": ["FloorTiming", "GlobalTiming", "ClockReads", "Timing"],
}
PEERS = ["TracingInstrument", "TokioMetrics", "AsyncBacktrace", "AwaitTree", "Fastrace"]
UNITS = {"ns": 1e-3, "µs": 1.0, "ms": 1e3}


def median_us(line):
    """The median column of one divan row, in µs."""
    value, unit = line.split("│")[2].split()
    return float(value) * UNITS[unit]


def read(path):
    """{workload: {layout: {variant: delta of the fastest runs}}} from the results file."""
    fastest = {}
    for block in re.split(r"^== layout ", open(path).read(), flags=re.M)[1:]:
        head, *rows = block.splitlines()
        m = re.match(r"(.*\]) (\w+) run \d+$", head)
        if not m:
            # The older format: "N [flags] run K", yield1000 only.
            m = re.match(r"(.*\]) run \d+$", head)
            layout, workload = m.group(1), "yield1000"
        else:
            layout, workload = m.group(1), m.group(2)
        times = {}
        for row in rows:
            m = re.match(r"[│ ]*[├╰]─ (\w+)\s", row)
            if m and "│" in row:
                times[m.group(1)] = median_us(row)
        best = fastest.setdefault(workload, {}).setdefault(layout, {})
        for variant, us in times.items():
            best[variant] = min(best.get(variant, us), us)
    found = {}
    for workload, layouts in fastest.items():
        for layout, best in layouts.items():
            if "Baseline" not in best:
                continue
            found.setdefault(workload, {})[layout] = {
                variant: (us - best["Baseline"]) * 1e3 / ITEMS[workload]
                for variant, us in best.items()
                if variant != "Baseline"
            }
    return found


def table(title, layouts, columns):
    variants = [v for v in columns if any(v in d for d in layouts.values())]
    if not variants:
        return
    print(f"{title}:\n")
    print("| layout | " + " | ".join(variants) + " |")
    print("| --- |" + " ---: |" * len(variants))
    for name, deltas in layouts.items():
        cells = [f"{deltas[v]:+.2f}" if v in deltas else "" for v in variants]
        print(f"| {name} | " + " | ".join(cells) + " |")
    medians = [
        f"**{statistics.median(d[v] for d in layouts.values() if v in d):+.2f}**"
        for v in variants
    ]
    print("| median over layouts | " + " | ".join(medians) + " |\n")


def main(path):
    found = read(path)
    for workload in ["yield1000", "calls100k", "sampled16"]:
        if workload in found:
            table(TITLES[workload], found[workload], OURS + PEERS)
            for name, floors in FLOORS.items():
                # Only where a floor ran (the sampled runs have none).
                if any(f.startswith("Floor") and f in d for f in floors
                       for d in found[workload].values()):
                    table(f"{TITLES[workload]}, {name}", found[workload], floors)


if __name__ == "__main__":
    main(sys.argv[1])
