#!/usr/bin/env bash
# Matched-size WebP / JPEG / AVIF search of FormatEncoder against full bisection (see bench/FormatsBench.java).
# Usage: bench/formats.sh [-Dimages=parrot,collage12 -Dformats=webp,jpeg -Dlossless=true -Dconcurrent=true ...]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
bench_setup webp libavif-bin
# Compiled, not run as a single source file: it reads FormatEncoder's package-private search trace.
rm -rf target/bench-classes && mkdir -p target/bench-classes
javac -d target/bench-classes -cp "$cp" bench/FormatsBench.java
lscpu | grep 'Model name' || true
uptime
java -Xmx6g "$@" -cp "target/bench-classes:$cp" dev.pixelwise.imaging.FormatsBench
