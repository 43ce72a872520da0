#!/usr/bin/python3
"""Peer for the quantize benchmark: scikit-learn KMeans with its defaults on all pixels.

Usage: sklearn_quantize.py INPUT.png K OUTPUT.png
Prints one line: seconds=<fit+predict wall time>
"""
import sys
import time

import numpy as np
from PIL import Image
from sklearn.cluster import KMeans


def main():
    src, k, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rgb = np.asarray(Image.open(src).convert("RGB"))
    h, w, _ = rgb.shape
    pixels = rgb.reshape(-1, 3).astype(np.float64)
    start = time.perf_counter()
    model = KMeans(n_clusters=k, random_state=0).fit(pixels)
    labels = model.predict(pixels)
    seconds = time.perf_counter() - start
    palette = np.clip(np.rint(model.cluster_centers_), 0, 255).astype(np.uint8)
    Image.fromarray(palette[labels].reshape(h, w, 3)).save(out)
    print(f"seconds={seconds:.3f}")


if __name__ == "__main__":
    main()
