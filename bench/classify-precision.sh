#!/usr/bin/env bash
# Classify in reduced precision: MobileNetV2's forward pass in fp32, bf16 and int8 through the app's GraphRunner,
# and each one's top-1 and probabilities against fp32 on the shared photos (issue #18's guard), in one run
# (bench/ClassifyPrecisionBench.java). Why classify has no precision option; its peer comparison is bench/classify.sh.
# Usage: bench/classify-precision.sh   Writes target/bench/classify-precision.md. Run it on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
bench_setup
build_if_needed
classes=target/bench-classes-classify-precision
rm -rf "$classes" && mkdir -p "$classes"
javac -nowarn -d "$classes" -cp "$cp" bench/ClassifyPrecisionBench.java bench/ClassifyBench.java bench/ProfileBench.java bench/SuperresBench.java
java -Xmx3g ${JAVA_OPTS:-} -cp "$classes:$cp" ClassifyPrecisionBench "$@"
