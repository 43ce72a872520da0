#!/usr/bin/env bash
# Quantize as users get it, against pngquant in the same run: the packaged app over HTTP with default
# options (files as served), bytes / PSNR / ΔE per k, WebP and JPEG at matched bytes, soft-alpha images
# composited on white and black, and upload-to-finished-job time of k=16 and of all eight k.
# Usage: bench/quantize-e2e.sh [--quick | --timing]   (--timing: only the 12 MP end-to-end times)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
bench_setup pngquant webp libjpeg-turbo-progs
trap stop_app EXIT
build_if_needed
start_app target/bench/quantize-e2e-app.log "$(pwd)/target/bench/quantize-e2e-data"
java -Xmx4g -cp "$cp" bench/QuantizeE2EBench.java "$base" "$@"
