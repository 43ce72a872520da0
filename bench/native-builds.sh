#!/usr/bin/env bash
# ND4J's native builds against each other on this CPU: bench/classify.sh mobilenet-v2 and bench/segment.sh
# (DeepLabV3 513²), one round of each per build, the builds alternating for N rounds (a slow spell of a
# shared machine then hits both alike). Each round's PyTorch / TorchScript peers run beside DL4J as usual,
# so the DL4J/peer ratios compare the builds even when the machine's speed drifts.
# Usage: bench/native-builds.sh [--rounds N] [build ...]   (default 3 rounds; onednn-avx2 onednn-avx512)
# Writes the table to target/bench/native-builds.md. A benchmark, not a timed test: run it on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3
builds=()
while (($#)); do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    *) builds+=("$1"); shift ;;
  esac
done
((${#builds[@]})) || builds=(onednn-avx2 onednn-avx512)
out=target/bench/native-builds
rm -rf "$out" && mkdir -p "$out"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/load"
for r in $(seq "$rounds"); do
  for b in "${builds[@]}"; do
    echo "== round $r, $b" >&2
    ND4J_NATIVE="$b" bash bench/classify.sh --rounds 1 mobilenet-v2 >"$out/classify-$b-$r.log" 2>&1
    cp target/bench/classify.md "$out/classify-$b-$r.md"
    ND4J_NATIVE="$b" bash bench/segment.sh --rounds 1 >"$out/segment-$b-$r.log" 2>&1
    cp target/bench/segment.md "$out/segment-$b-$r.md"
    # the build must be the one asked for (JavaCPP loads another without complaint when it cannot find it)
    grep -q "build linux-x86_64-$b " "$out/classify-$b-$r.md" "$out/segment-$b-$r.md" \
      || { echo "round $r: $b did not load, see $out/*-$b-$r.md" >&2; exit 1; }
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/load"
/usr/bin/python3 - "$out" "$rounds" "${builds[@]}" <<'PY' | tee target/bench/native-builds.md
import re, statistics, sys
out, rounds, builds = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def row(path, model):
    line = next(l for l in open(path) if l.startswith(f"| {model} |"))
    return [c.strip().strip("*") for c in line.strip().strip("|").split("|")]
cpu = next(l for l in open(f"{out}/segment-{builds[0]}-1.md") if l.startswith("CPU:")).split(";")[0]
print(f"{cpu}; {' / '.join(open(f'{out}/load').read().split(chr(10))[:2])}\n")
print("| build | MobileNetV2 DL4J p50 ms | DL4J/PyTorch | DL4J/TorchScript | DeepLabV3 513² DL4J p50 ms | DL4J/PyTorch |")
print("|---|---|---|---|---|---|")
for b in builds:
    c = [row(f"{out}/classify-{b}-{r}.md", "mobilenet-v2") for r in range(1, rounds + 1)]
    s = [row(f"{out}/segment-{b}-{r}.md", "deeplabv3-mnv2") for r in range(1, rounds + 1)]
    def cell(values):
        v = [float(x) for x in values]
        return f"{statistics.median(v):.2f} ({', '.join(f'{x:.2f}' for x in v)})"
    print(f"| {b} | {cell(x[1] for x in c)} | {cell(x[5] for x in c)} | {cell(x[7] for x in c)} "
          f"| {cell(x[2] for x in s)} | {cell(x[6] for x in s)} |")
print(f"\nMedian over {rounds} alternating rounds (each round's values in brackets); one round = bench/classify.sh "
      "--rounds 1 mobilenet-v2 then bench/segment.sh --rounds 1, each in its own JVM with that build.")
PY
