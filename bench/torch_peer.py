#!/usr/bin/env python3
"""PyTorch CPU peer of the cdae-spark training step, for bench/run-benchmarks.

Same model and step as TrainingStepBenchmark: 784 -> h -> 784, one sigmoid layer, tied weights, sigmoid output,
per-record squared error averaged over the batch, closed-form contractive term sum_j (h_j(1-h_j))^2 sum_i W_ij^2
with lambda = 0.1, masking noise 0.2 drawn per step, Adam(1e-3), float32, the same thread counts as the project's
benchmark (1 and 2 by default, or the counts given as arguments).
Prints one line per configuration: "torch threads=T hidden=H batch=B samples_per_s=S" (median of 5 runs).
"""
import statistics
import sys
import time

import torch

THREADS = [int(t) for t in sys.argv[1:]] or [1, 2]
torch.manual_seed(42)


def run(hidden, batch, steps):
    d = 784
    w = torch.empty(d, hidden).uniform_(-(6 / (d + hidden)) ** 0.5, (6 / (d + hidden)) ** 0.5).requires_grad_()
    b = torch.zeros(hidden, requires_grad=True)
    c = torch.zeros(d, requires_grad=True)
    opt = torch.optim.Adam([w, b, c], lr=1e-3)
    x = torch.where(torch.rand(batch, d) < 0.5, torch.zeros(batch, d), torch.rand(batch, d))
    lam = 0.1

    def step():
        x_tilde = x * (torch.rand_like(x) >= 0.2)
        h = torch.sigmoid(x_tilde @ w + b)
        y = torch.sigmoid(h @ w.t() + c)
        rec = ((y - x) ** 2).sum(1).mean()
        contractive = (((h * (1 - h)) ** 2) * (w ** 2).sum(0)).sum(1).mean()
        loss = rec + lam * contractive
        opt.zero_grad()
        loss.backward()
        opt.step()

    for _ in range(20):
        step()
    rates = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(steps):
            step()
        rates.append(steps * batch / (time.perf_counter() - t0))
    return statistics.median(rates)


for threads in THREADS:
    torch.set_num_threads(threads)
    for hidden in (64, 256):
        for batch in (128, 512):
            rate = run(hidden, batch, 200 if batch == 128 else 60)
            print(f"torch threads={threads} hidden={hidden} batch={batch} samples_per_s={rate:.0f}", flush=True)
