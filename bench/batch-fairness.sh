#!/usr/bin/env bash
# Is a batch fair to everyone else? Clients send single quantize jobs while the server is idle, then
# while a batch of many images runs; prints queue-wait and end-to-end percentiles of both phases and
# the ratio of the p95 waits (issue #15's target: at most 2×).
# Usage: bench/batch-fairness.sh [CLIENTS] [SECONDS] [BATCH_IMAGES]   (default 8 40 200)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
bench_setup
trap stop_app EXIT
build_if_needed
start_app target/bench/batch-fairness-app.log "$(pwd)/target/bench/batch-fairness-data"
java bench/BatchFairnessBench.java "$base" "$@"
