#!/usr/bin/env bash
# Segmentation benchmark: the app's SameDiff DeepLabV3 (513², through its GraphRunner, fused oneDNN
# convolutions on) against the same network in PyTorch CPU (Debian's python3-torch, built by
# bench/torch_tflite.py from the same .tflite weights), alternating rounds in one run (bench/SegmentBench.java).
# Usage: bench/segment.sh [--warmup N] [--rounds N]
# Writes the table to target/bench/segment.md. A benchmark, not a timed test: run it on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
bench_setup python3-torch python3-numpy
build_if_needed
# Compiled, not run as a single source file: SegmentBench reuses ClassifyBench's exporter and timing
# helpers (and ProfileBench's CPU name), which a single-file program's own class loader cannot reach.
classes=target/bench-classes-segment
rm -rf "$classes" && mkdir -p "$classes"
javac -nowarn -d "$classes" -cp "$cp" bench/SegmentBench.java bench/ClassifyBench.java bench/ProfileBench.java bench/SuperresBench.java
java -Xmx3g ${JAVA_OPTS:-} -cp "$classes:$cp" SegmentBench "$@"
