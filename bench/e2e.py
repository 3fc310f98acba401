#!/usr/bin/env python3
"""Driver of bench/e2e-vs-torch: runs cdae-train (Spark local[2]) and the plain PyTorch script on the same CSV for
the same epochs, one after the other, each as its own process timed from its start to its exit (the model written),
with its peak resident memory (wait4), and prints both samples/s, both wall-clock times, the project's time before
its first epoch and the ratios. Every output line of both runs goes to WORK/e2e.log with its time since start.
With --floor FILE (the line of io.cdae.bench.IngestFloor), it also prints the least wall clock and share before
the first epoch that any Spark job on this CSV could reach with this run's epochs at their fastest rate.
Usage: e2e.py CSV WORK EPOCHS TORCH_PYTHON TORCH_LABEL [--project-only] [--floor FILE] [--set key=value ...]"""
import os
import re
import subprocess
import sys
import time

# the model of the measurement, pinned so that it stays the same model when the shipped defaults change
PINNED = ["encoder-widths=256", "activation=sigmoid", "tied-weights=false", "output-activation=sigmoid",
          "reconstruction-loss=mse", "contractive-weight=0.001", "contractive-estimator=exact", "corruption=masking",
          "corruption-level=0.1", "optimiser=adam", "learning-rate=0.001", "batch-size=128", "seed=42",
          "normalisation=min-max", "holdout-fraction=0.1",
          "anomaly-score=reconstruction", "threshold-rule=mad", "data-type=float"]
EPOCH = re.compile(r"epoch (\d+)/(\d+): .*\| (\d+) samples, (\d+) samples/s, ([0-9.]+) s")

csv, work, epochs, torch_py, torch_label = sys.argv[1:6]
rest = sys.argv[6:]
project_only = "--project-only" in rest
floor_file = rest[rest.index("--floor") + 1] if "--floor" in rest else None
if floor_file:
    rest = rest[:rest.index("--floor")] + rest[rest.index("--floor") + 2:]
extra = [a for a in rest if a not in ("--project-only", "--set")]  # key=value settings after the pinned ones
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.makedirs(work, exist_ok=True)
log = open(os.path.join(work, "e2e.log"), "a")


def run(name, cmd):
    """(wall seconds, [(seconds since start, line)], peak RSS in MiB); fails on a non-zero exit."""
    log.write(f"== {name}: {' '.join(cmd)}\n")
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in p.stdout:
        t = time.perf_counter() - t0
        lines.append((t, line.rstrip("\n")))
        log.write(f"{t:8.2f} {line}")
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    log.flush()
    if p.returncode != 0:
        sys.exit(f"{name} exited with {p.returncode}; its output is in {log.name}")
    return wall, lines, usage.ru_maxrss / 1024


model = os.path.join(work, "model")
subprocess.run(["rm", "-rf", model, model + ".checkpoints"], check=True)
sets = [a for s in PINNED + [f"epochs={epochs}"] + extra for a in ("--set", s)]
wall, lines, rss = run("cdae-train", [os.path.join(root, "submit-scripts", "cdae-train"), "--input", csv,
                                      "--output", model, "--master", "local[2]"] + sets)
epoch_lines = [(t, EPOCH.search(l)) for t, l in lines if EPOCH.search(l)]
samples = sum(int(m.group(3)) for _, m in epoch_lines)
train_s = sum(float(m.group(5)) for _, m in epoch_lines)
first_t, first = epoch_lines[0]
before = first_t - float(first.group(5))
mb = os.path.getsize(csv) / 1e6
project = {"samples_per_s": samples / train_s, "wall_s": wall, "rss": rss}
print(f"input: {csv}, {mb:.0f} MB; {epochs} epochs; settings: {' '.join(PINNED + extra)}")
print(f"cdae-train local[2]: {samples / train_s:,.0f} samples/s ({samples} samples in {train_s:.1f} s of epochs), "
      f"wall {wall:.1f} s from process start to model written, {before:.1f} s before the first epoch "
      f"({100 * before / wall:.0f} % of the wall clock; {mb / before / 2:.2f} MB/s per core over that time), "
      f"peak RSS {rss:,.0f} MiB")
if project_only:
    sys.exit(0)
wall_t, lines_t, rss_t = run("torch", [torch_py, os.path.join(root, "bench", "torch_e2e.py"), csv,
                                       os.path.join(work, "torch-model.pt"), str(epochs), "2"])
m = next(re.search(r"train_samples=(\d+) train_s=([0-9.]+) samples_per_s=(\d+)", l) for _, l in lines_t
         if "train_samples=" in l)
torch_rate = float(m.group(3))
print(f"PyTorch script, 2 threads ({torch_label}): {torch_rate:,.0f} samples/s ({m.group(1)} samples in "
      f"{m.group(2)} s of epochs), wall {wall_t:.1f} s from process start to model written, peak RSS {rss_t:,.0f} MiB")
print(f"ratios (project / PyTorch, target >= 1.2): samples/s {project['samples_per_s'] / torch_rate:.2f}, "
      f"wall clock {wall_t / wall:.2f} (PyTorch's time / the project's)")
t_epochs = [(t, float(re.search(r"seconds=([0-9.]+)", l).group(1))) for t, l in lines_t if "torch-e2e epoch=" in l]
before_t = t_epochs[0][0] - t_epochs[0][1]
print(f"PyTorch script: {before_t:.1f} s before its first epoch ({100 * before_t / wall_t:.0f} % of its wall clock)")
if floor_file:
    f = dict(kv.split("=", 1) for kv in open(floor_file).read().split()[1:])
    best = max(int(m.group(4)) for _, m in epoch_lines)
    floor_before = float(f["first_pass_end"])
    floor_wall = floor_before + samples / best
    print(f"floor (io.cdae.bench.IngestFloor, launched as cdae-train is): Spark session up at {float(f['session']):.1f} s, "
          f"CSV header at {float(f['header']):.1f} s, one typed pass over every row ({f['columns']} doubles, FAILFAST) "
          f"{float(f['first_pass']):.1f} s (warm: {float(f['second_pass']):.1f} s, {f['mb_per_s_per_core_warm']} MB/s per core): "
          f"no Spark job scaling by min-max can start training before {floor_before:.1f} s")
    print(f"with this run's epochs all at its fastest epoch's rate ({best:,} samples/s) and nothing else: wall >= "
          f"{floor_wall:.1f} s, PyTorch / floor = {wall_t / floor_wall:.2f} (target >= 1.2); before the first epoch >= "
          f"{100 * floor_before / floor_wall:.0f} % of the wall clock (target <= 15 %)")
