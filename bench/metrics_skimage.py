"""The same scores with scikit-image (Debian's python3-skimage), timed the same way: best wall time of
the rounds and the process CPU of that call. Prints: skimage METRIC VALUE WALL_MS CPU_MS.
SSIM on luma Y = 0.299R + 0.587G + 0.114B, Gaussian window sigma 1.5, population covariance, as ours.
Usage: /usr/bin/python3 bench/metrics_skimage.py ORIGINAL.png CANDIDATE.png ROUNDS"""
import sys
import time

import numpy as np
from skimage import io, color
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

a = io.imread(sys.argv[1])[..., :3]
b = io.imread(sys.argv[2])[..., :3]
rounds = int(sys.argv[3])


def luma(img):
    return img.astype(np.float64) @ np.array([0.299, 0.587, 0.114])


def ciede(x, y):
    return float(np.mean(color.deltaE_ciede2000(color.rgb2lab(x), color.rgb2lab(y))))


metrics = [
    ("psnr", lambda: peak_signal_noise_ratio(a, b, data_range=255)),
    ("ssim", lambda: structural_similarity(luma(a), luma(b), data_range=255, gaussian_weights=True, sigma=1.5,
                                           use_sample_covariance=False)),
    ("ciede2000", lambda: ciede(a, b)),
]
for name, fn in metrics:
    best_wall, best_cpu, value = float("inf"), float("inf"), 0.0
    for _ in range(rounds):
        c0, t0 = time.process_time(), time.perf_counter()
        value = fn()
        best_wall = min(best_wall, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    print(f"skimage {name} {value:.5f} {best_wall * 1000:.0f} {best_cpu * 1000:.0f}")
