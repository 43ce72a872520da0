#!/usr/bin/env bash
# Super-resolution benchmark: the app's ESRGAN generators (TF.js imported into SameDiff, tiled as the app
# runs them) against the same weights in PyTorch CPU (Debian's python3-torch, bench/esrgan_torch_bench.py)
# and the self-check against bicubic, then the app's peak RSS on a 2048×2048 x4 job (bench/upscale-rss.sh).
# Usage: [BENCH_JAVA_OPTS="-Dtile=128 -Donly=thick-256"] bench/superres.sh [--skip-speed] [--skip-selfcheck] [--skip-rss]
# Writes target/bench/superres.md and upscale-rss.md. A benchmark, not a timed test: run it on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
bench_setup python3-torch python3-numpy python3-pil
# Single-file program: compiled and run by the java launcher against the app's classes.
args=()
rss=1
for a in "$@"; do [[ "$a" == --skip-rss ]] && rss="" || args+=("$a"); done
java -Xmx4g ${BENCH_JAVA_OPTS:-} -cp "$cp" bench/SuperresBench.java "${args[@]}"
[[ -z "$rss" ]] || bash bench/upscale-rss.sh
