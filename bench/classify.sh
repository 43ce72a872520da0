#!/usr/bin/env bash
# Classification benchmark: the app's SameDiff MobileNets against the same networks in PyTorch CPU
# (Debian's python3-torch, built by bench/torch_tflite.py from the same .tflite weights), and for MobileNetV2
# torchvision's scripted + frozen + optimize_for_inference twin (bench/torchscript_mobilenet.py), in one run.
# Usage: bench/classify.sh [--warmup N] [model ...]   (mobilenet-v2, mobilenet-v1-0.75; default both;
#        N warm-up runs per engine before timing, default 5)
# Writes the table to target/bench/classify.md. A benchmark, not a timed test: run it on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
bench_setup python3-torch python3-torchvision python3-numpy
# Single-file program: compiled and run by the java launcher against the app's classes.
java -Xmx2g ${JAVA_OPTS:-} -cp "$cp" bench/ClassifyBench.java "$@"
