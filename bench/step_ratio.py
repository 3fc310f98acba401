#!/usr/bin/env python3
"""The table of bench/step-vs-torch: the project's step (JMH json, median iteration) against the PyTorch peer
(bench/torch_peer.py lines) at equal threads, with the issue's target of 1.2x."""
import json
import re
import statistics
import sys

jmh_file, torch_file, label = sys.argv[1:4]
steps = {}
for r in json.load(open(jmh_file)):
    p = r["params"]
    raw = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
    steps[(int(p["threads"]), int(p["hidden"]), int(p["batch"]))] = statistics.median(raw) * int(p["batch"])
torch = {}
for line in open(torch_file):
    m = re.match(r"torch threads=(\d+) hidden=(\d+) batch=(\d+) samples_per_s=(\d+)", line)
    if m:
        torch[tuple(int(m.group(i)) for i in (1, 2, 3))] = float(m.group(4))
print(f"\npeer: {label}\n")
print("| threads | model | batch | project samples/s | PyTorch samples/s | project / PyTorch | >= 1.2? |")
print("|---|---|---|---|---|---|---|")
for key in sorted(steps):
    t, h, b = key
    peer = torch.get(key)
    ratio = steps[key] / peer if peer else float("nan")
    print(f"| {t} | 784-{h}-784 | {b} | {steps[key]:,.0f} | {peer:,.0f} | {ratio:.2f} | {'yes' if ratio >= 1.2 else 'no'} |")
