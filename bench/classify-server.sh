#!/usr/bin/env bash
# Classification latency through the app, as a user gets it: the packaged app on a free port, WARMUP warm-up
# jobs, then N sequential POST /api/v1/classify of cat.bmp (mobilenet-v2). Prints the p50 of the job's own
# inference timing (timingsMs.inference: hand-off to the model thread, forward pass, probabilities) and of
# the whole request (upload, decode, preprocess, inference, JSON). Usage: [WARMUP=200] [APP_JAVA_OPTS=...] bench/classify-server.sh [N]   (100)
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
out=target/bench
mkdir -p "$out"
start_app "$out/classify-server-app.log" "$(pwd)/$out/classify-server-data" -Xmx2g ${APP_JAVA_OPTS:-}
for _ in $(seq "$warmup"); do curl -sf -F image=@../shared/images/cat.bmp "$base/api/v1/classify" >/dev/null; done
# How the app placed its threads (zoo.CoreSharing), as readiness reports it
placement=$(curl -sf "$base/q/health/ready" | jq -r '.checks[] | select(.name == "worker-pool") | .data | "OpenMP \(.openmp // "?"); JIT \(.jit // "?")"' || echo "?")
samples="$out/classify-server.txt"
: >"$samples"
# CPU time of the whole machine, of the app and of this script with its reaped children (curl, jq), in clock
# ticks: what other processes took while timing is the rest (the machine may be shared).
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
own() { awk '{print $14+$15}' "/proc/$1/stat"; }
mine() { awk '{print $14+$15+$16+$17}' "/proc/$$/stat"; }
b0=$(busy); a0=$(own "$app_pid"); m0=$(mine); w0=$(date +%s%N)
for _ in $(seq "$n"); do
  s=$(date +%s%N)
  r=$(curl -sf -F image=@../shared/images/cat.bmp "$base/api/v1/classify")
  e=$(date +%s%N)
  echo "$(jq -r '.result.timingsMs.inference // .timingsMs.inference' <<<"$r") $(( (e - s) / 1000000 ))" >>"$samples"
done
b1=$(busy); a1=$(own "$app_pid"); m1=$(mine); w1=$(date +%s%N)
foreign=$(echo "scale=1; 100 * ($b1 - $b0 - ($a1 - $a0) - ($m1 - $m0)) / (($w1 - $w0) / 10000000 * $(nproc))" | bc)
stop_app
# The peer in the same run: TorchScript MobileNetV2 (bench/torchscript_mobilenet.py), as many warm-up runs as the
# app had requests, three times; the median of their p50s.
/usr/bin/python3 - "$out/classify-server-input.bin" <<'PY'
import sys
import numpy as np
from PIL import Image
im = Image.open('../shared/images/cat.bmp').convert('RGB').resize((224, 224), Image.BILINEAR)
x = (np.asarray(im, dtype=np.float32) - 128) / 128
x.transpose(2, 0, 1).astype('<f4').tofile(sys.argv[1])
PY
peer=()
for _ in 1 2 3; do
  peer+=("$(/usr/bin/python3 bench/torchscript_mobilenet.py "$out/classify-server-input.bin" "$warmup" | jq -r .p50_ms)")
done
torchscript=$(printf '%s\n' "${peer[@]}" | sort -n | sed -n 2p)
p50() { sort -n -k"$1" "$samples" | awk -v c="$1" '{a[NR]=$c} END {print a[int(NR/2)+1]}'; }
last() { tail -n 50 "$samples" | sort -n -k"$1" | awk -v c="$1" '{a[NR]=$c} END {print a[int(NR/2)+1]}'; }
echo "classify through the app, $n sequential requests after $warmup warm-up; CPU: $(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "threads: $placement"
echo "inference ms p50: all $(p50 1), last 50 $(last 1); request ms p50: all $(p50 2), last 50 $(last 2) (whole ms, truncated as timingsMs reports them: 5 means 5.0 to 5.99)"
echo "TorchScript MobileNetV2 p50 (median of three runs: ${peer[*]}): $torchscript ms; in-app inference p50 over it: between $(echo "scale=2; $(p50 1) / $torchscript" | bc) and $(echo "scale=2; ($(p50 1) + 1) / $torchscript" | bc) (whole ms, truncated)"
echo "CPU used by other processes while timing: ${foreign}% of the machine (app: $(( (a1 - a0) * 100 / ((w1 - w0) / 10000000) ))% of one core)"
echo "inference ms: count per value: $(cut -d' ' -f1 "$samples" | sort -n | uniq -c | awk '{printf "%s×%s ", $2, $1}')"
