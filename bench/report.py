#!/usr/bin/env python3
"""Turns the outputs of bench/run-benchmarks into the markdown tables of docs/BENCHMARKS.md (medians)."""
import json
import re
import statistics
import sys

jmh_file, spark_file, scoring_file, torch_file = sys.argv[1:5]
results = json.load(open(jmh_file))


def median(r):
    raw = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
    return statistics.median(raw), len(raw)


gemm = {}
steps = {}
kernel = {}
for r in results:
    name = r["benchmark"].rsplit(".", 2)[-2]
    p = r.get("params", {})
    t = int(p.get("threads", 0))
    m, n = median(r)
    if name == "GemmBenchmark":
        size = int(p["n"])
        gemm[t] = (2 * size ** 3 * m / 1e9, n, size)
    elif name == "TrainingStepBenchmark":
        steps[(t, int(p["hidden"]), int(p["batch"]))] = (m, n)
    elif name == "ScoringBenchmark":
        kernel[(t, int(p["hidden"]))] = (m * 1024, n)

torch = {}
for line in open(torch_file):
    m = re.match(r"torch threads=(\d+) hidden=(\d+) batch=(\d+) samples_per_s=(\d+)", line)
    if m:
        torch[(int(m.group(1)), int(m.group(2)), int(m.group(3)))] = float(m.group(4))

for t, (g, n, size) in sorted(gemm.items()):
    print(f"GEMM ({size}x{size} float, ND4J, {t} thread{'s' if t > 1 else ''}): **{g:.1f} GFLOP/s** "
          f"(median of {n} iterations)  ")
print()
print("| threads | model | batch | samples/s (project) | step GFLOP/s | fraction of GEMM | samples/s (PyTorch peer) "
      "| project / peer |")
print("|---|---|---|---|---|---|---|---|")
for (t, h, b), (m, n) in sorted(steps.items()):
    samples = m * b
    flops = 10.0 * b * 784 * h * m / 1e9
    peer = torch.get((t, h, b))
    g = gemm.get(t, (float("nan"),))[0]
    peer_s = f"{peer:.0f}" if peer else "n/a"
    ratio = f"{samples / peer:.2f}" if peer else "n/a"
    print(f"| {t} | 784-{h}-784 | {b} | {samples:.0f} | {flops:.1f} | {flops / g:.0%} | {peer_s} | {ratio} |")
print()
print("Best of each side over thread counts:\n")
print("| model | batch | project best (threads) | peer best (threads) | ratio |")
print("|---|---|---|---|---|")
for h, b in sorted({(h, b) for (_, h, b) in steps}):
    mine = max(((m * b, t) for (t, hh, bb), (m, n) in steps.items() if (hh, bb) == (h, b)))
    theirs = [(s, t) for (t, hh, bb), s in torch.items() if (hh, bb) == (h, b)]
    if theirs:
        best = max(theirs)
        print(f"| 784-{h}-784 | {b} | {mine[0]:.0f} ({mine[1]}) | {best[0]:.0f} ({best[1]}) | {mine[0] / best[0]:.2f} |")
print()
for line in open(spark_file):
    m = re.search(r"single_samples_per_s=(\d+) spark_local2_samples_per_s=(\d+) ratio=([0-9.]+)"
                  r"(?: single_1thread=(\d+) single_2threads=(\d+))?"
                  r"(?: averaging_frequency=(\d+) round_ms=([0-9.]+))?", line)
    if m:
        extra = f" (single process with 1 thread: {m.group(4)}, with 2: {m.group(5)})" if m.group(4) else ""
        freq = m.group(6) or "5"
        rnd = f"; one averaging round {m.group(7)} ms" if m.group(7) else ""
        print(f"Spark local[2] parameter averaging (784-64-784, batch 128, 2 partitions, averaging every {freq} minibatches, "
              f"one ND4J thread per task): **{m.group(2)} samples/s** vs the single-process trainer at its best "
              f"**{m.group(1)} samples/s**{extra}: ratio {m.group(3)}{rnd}.\n")
    p = re.search(r"spark-round-profile averaging_frequency=(\d+) (.*)", line)
    if p:
        parts = ", ".join(f"{k.replace('_ms', '').replace('_', ' ')} {v} ms" if k.endswith("_ms") else f"{k} {v}"
                          for k, v in (kv.split("=") for kv in p.group(2).split()))
        print(f"One round at averaging every {p.group(1)}, from Spark's listener events (medians): {parts}.\n")
print("| scoring | rows/s | peak RSS (MiB) |")
print("|---|---|---|")
for (t, h), (rows_s, n) in sorted(kernel.items()):
    print(f"| kernel, 784-{h}-784, minibatch 1024, {t} thread{'s' if t > 1 else ''} (JMH) | {rows_s:.0f} | - |")
runs = []
for line in open(scoring_file):
    m = re.match(r"scoring rows=(\d+) seconds=([0-9.]+) rows_per_s=(\d+) peak_rss_mib=(\d+)", line)
    if m:
        runs.append((int(m.group(1)), float(m.group(2))))
        print(f"| job, local[2], {int(m.group(1)):,} rows (Parquet in, Parquet out, 768 MiB heap) | {m.group(3)} "
              f"| {m.group(4)} |")
if len(runs) == 2 and runs[1][1] > runs[0][1]:
    marginal = (runs[1][0] - runs[0][0]) / (runs[1][1] - runs[0][1])
    print(f"| job, local[2], marginal rate between the two runs (rows added / seconds added) | {marginal:.0f} | - |")
