#!/usr/bin/env bash
# Per-op profile of the imported graphs through the app's GraphRunner: MobileNetV2, DeepLabV3 (513²) and
# ESRGAN thick ×4 (64²); per op type and per layer: calls, ms, share, multiply-adds and GFLOP/s, with the
# oneDNN reorders inside ND4J's conv ops as their own rows (from one DNNL_VERBOSE=1 JVM per model first).
# Usage: bench/profile.sh [--runs N] [--warmup N] [model ...]   (mobilenet-v2, deeplabv3-mnv2, esrgan-thick-x4)
# Writes the table to target/bench/profile.md. A benchmark, not a timed test: run it on an idle machine.
# Before/after issue #18: JAVA_OPTS="-Dpixelwise.tflite.nchw=true -Dpixelwise.zoo.onednn-fusion=false" bench/profile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
bench_setup
build_if_needed
models=()
for a in "$@"; do [[ "$a" == -* || "$a" =~ ^[0-9]+$ ]] || models+=("$a"); done
((${#models[@]})) || models=(mobilenet-v2 deeplabv3-mnv2 esrgan-thick-x4)
# Compiled, not run as a single source file: ProfileBench takes the ESRGAN files and the median from
# SuperresBench, which a single-file program's own class loader cannot reach.
classes=target/bench-classes-profile
rm -rf "$classes" && mkdir -p "$classes"
javac -nowarn -d "$classes" -cp "$cp" bench/ProfileBench.java bench/SuperresBench.java
logs=()
for m in "${models[@]}"; do
  log="target/bench/dnnl-verbose-$m.log"
  echo "oneDNN verbose pass: $m" >&2
  DNNL_VERBOSE=1 java -Xmx4g ${JAVA_OPTS:-} -cp "$classes:$cp" ProfileBench --dnnl-pass "$m" >"$log"
  logs+=(--dnnl-log "$m=$log")
done
java -Xmx4g ${JAVA_OPTS:-} -cp "$classes:$cp" ProfileBench "${logs[@]}" "$@"
