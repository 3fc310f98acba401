#!/usr/bin/env python3
"""The plain PyTorch script of bench/e2e-vs-torch: the job cdae-train runs there, from the CSV to a saved model.
Reads the CSV (pandas, C parser, float32), holds out 10 % of the rows, scales to [0, 1] with the training rows'
per-feature min and max, trains 784-256-784 (sigmoid units, untied weights, sigmoid output, squared error summed
per row and averaged over the batch, masking noise, closed-form contractive term, Adam) on shuffled minibatches,
scores the held-out rows and takes the MAD threshold as cdae-train does, and saves the model with torch.save.
Prints the phases' times and "torch-e2e train_samples=N train_s=S samples_per_s=R".
Usage: torch_e2e.py CSV OUT.pt EPOCHS THREADS [BATCH HIDDEN CORRUPTION LAMBDA]"""
import sys
import time

t_start = time.perf_counter()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import torch  # noqa: E402

csv, out, epochs, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
batch, hidden, level, lam = (int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8])) \
    if len(sys.argv) > 8 else (128, 256, 0.1, 0.001)
torch.set_num_threads(threads)
torch.manual_seed(42)


def phase(name):
    print(f"torch-e2e phase={name} t={time.perf_counter() - t_start:.2f}", flush=True)


phase("imports")
x = torch.from_numpy(pd.read_csv(csv, dtype=np.float32, engine="c").to_numpy())
phase("read")
held = torch.rand(x.shape[0]) < 0.1
train, held_out = x[~held], x[held]
lo, hi = train.min(0).values, train.max(0).values
scale = torch.where(hi > lo, hi - lo, torch.ones_like(hi))
train, held_out = (train - lo) / scale, (held_out - lo) / scale
phase("scaled")
d = x.shape[1]
bound = (6 / (d + hidden)) ** 0.5
w = torch.empty(d, hidden).uniform_(-bound, bound).requires_grad_()
v = torch.empty(hidden, d).uniform_(-bound, bound).requires_grad_()
b, c = torch.zeros(hidden, requires_grad=True), torch.zeros(d, requires_grad=True)
opt = torch.optim.Adam([w, b, v, c], lr=1e-3)
t_train = time.perf_counter()
for epoch in range(epochs):
    t_epoch = time.perf_counter()
    total = 0.0
    for idx in torch.randperm(train.shape[0]).split(batch):
        xb = train[idx]
        h = torch.sigmoid((xb * (torch.rand_like(xb) >= level)) @ w + b)
        y = torch.sigmoid(h @ v + c)
        loss = ((y - xb) ** 2).sum(1).mean() + lam * (((h * (1 - h)) ** 2) * (w ** 2).sum(0)).sum(1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    print(f"torch-e2e epoch={epoch + 1} loss={total / train.shape[0]:.4f} seconds={time.perf_counter() - t_epoch:.2f}",
          flush=True)
train_s = time.perf_counter() - t_train
with torch.no_grad():
    errors = ((torch.sigmoid(torch.sigmoid(held_out @ w + b) @ v + c) - held_out) ** 2).sum(1)
    median = errors.median()
    threshold = median + 3.0 * 1.4826 * (errors - median).abs().median()
torch.save({"w": w, "b": b, "v": v, "c": c, "offset": lo, "scale": scale, "threshold": threshold}, out)
phase("saved")
samples = epochs * train.shape[0]
print(f"torch-e2e train_samples={samples} train_s={train_s:.2f} samples_per_s={samples / train_s:.0f}", flush=True)
