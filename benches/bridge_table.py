#!/usr/bin/env python3
"""Turns the outputs of benches/bridge.sh's three runs into the Markdown tables of BENCHMARKS.md
("The tracing bridge"): per poll and per call, each variant's median, its difference to the
uninstrumented baseline of its own binary (the three are separate binaries: the `tracing`
feature is on in the bridge benches only), and the issue-12 targets with whether they are met.

    python3 benches/bridge_table.py OVERHEAD.txt BRIDGE_OFF.txt BRIDGE.txt
"""

import sys

from overhead_table import ITEMS, human, parse

# (binary, variant, what it is), in table order.
ROWS = [
    ("overhead", "RecorderOff", "`#[traced_async]`, bridge compiled out, no recorder"),
    ("bridge_off", "BridgeNoSubscriber", "`#[traced_async]`, bridge compiled in, no subscriber"),
    ("bridge_off", "InstrumentNoSubscriber", "`#[instrument]`, no subscriber"),
    ("overhead", "TracingInstrument", "`#[instrument]`, `Registry` alone"),
    ("bridge", "InstrumentCounting", "`#[instrument]`, `Registry` + counting layer"),
    ("bridge", "InstrumentCountingEvents", "`#[instrument]` + the bridge's event per suspension"),
    ("bridge", "BridgeCounting", "`#[traced_async]` bridge, `Registry` + counting layer"),
]
# variant: (reference variant, allowed Δ over the reference's Δ in ns per poll or call, or
# None when the target holds per call too).
TARGETS = {
    "BridgeNoSubscriber": ("RecorderOff", {"yield1000": 1.0}),
    "BridgeCounting": ("InstrumentCounting", {"yield1000": 0.0, "calls100k": 0.0}),
}


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    runs = {}
    for binary, path in zip(("overhead", "bridge_off", "bridge"), sys.argv[1:]):
        runs[binary] = parse(open(path, encoding="utf-8").read())[0]
    for group, unit in (("yield1000", "ns/poll"), ("calls100k", "ns/call")):
        items = ITEMS[group]
        delta = {}
        lines = [
            f"| variant | what | binary | median per run | {unit} | Δ vs its baseline | target |",
            "| --- | --- | --- | ---: | ---: | ---: | --- |",
        ]
        for binary, variant, what in ROWS:
            medians = runs[binary].get(group, {})
            if variant not in medians or "Baseline" not in medians:
                continue
            each = medians[variant] / items
            delta[variant] = each - medians["Baseline"] / items
            target = ""
            reference, allowed = TARGETS.get(variant, (None, {}))
            if group in allowed and reference in delta:
                limit = delta[reference] + allowed[group]
                verdict = "met" if delta[variant] <= limit else "missed"
                extra = f" + {allowed[group]:g} ns" if allowed[group] else ""
                target = f"≤ {reference}{extra} ({limit:+.2f}): {verdict}"
            lines.append(
                f"| {variant} | {what} | {binary} | {human(medians[variant])} | {each:.2f} | "
                f"{delta[variant]:+.2f} | {target} |"
            )
        if len(lines) == 2:
            print(f"### {group}: no timings (a `-- --test` run measures nothing)\n")
        else:
            print(f"### {group}\n\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
