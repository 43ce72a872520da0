#!/usr/bin/env bash
# Collections benchmark: few-shot accuracy on Fashion-MNIST (Debian's dataset-fashion-mnist) of imprinting
# and the trained softmax head on MobileNetV2's pooled features, against scikit-learn's LogisticRegression
# and NearestCentroid on the same exported embeddings, with 1/5/10/20 shots per class (fixed seeds).
# Usage: bench/collections.sh    Writes target/bench/collections.md (embeddings in target/bench/collections/).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
bench_setup dataset-fashion-mnist python3-sklearn python3-numpy
# ModelThread reads its setting through a SmallRye config mapping, which outside the app is generated
# with ASM (the app gets it generated at build time): the newest ASM in the local Maven repository.
asm="$(ls ~/.m2/repository/org/ow2/asm/asm/*/asm-*.jar 2>/dev/null | grep -v sources | sort -V | tail -1)"
[[ -n "$asm" ]] || ./mvnw -B -q dependency:get -Dartifact=org.ow2.asm:asm:9.8
asm="${asm:-$(ls ~/.m2/repository/org/ow2/asm/asm/*/asm-*.jar | sort -V | tail -1)}"
java -Xmx3g -cp "$cp:$asm" bench/CollectionsBench.java
/usr/bin/python3 bench/sklearn_collections.py target/bench/collections | tee target/bench/collections.md
