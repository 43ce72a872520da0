#!/usr/bin/env bash
# What a class activation map costs, through the app: the packaged app on a free port, 10 warm-up jobs of
# each kind, then N rounds of POST /api/v1/classify of cat.bmp (mobilenet-v2, topK 5), each round one plain
# request and one with explain=cam (interleaved, so drift in the machine's load hits both alike). Prints
# the p50 of the whole request and of the job's inference and explain timings for each, the CAM/plain
# ratio of the request p50s, and the CPU. Usage: bench/cam.sh [N]   (200)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
trap stop_app EXIT
build_if_needed
n="${1:-200}"
out=target/bench
mkdir -p "$out"
start_app "$out/cam-app.log" "$(pwd)/$out/cam-data" -Xmx2g
img=../shared/images/cat.bmp
for _ in $(seq 10); do
  curl -sf -F image=@"$img" "$base/api/v1/classify" >/dev/null
  curl -sf -F image=@"$img" -F explain=cam "$base/api/v1/classify" >/dev/null
done
plain="$out/cam-plain.txt"
cam="$out/cam-cam.txt"
: >"$plain"
: >"$cam"
sample() { # sample FILE [curl fields...]: request ms, inference ms, explain ms (0 when none)
  local file="$1" s e r
  shift
  s=$(date +%s%N)
  r=$(curl -sf -F image=@"$img" "$@" "$base/api/v1/classify")
  e=$(date +%s%N)
  echo "$(( (e - s) / 1000000 )) $(jq -r '.result.timingsMs.inference' <<<"$r") $(jq -r '.result.timingsMs.explain // 0' <<<"$r")" >>"$file"
}
for _ in $(seq "$n"); do
  sample "$plain"
  sample "$cam" -F explain=cam
done
stop_app
p50() { sort -n -k"$2" "$1" | awk -v c="$2" '{a[NR]=$c} END {print a[int(NR/2)+1]}'; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
rp=$(p50 "$plain" 1)
rc=$(p50 "$cam" 1)
echo "CAM vs plain classify through the app: cat.bmp, mobilenet-v2, topK 5, $n rounds, $(nproc) cores ($cpu), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| request | p50 request ms | p50 inference ms | p50 explain ms |"
echo "|---|---|---|---|"
echo "| plain | $rp | $(p50 "$plain" 2) | - |"
echo "| explain=cam | $rc | $(p50 "$cam" 2) | $(p50 "$cam" 3) |"
echo "ratio cam/plain (request p50): $(awk -v a="$rc" -v b="$rp" 'BEGIN {printf "%.3f", a / b}')"
