#!/usr/bin/env bash
# Classification latency through the app, as a user gets it, against TorchScript in the same run: the packaged
# app on a free port, WARMUP warm-up jobs, then ROUNDS rounds of (N sequential POST /api/v1/classify of cat.bmp
# with mobilenet-v2, then one run of TorchScript's MobileNetV2 with WARMUP warm-up runs), so a slow spell of a
# shared machine meets both engines alike. Per request: the job's own inference time (timingsMs.inference: the
# hand-off to the model thread, the forward pass, the probabilities), exact from the app's
# pixelwise_job_stage_seconds metric (timingsMs truncates it to whole ms), and the whole request (upload, decode,
# preprocess, inference, JSON).
# Usage: [WARMUP=200] [ROUNDS=3] [APP_JAVA_OPTS=...] bench/classify-server.sh [N]   (100)
# The defaults are issue #18's protocol (p50 of 100 requests after 200 warm-up): with 5 warm-up jobs the JIT was
# still compiling through the first few hundred requests (p50 8 ms over 300, 6 ms over the last 50).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
trap stop_app EXIT
bench_setup python3-torch python3-torchvision python3-numpy python3-pil
build_if_needed
n="${1:-100}"
warmup="${WARMUP:-200}"
rounds="${ROUNDS:-3}"
out=target/bench
mkdir -p "$out"
# TorchScript's input: the image as the app prepares it (MobileNet: mean 128, std 128), float32 NCHW
/usr/bin/python3 - "$out/classify-server-input.bin" <<'PY'
import sys
import numpy as np
from PIL import Image
im = Image.open('../shared/images/cat.bmp').convert('RGB').resize((224, 224), Image.BILINEAR)
x = (np.asarray(im, dtype=np.float32) - 128) / 128
x.transpose(2, 0, 1).astype('<f4').tofile(sys.argv[1])
PY
start_app "$out/classify-server-app.log" "$(pwd)/$out/classify-server-data" -Xmx2g ${APP_JAVA_OPTS:-}
for _ in $(seq "$warmup"); do curl -sf -F image=@../shared/images/cat.bmp "$base/api/v1/classify" >/dev/null; done
# How the app placed its threads (zoo.CoreSharing), as readiness reports it
placement=$(curl -sf "$base/q/health/ready" | jq -r '.checks[] | select(.name == "worker-pool") | .data | "OpenMP \(.openmp // "?"); JIT \(.jit // "?")"' || echo "?")
series='pixelwise_job_stage_seconds_sum{model="mobilenet-v2",stage="inference",task="classify"}'
stage_sum() { curl -sf "$base/q/metrics" | awk -v s="$series" '$1 == s {print $2}'; }
samples="$out/classify-server.txt" # per request: whole ms (timingsMs), exact ms (metric), request ms, round
: >"$samples"
# CPU time of the whole machine, of the app and of this script with its reaped children (curl, jq), in clock
# ticks: what other processes took while the app was timed is the rest (the machine may be shared).
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
own() { awk '{print $14+$15}' "/proc/$1/stat"; }
mine() { awk '{print $14+$15+$16+$17}' "/proc/$$/stat"; }
p50_of() { sort -g | awk '{a[NR]=$1} END {print a[int(NR/2)+1]}'; }
peer=()
foreign_ticks=0 capacity_ticks=0 app_ticks=0 wall_ticks=0
for r in $(seq "$rounds"); do
  sum=$(stage_sum)
  b0=$(busy); a0=$(own "$app_pid"); m0=$(mine); w0=$(date +%s%N)
  for _ in $(seq "$n"); do
    s=$(date +%s%N)
    resp=$(curl -sf -F image=@../shared/images/cat.bmp "$base/api/v1/classify")
    e=$(date +%s%N)
    next=$(stage_sum)
    echo "$(jq -r '.result.timingsMs.inference // .timingsMs.inference' <<<"$resp") $(echo "($next - $sum) * 1000" | bc -l) $(( (e - s) / 1000000 )) $r" >>"$samples"
    sum=$next
  done
  b1=$(busy); a1=$(own "$app_pid"); m1=$(mine); w1=$(date +%s%N)
  foreign_ticks=$((foreign_ticks + b1 - b0 - (a1 - a0) - (m1 - m0)))
  capacity_ticks=$((capacity_ticks + (w1 - w0) / 10000000 * $(nproc)))
  app_ticks=$((app_ticks + a1 - a0)); wall_ticks=$((wall_ticks + (w1 - w0) / 10000000))
  # The peer while the app sits idle between rounds
  peer+=("$(/usr/bin/python3 bench/torchscript_mobilenet.py "$out/classify-server-input.bin" "$warmup" | jq -r .p50_ms)")
done
stop_app
echo "classify through the app, $rounds rounds of $n sequential requests after $warmup warm-up, each round followed by TorchScript; CPU: $(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "threads: $placement"
ratios=()
for r in $(seq "$rounds"); do
  app=$(awk -v r="$r" '$4 == r {print $2}' "$samples" | p50_of)
  ratio=$(echo "scale=3; $app / ${peer[$((r - 1))]}" | bc -l)
  ratios+=("$ratio")
  printf 'round %d: in-app inference p50 %.2f ms, TorchScript p50 %.2f ms, ratio %.2f\n' "$r" "$app" "${peer[$((r - 1))]}" "$ratio"
done
all=$(cut -d' ' -f2 "$samples" | p50_of)
torchscript=$(printf '%s\n' "${peer[@]}" | p50_of)
printf 'in-app inference p50 over all %d requests: %.2f ms (exact; timingsMs whole-ms p50 %s); request p50 %s ms\n' \
  "$((rounds * n))" "$all" "$(cut -d' ' -f1 "$samples" | p50_of)" "$(cut -d' ' -f3 "$samples" | p50_of)"
printf 'TorchScript MobileNetV2 p50, median of the rounds (%s): %.2f ms\n' "${peer[*]}" "$torchscript"
printf 'in-app inference over TorchScript: median of the rounds %.2f (rounds: %s); all requests over the median peer %.2f\n' \
  "$(printf '%s\n' "${ratios[@]}" | p50_of)" "${ratios[*]}" "$(echo "$all / $torchscript" | bc -l)"
# ticks are counted per process and per CPU at different moments: a few either way, so never below 0
((foreign_ticks < 0)) && foreign_ticks=0
echo "CPU used by other processes while the app was timed: $(echo "scale=1; 100 * $foreign_ticks / $capacity_ticks" | bc)% of the machine (app: $((app_ticks * 100 / wall_ticks))% of one core)"
echo "inference ms (whole, as timingsMs): count per value: $(cut -d' ' -f1 "$samples" | sort -n | uniq -c | awk '{printf "%s×%s ", $2, $1}')"
echo "inference ms (exact): p10 $(cut -d' ' -f2 "$samples" | sort -g | awk '{a[NR]=$1} END {printf "%.2f p90 %.2f max %.2f", a[int(NR/10)+1], a[int(NR*9/10)+1], a[NR]}')"
