#!/usr/bin/env bash
# Makes model-zoo/calibration/*.json, the int8 ranges of the upscale and segment models (dev.pixelwise.zoo.Int8Calibration):
# every fused convolution's float32 input range over the shared photos, the guards' photos left out.
# Run again when a model file or an importer's graph format changes (the app then ignores the old table and says so).
# Usage: model-zoo/calibrate-int8.sh [models dir] [photos dir]   (defaults: the app's zoo dir, ../shared/images)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
bench_setup
build_if_needed
java -Xmx6g ${JAVA_OPTS:-} -cp "$cp" dev.pixelwise.zoo.Int8Calibration \
  "${1:-$HOME/.cache/pixelwise/models}" "${2:-../shared/images}" model-zoo/calibration
