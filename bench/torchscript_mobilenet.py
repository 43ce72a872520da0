#!/usr/bin/python3
"""The TorchScript peer of bench/classify.sh: what a PyTorch user deploys for MobileNetV2 on a CPU.

Usage: /usr/bin/python3 bench/torchscript_mobilenet.py INPUT.bin [warm-up runs, default 5]

torchvision's MobileNetV2 architecture (Debian's python3-torchvision) with random weights (no network
here to download the trained ones; the weights do not change the time of a dense float network),
eval(), torch.jit.script, torch.jit.freeze and torch.jit.optimize_for_inference (which folds the batch
norms into the convolutions and, with MKL-DNN, runs the convolutions on prepacked oneDNN weights with
the activations kept in oneDNN's layout between them). torch.set_num_threads(2), torch.inference_mode();
input.bin is ClassifyBench's image, float32 NCHW [1, 3, 224, 224]. The same protocol as
bench/torch_tflite.py: warm-up, 50 single-image runs (p50 / p95, nearest rank), warm-up + 10 runs of a
batch of 8; one JSON line.
"""
import json
import sys
import time
import os

import numpy as np
import torch
import torchvision

from torch_tflite import BATCH, BATCH_RUNS, SINGLE_RUNS, THREADS, WARMUP, machine_busy, own_ticks, percentile


def main():
    data = sys.argv[1]
    warmup = int(sys.argv[2]) if len(sys.argv) > 2 else WARMUP
    torch.set_num_threads(THREADS)
    torch.manual_seed(0)
    model = torchvision.models.mobilenet_v2(weights=None, num_classes=1000).eval()
    scripted = torch.jit.script(model)
    frozen = torch.jit.optimize_for_inference(torch.jit.freeze(scripted))
    kinds = sorted({n.kind() for n in frozen.graph.nodes()})
    one = torch.from_numpy(np.fromfile(data, dtype="<f4").reshape(1, 3, 224, 224).copy())
    eight = one.repeat(BATCH, 1, 1, 1).contiguous()
    with torch.inference_mode():
        eager = model(one)
        optimized = frozen(one)
        diff = float((eager - optimized).abs().max())
        busy0, own0, t_start = machine_busy(), own_ticks(), time.perf_counter()
        for _ in range(max(warmup, 3) - 1):  # the first runs of a frozen graph still optimise it
            frozen(one)
        ms = []
        for _ in range(SINGLE_RUNS):
            t0 = time.perf_counter()
            frozen(one)
            ms.append((time.perf_counter() - t0) * 1e3)
        for _ in range(max(1, min(warmup, 5))):
            frozen(eight)
        t0 = time.perf_counter()
        for _ in range(BATCH_RUNS):
            frozen(eight)
        seconds = time.perf_counter() - t0
        capacity = (time.perf_counter() - t_start) * os.sysconf("SC_CLK_TCK") * os.cpu_count()
        foreign = max(0.0, 100.0 * ((machine_busy() - busy0) - (own_ticks() - own0)) / capacity)
    ms.sort()
    print(json.dumps({"p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95),
                      "batch8_img_s": BATCH * BATCH_RUNS / seconds, "top1": int(optimized[0].argmax()),
                      "max_abs_diff_vs_eager": diff, "threads": torch.get_num_threads(),
                      "mkldnn_ops": [k for k in kinds if "mkldnn" in k or "prepacked" in k],
                      "foreign_cpu_pct": foreign, "torch": torch.__version__,
                      "torchvision": torchvision.__version__}))


if __name__ == "__main__":
    main()
