#!/usr/bin/python3
"""scikit-learn's peers for bench/CollectionsBench.java on the very same embeddings: LogisticRegression
(C=1, the objective our head minimises) and NearestCentroid, for the same draws and shots; prints the
Markdown table with the app's numbers beside them."""
import json
import platform
import sys
import time

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import NearestCentroid

OUT = sys.argv[1] if len(sys.argv) > 1 else "target/bench/collections"
java = json.load(open(f"{OUT}/java.json"))
X_test = np.load(f"{OUT}/X_test.npy")
y_test = np.load(f"{OUT}/y_test.npy")

rows = {}
for run in java["runs"]:
    seed, k = run["seed"], run["shots"]
    X_pool = np.load(f"{OUT}/X_pool_{seed}.npy")
    y_pool = np.load(f"{OUT}/y_pool_{seed}.npy")
    take = np.array([c * 20 + r for c in range(10) for r in range(k)])
    X, y = X_pool[take], y_pool[take]
    t0 = time.perf_counter()
    lr = LogisticRegression(C=1.0, max_iter=5000).fit(X, y)
    lr_ms = (time.perf_counter() - t0) * 1000
    lr_acc = float((lr.predict(X_test) == y_test).mean())
    nc_acc = float((NearestCentroid().fit(X, y).predict(X_test) == y_test).mean())
    r = rows.setdefault(k, {"imprinting": [], "head": [], "lr": [], "nc": [], "train_ms": [], "lr_ms": []})
    r["imprinting"].append(run["imprinting"])
    r["head"].append(run["head"])
    r["lr"].append(lr_acc)
    r["nc"].append(nc_acc)
    r["train_ms"].append(run["headTrainMs"])
    r["lr_ms"].append(lr_ms)

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
seeds = sorted({run["seed"] for run in java["runs"]})
print(f"CPU: {cpu}, {len(open('/proc/cpuinfo').read().split('processor')) - 1} cores; scikit-learn {sklearn.__version__}; "
      f"seeds {seeds}, mean accuracy on the first 1000 Fashion-MNIST test images (10 classes)\n")
print("| shots per class | imprinting (ours) | trained head (ours) | LogisticRegression (sklearn) | NearestCentroid (sklearn) "
      "| head − LR | head training (ms) | LR fit (ms) |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|")
for k in sorted(rows):
    r = rows[k]
    m = {n: 100 * np.mean(v) for n, v in r.items() if n not in ("train_ms", "lr_ms")}
    print(f"| {k} | {m['imprinting']:.1f} % | {m['head']:.1f} % | {m['lr']:.1f} % | {m['nc']:.1f} % | "
          f"{m['head'] - m['lr']:+.1f} | {np.mean(r['train_ms']):.0f} | {np.mean(r['lr_ms']):.0f} |")
print(f"\nEmbedding one example (MobileNetV2 to the pool, one image alone): {java['embedMsOneImage']:.1f} ms; "
      f"in batches of 16: {java['embedMsPerImageBatched']:.1f} ms per image. Classifying one embedding with both "
      f"methods: {np.mean([r['classifyUsBoth'] for r in java['runs']]):.0f} µs.")
