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


gemm = None
steps = {}
scoring = {}
for r in results:
    name = r["benchmark"].rsplit(".", 2)[-2]
    p = r.get("params", {})
    m, n = median(r)
    if name == "GemmBenchmark":
        size = int(p["n"])
        gemm = (2 * size ** 3 * m / 1e9, n, size)
    elif name == "TrainingStepBenchmark":
        steps[(int(p["hidden"]), int(p["batch"]))] = (m, n)
    elif name == "ScoringBenchmark":
        scoring[int(p["hidden"])] = (m * 1024, n)

torch = {}
for line in open(torch_file):
    m = re.match(r"torch hidden=(\d+) batch=(\d+) samples_per_s=(\d+)", line)
    if m:
        torch[(int(m.group(1)), int(m.group(2)))] = float(m.group(3))

print(f"GEMM ({gemm[2]}x{gemm[2]} float, ND4J): **{gemm[0]:.1f} GFLOP/s** (median of {gemm[1]} iterations)\n")
print("| model | batch | samples/s (project) | step GFLOP/s | fraction of GEMM | samples/s (PyTorch peer) | project / peer |")
print("|---|---|---|---|---|---|---|")
for (h, b), (m, n) in sorted(steps.items()):
    samples = m * b
    flops = 10.0 * b * 784 * h * m / 1e9
    peer = torch.get((h, b))
    ratio = f"{samples / peer:.2f}" if peer else "n/a"
    print(f"| 784-{h}-784 | {b} | {samples:.0f} | {flops:.1f} | {flops / gemm[0]:.0%} | {peer:.0f} | {ratio} |"
          if peer else f"| 784-{h}-784 | {b} | {samples:.0f} | {flops:.1f} | {flops / gemm[0]:.0%} | n/a | n/a |")
print()
for line in open(spark_file):
    m = re.search(r"single_samples_per_s=(\d+) spark_local2_samples_per_s=(\d+) ratio=([0-9.]+)", line)
    if m:
        print(f"Spark local[2] parameter averaging (784-64-784, batch 128, 2 partitions, averaging every 5 minibatches): "
              f"**{m.group(2)} samples/s** vs single-process trainer **{m.group(1)} samples/s** (ratio {m.group(3)}).\n")
print("| scoring | rows/s | peak RSS (MiB) |")
print("|---|---|---|")
for h, (rows_s, n) in sorted(scoring.items()):
    print(f"| kernel, 784-{h}-784, minibatch 1024 (JMH) | {rows_s:.0f} | - |")
for line in open(scoring_file):
    m = re.match(r"scoring rows=(\d+) seconds=([0-9.]+) rows_per_s=(\d+) peak_rss_mib=(\d+)", line)
    if m:
        print(f"| job, local[2], {int(m.group(1)):,} rows (Parquet in, Parquet out) | {m.group(3)} | {m.group(4)} |")
