#!/usr/bin/env bash
# Quantize benchmark: our k-means against pngquant and scikit-learn on the same images, in one run.
# Usage: bench/quantize.sh [--quick]   (needs Debian's pngquant, python3-sklearn, python3-pil)
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for p in pngquant python3-sklearn python3-pil; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "Installing ${missing[*]}" >&2
  apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
[[ -f target/quarkus-app/quarkus-run.jar ]] || ./mvnw -B -q package -DskipTests
cp="target/classes:$(ls target/quarkus-app/lib/main/*.jar | tr '\n' ':')"
mkdir -p target/bench
# Single-file program: compiled and run by the java launcher against the app's classes.
java -Xmx8g -cp "$cp" bench/QuantizeBench.java "$@"
