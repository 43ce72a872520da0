#!/usr/bin/env bash
# Super-resolution benchmark: the app's ESRGAN generators (TF.js imported into SameDiff, tiled as the app
# runs them) against the same weights in PyTorch CPU (Debian's python3-torch, bench/esrgan_torch_bench.py),
# the peak RSS of a 2048×2048 x4 job in a child JVM, and the self-check against bicubic — in one run.
# Usage: bench/superres.sh [--rss-heap=2g] [--skip-speed] [--skip-rss] [--skip-selfcheck]
# Writes the tables to target/bench/superres.md. A benchmark, not a timed test: run it on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
bench_setup python3-torch python3-numpy python3-pil
# Single-file program: compiled and run by the java launcher against the app's classes.
# The peak-RSS measurement runs in a child JVM of its own (-Xmx from --rss-heap).
java -Xmx4g -cp "$cp" bench/SuperresBench.java "$@"
