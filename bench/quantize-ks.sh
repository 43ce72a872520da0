#!/usr/bin/env bash
# Per-k time and PSNR of the quantizer (k = 2..256), prepare, k = 16 alone and all eight k in one job.
# Usage: bench/quantize-ks.sh [--seed N]   (run bench/quantize.sh once first: it writes the images)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
bench_setup
java -Xmx8g -cp "$cp" bench/QuantizeKsBench.java "$@"
