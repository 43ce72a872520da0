#!/usr/bin/env bash
# Classification benchmark: the app's SameDiff MobileNets against the same networks in PyTorch CPU
# (Debian's python3-torch, built by bench/torch_tflite.py from the same .tflite weights), in one run.
# Usage: bench/classify.sh [--warmup N] [model ...]   (mobilenet-v2, mobilenet-v1-0.75; default both;
#        N warm-up runs per engine before timing, default 5)
# Writes the table to target/bench/classify.md. A benchmark, not a timed test: run it on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for p in python3-torch python3-numpy; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "Installing ${missing[*]}" >&2
  apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi
[[ -f target/quarkus-app/quarkus-run.jar ]] || ./mvnw -B -q package -DskipTests
# lib/boot too: the importer logs through jboss-logging, which Quarkus keeps there.
cp="target/classes:$(ls target/quarkus-app/lib/boot/*.jar target/quarkus-app/lib/main/*.jar | tr '\n' ':')"
mkdir -p target/bench
# Single-file program: compiled and run by the java launcher against the app's classes.
java -Xmx2g -cp "$cp" bench/ClassifyBench.java "$@"
