#!/usr/bin/env bash
# Classification latency through the app, as a user gets it: the packaged app on a free port, 5 warm-up
# jobs, then N sequential POST /api/v1/classify of cat.bmp (mobilenet-v2). Prints the p50 of the job's own
# inference timing (timingsMs.inference: hand-off to the model thread, forward pass, probabilities) and of
# the whole request (upload, decode, preprocess, inference, JSON). Usage: bench/classify-server.sh [N]   (300)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
trap stop_app EXIT
build_if_needed
n="${1:-300}"
out=target/bench
mkdir -p "$out"
start_app "$out/classify-server-app.log" "$(pwd)/$out/classify-server-data" -Xmx2g
for _ in $(seq 5); do curl -sf -F image=@../shared/images/cat.bmp "$base/api/v1/classify" >/dev/null; done
samples="$out/classify-server.txt"
: >"$samples"
for _ in $(seq "$n"); do
  s=$(date +%s%N)
  r=$(curl -sf -F image=@../shared/images/cat.bmp "$base/api/v1/classify")
  e=$(date +%s%N)
  echo "$(jq -r '.result.timingsMs.inference // .timingsMs.inference' <<<"$r") $(( (e - s) / 1000000 ))" >>"$samples"
done
stop_app
p50() { sort -n -k"$1" "$samples" | awk -v c="$1" '{a[NR]=$c} END {print a[int(NR/2)+1]}'; }
last() { tail -n 50 "$samples" | sort -n -k"$1" | awk -v c="$1" '{a[NR]=$c} END {print a[int(NR/2)+1]}'; }
echo "classify through the app, $n sequential requests, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "inference ms p50: all $(p50 1), last 50 $(last 1); request ms p50: all $(p50 2), last 50 $(last 2)"
