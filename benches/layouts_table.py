"""Markdown table of benches/layouts.sh's results: per layout, each variant's yield1000 median
minus the baseline's, in ns per poll (the fastest of the layout's runs), and the median over
layouts."""

import re
import statistics
import sys

POLLS = 1001
VARIANTS = [
    "AsyncWrapper",
    "RecorderOff",
    "Counting",
    "Timing",
    "GlobalCounting",
    "GlobalTiming",
    "ClockReads",
]
UNITS = {"ns": 1e-3, "µs": 1.0, "ms": 1e3}


def median_us(line):
    """The median column of one divan row, in µs."""
    value, unit = line.split("│")[2].split()
    return float(value) * UNITS[unit]


def main(path):
    layouts = {}
    for block in re.split(r"^== layout ", open(path).read(), flags=re.M)[1:]:
        head, *rows = block.splitlines()
        name = head.split(" run ")[0]
        times = {}
        for row in rows:
            m = re.match(r"\s*[├╰]─ (\w+)\s", row)
            if m and "│" in row:
                times[m.group(1)] = median_us(row)
        if "Baseline" not in times:
            continue
        deltas = layouts.setdefault(name, {})
        for v in VARIANTS:
            if v in times:
                ns = (times[v] - times["Baseline"]) * 1e3 / POLLS
                deltas[v] = min(deltas.get(v, ns), ns)
    print("| layout | " + " | ".join(VARIANTS) + " |")
    print("| --- |" + " ---: |" * len(VARIANTS))
    for name, deltas in layouts.items():
        cells = [f"{deltas[v]:+.2f}" if v in deltas else "" for v in VARIANTS]
        print(f"| {name} | " + " | ".join(cells) + " |")
    medians = [
        f"**{statistics.median(d[v] for d in layouts.values() if v in d):+.2f}**"
        for v in VARIANTS
    ]
    print("| median over layouts | " + " | ".join(medians) + " |")


if __name__ == "__main__":
    main(sys.argv[1])
