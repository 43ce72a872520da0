#!/usr/bin/env bash
# Quantize benchmark: our k-means against pngquant and scikit-learn on the same images, in one run.
# Usage: bench/quantize.sh [--quick]   (needs Debian's pngquant, python3-sklearn, python3-pil)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
bench_setup pngquant python3-sklearn python3-pil
# Single-file program: compiled and run by the java launcher against the app's classes.
java -Xmx8g -cp "$cp" bench/QuantizeBench.java "$@"
