#!/usr/bin/env bash
# Writes the generated hostile-upload corpus (src/test/java/dev/pixelwise/hostile/HostileCorpus.java)
# to a folder, sorted into refused/, valid/ and damaged/ by what the app must do with each file.
# Usage: bench/hostile-corpus.sh [folder]   (default target/hostile-corpus)
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" dev.pixelwise.hostile.HostileCorpus "${1:-target/hostile-corpus}"
