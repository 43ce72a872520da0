#!/usr/bin/env bash
# How long the default model (esrgan-thick) takes at common sizes, through the app's own code path: the
# packaged app, one upscale job at a time through the HTTP API (decode, tiles, bicubic, PNGs),
# default tile. Inputs: centre crops of kite_and_cold.jpg. One warm-up job per model and scale (it loads
# the graph), then RUNS timed jobs each; best and median of the job's own "upscale" timing (the tiles) and
# of the whole request as the client sees it.
# Usage: [SCALES="2 4"] [PRECISION=auto] bench/upscale-times.sh [MODEL] [RUNS]   (default: esrgan-thick 3, scales 2 and 4,
# the precision option the task's default)
# Writes target/bench/upscale-times.md. A benchmark, not a test: run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
trap stop_app EXIT
model="${1:-esrgan-thick}"
runs="${2:-3}"
build_if_needed

out=target/bench
mkdir -p "$out"
for size in 256 512; do
  /usr/bin/python3 - "$out/upscale-times-$size.png" "$size" <<'PY'
import sys
from PIL import Image
im = Image.open('../shared/images/kite_and_cold.jpg').convert('RGB')
n = int(sys.argv[2])
x, y = (im.width - n) // 2, (im.height - n) // 2
im.crop((x, y, x + n, y + n)).save(sys.argv[1])
PY
done

start_app "$out/upscale-times-app.log" "$(pwd)/$out/upscale-times-data" -Dpixelwise.jobs.task-timeouts.upscale=30m
cpu=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
report="$out/upscale-times${SCALES:+-x${SCALES// /-x}}${PRECISION:+-$PRECISION}.md"
{
  echo "### $model: time per job at common sizes (bench/upscale-times.sh)"
  echo
  echo "$(date -u +%F), CPU: $cpu, $(nproc) cores, load average at start $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "The packaged app, one job at a time through the API, default tile; $runs timed jobs after one"
  echo "warm-up per scale. \"tiles\" is the job's own upscale timing; \"request\" is the whole call as the client"
  echo "sees it (upload, decode, tiles, bicubic, three PNGs)."
  echo
  echo "| input | scale | output | tiles | precision (the job's) | **tiles s, best** | tiles s, median | request s, best | request s, median |"
  echo "|---|---|---|---|---|---|---|---|---|"
} >"$report"
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
job() { # size scale → "upscale_ms wall_s tiles precision"
  local t0 view
  local id state
  t0=$(date +%s.%N)
  # Asynchronous, polled every 0.1 s: a synchronous call may not wait past the HTTP idle timeout.
  id=$(curl -sf -F task=upscale -F model="$model" -F scale="$2" -F precision="${PRECISION:-auto}" -F image=@"$out/upscale-times-$1.png" "$base/api/v1/jobs" | jq -r .id)
  while :; do
    view=$(curl -sf "$base/api/v1/jobs/$id")
    state=$(jq -r .status <<<"$view")
    case "$state" in succeeded|failed|cancelled) break ;; esac
    sleep 0.1
  done
  [[ "$state" == succeeded ]] || { jq . <<<"$view" >&2; exit 1; }
  echo "$(jq -r .result.timingsMs.upscale <<<"$view") $(echo "$(date +%s.%N) - $t0" | bc) $(jq -r .result.tiles <<<"$view") $(jq -r .result.precision <<<"$view")"
}
for scale in ${SCALES:-2 4}; do
  job 256 "$scale" >/dev/null # loads the graph for this scale
  for size in 256 512; do
    ups=()
    walls=()
    tiles=""
    precision=""
    for _ in $(seq "$runs"); do
      read -r ms wall tiles precision < <(job "$size" "$scale")
      ups+=("$(echo "scale=2; $ms / 1000" | bc)")
      walls+=("$wall")
      echo "  $size² x$scale: tiles ${ms} ms, request ${wall} s" >&2
    done
    best_up=$(printf '%s\n' "${ups[@]}" | sort -n | head -1)
    best_wall=$(printf '%s\n' "${walls[@]}" | sort -n | head -1)
    printf '| %d×%d | x%d | %d×%d | %s | %s | **%.1f** | %.1f | %.1f | %.1f |\n' "$size" "$size" "$scale" \
      $((size * scale)) $((size * scale)) "$tiles" "$precision" "$best_up" "$(printf '%s\n' "${ups[@]}" | median)" \
      "$best_wall" "$(printf '%s\n' "${walls[@]}" | median)" | tee -a "$report"
  done
done
echo >>"$report"
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)." >>"$report"
echo "written to $report"
