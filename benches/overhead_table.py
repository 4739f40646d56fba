#!/usr/bin/env python3
"""Turns the output of `cargo bench -p traced-async-benches --bench overhead` into the Markdown
tables of BENCHMARKS.md: divan's median time per run divided by the polls or calls of that run, the
difference and ratio to the uninstrumented baseline, and the issue-5 targets beside them.
Given the outputs of further runs, adds their per-item medians as columns, to show the noise.

    cargo bench -p traced-async-benches --bench overhead > /tmp/run1.txt 2>&1
    cargo bench -p traced-async-benches --bench overhead > /tmp/run2.txt 2>&1
    python3 benches/overhead_table.py /tmp/run1.txt [/tmp/run2.txt ...]
"""

import re
import sys

UNITS = {"ps": 1e-3, "ns": 1.0, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}
# Work items in one run of each workload: polls of the fn (1000 yields + the final poll) and
# calls of the leaf.
ITEMS = {
    "yield1000": 1001,
    "calls100k": 100_000,
    "tokio_current_thread": 100_000,
    "traced_async_runtime": 100_000,
}
TARGETS = {
    ("yield1000", "RecorderOff"): "≤ +1 ns",
    ("yield1000", "GlobalCounting"): "≤ +3 ns",
    ("yield1000", "GlobalTiming"): "≤ +25 ns",
    ("calls100k", "GlobalCounting"): "≤ +8 ns",
}
SIZE_TARGET = 24
# The floors (benches/overhead/floor.rs): the variant of ours each is the floor of, shown in the
# target column.
FLOOR_OF = {
    "FloorCounting": "floor of GlobalCounting",
    "FloorTiming": "floor of GlobalTiming",
    "FloorCapture": "floor of Counting",
}


def parse(text):
    """Returns ({group: {name: median_ns_per_run}}, [(variant, yield1000_bytes, leaf_bytes)])."""
    medians, sizes, group = {}, [], None
    row = re.compile(r"^[│ ]*[├╰]─ (\S+)\s+(.*)$")
    for line in text.splitlines():
        size = re.match(r"^(\w+)\s+(\d+)\s+(\d+)$", line)
        if size:
            sizes.append((size.group(1), int(size.group(2)), int(size.group(3))))
            continue
        m = row.match(line)
        if not m:
            continue
        name, rest = m.groups()
        columns = [c.strip() for c in rest.split("│")]
        if not columns[0]:
            group = name
            medians.setdefault(group, {})
            continue
        if len(columns) < 3:
            continue
        value, unit = columns[2].split()
        medians.setdefault(group, {})[name] = float(value) * UNITS[unit]
    return medians, sizes


def per_item_table(group, runs, unit, order, others):
    items = ITEMS[group]
    # Divan sorts benches by name; list them in the bench's own variant order instead.
    runs = dict(sorted(runs.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99))
    base = runs["Baseline"] / items
    extra = "".join(f" run {i + 2} {unit} |" for i in range(len(others)))
    lines = [
        f"| variant | median per run | {unit} | Δ vs baseline | × baseline | target (Δ) |{extra}",
        "| --- | ---: | ---: | ---: | ---: | --- |" + " ---: |" * len(others),
    ]
    for name, run_ns in runs.items():
        each = run_ns / items
        again = "".join(
            f" {other[name] / items:.2f} |" if name in other else " |" for other in others
        )
        lines.append(
            f"| {name} | {human(run_ns)} | {each:.2f} | {each - base:+.2f} | "
            f"{each / base:.1f} | {TARGETS.get((group, name), FLOOR_OF.get(name, ''))} |{again}"
        )
    return "\n".join(lines)


def human(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def main():
    runs = [parse(open(path, encoding="utf-8").read()) for path in sys.argv[1:]]
    if not runs:
        sys.exit(__doc__)
    medians, sizes = runs[0]
    for group, unit in (("yield1000", "ns/poll"), ("calls100k", "ns/call")):
        if group in medians:
            order = [variant for variant, _, _ in sizes]
            others = [other.get(group, {}) for other, _ in runs[1:]]
            table = per_item_table(group, medians[group], unit, order, others)
            print(f"### {group}\n\n{table}\n")
    if sizes:
        base = dict((v, (y, l)) for v, y, l in sizes)["Baseline"]
        print("### future sizes (bytes)\n")
        print("| variant | yield1000 | Δ | leaf | Δ | target (Δ) |")
        print("| --- | ---: | ---: | ---: | ---: | --- |")
        for variant, y, l in sizes:
            target = f"≤ +{SIZE_TARGET}" if variant in ("RecorderOff", "Counting", "Timing", "GlobalCounting", "GlobalTiming") else ""
            print(f"| {variant} | {y} | {y - base[0]:+d} | {l} | {l - base[1]:+d} | {target} |")
        print()
    for i, (other, _) in enumerate(runs):
        for name, run_ns in other.get("spawn", {}).items():
            print(f"run {i + 1} spawn::{name}: {human(run_ns)} per 100k tasks = "
                  f"{run_ns / ITEMS[name]:.1f} ns/task")


if __name__ == "__main__":
    main()
