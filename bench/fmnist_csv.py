#!/usr/bin/env python3
"""Writes the Fashion-MNIST training images (IDX, gzip) as CSV with a header p0..p783 and one row of 784 pixel
values (0-255) per image, the input of bench/e2e-vs-torch; ROWS_FACTOR > 1 repeats the images that many times.
Usage: fmnist_csv.py IDX_DIR OUT.csv [ROWS_FACTOR]"""
import gzip
import struct
import sys

idx_dir, out = sys.argv[1:3]
factor = int(sys.argv[3]) if len(sys.argv) > 3 else 1
with gzip.open(f"{idx_dir}/train-images-idx3-ubyte.gz", "rb") as f:
    magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
    if magic != 2051:
        sys.exit(f"{idx_dir}/train-images-idx3-ubyte.gz: expected IDX magic 2051, found {magic}")
    pixels = f.read(n * rows * cols)
width = rows * cols
lines = [",".join(map(str, pixels[i * width:(i + 1) * width])) for i in range(n)]
with open(out, "w") as f:
    f.write(",".join(f"p{j}" for j in range(width)) + "\n")
    for _ in range(factor):
        f.write("\n".join(lines) + "\n")
