#!/usr/bin/env bash
# Peak RSS of the app process (heap and native together: VmHWM from /proc/PID/status) while it runs one
# upscale job as a user would: a 2048×2048 photo at x4 with esrgan-medium (8192×8192 out, default tile)
# through the HTTP API, then the job's files. One fresh app per heap setting ("default" = no -Xmx, as the
# Dockerfile runs it). Usage: bench/upscale-rss.sh [HEAP ...]   (default: 2g 3g default)
# Writes target/bench/upscale-rss.md. A benchmark, not a test: run it on an otherwise idle machine.
# UPSCALE_MODEL (default esrgan-medium), UPSCALE_TILE (default: not sent, the app's default) and UPSCALE_SIDE
# (default 2048) change the job.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
trap stop_app EXIT
bench_setup python3-pil
build_if_needed

heaps=("$@")
((${#heaps[@]})) || heaps=(2g 3g default)
out=target/bench
model=${UPSCALE_MODEL:-esrgan-medium}
side=${UPSCALE_SIDE:-2048}
tile_field=()
[[ -z "${UPSCALE_TILE:-}" ]] || tile_field=(-F tile="$UPSCALE_TILE")
input="$out/superres-$side.png"
# kite_and_cold.jpg (1352×900) cover-fitted to $side high and cut $side wide: a real photo, not stretched.
/usr/bin/python3 - "$input" "$side" <<'PY'
import sys
from PIL import Image
side = int(sys.argv[2])
im = Image.open('../shared/images/kite_and_cold.jpg').convert('RGB')
fw = round(im.width * side / im.height)
im = im.resize((fw, side), Image.BICUBIC)
x = (fw - side) // 2
im.crop((x, 0, x + side, side)).save(sys.argv[1])
PY

kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
report="$out/upscale-rss.md"
{
  echo "### Peak RSS of the app: ${side}×${side} → $((side * 4))×$((side * 4)), $model x4, tile ${UPSCALE_TILE:-default}, one job through the API"
  echo
  echo "bench/upscale-rss.sh, $(date -u +%F), $(nproc) cores, load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "| app heap | **peak RSS (VmHWM), MiB** | < 4 GiB | RSS when ready, MiB | RSS after the job, MiB | tiles (retried) | job s (upscale / encode) | state |"
  echo "|---|---|---|---|---|---|---|---|"
} >"$report"
for heap in "${heaps[@]}"; do
  opts=()
  [[ "$heap" == default ]] || opts=(-Xmx"$heap")
  start_app "$out/upscale-rss-$heap-app.log" "$(pwd)/$out/upscale-rss-$heap-data" "${opts[@]}"
  ready=$(kib "$app_pid" VmRSS)
  t0=$(date +%s.%N)
  id=$(curl -sf -F task=upscale -F model="$model" -F scale=4 "${tile_field[@]}" -F image=@"$input" "$base/api/v1/jobs" | jq -r .id)
  while :; do
    view=$(curl -sf "$base/api/v1/jobs/$id")
    state=$(jq -r .status <<<"$view")
    case "$state" in succeeded|failed|cancelled) break ;; esac
    sleep 1
  done
  wall=$(echo "$(date +%s.%N) - $t0" | bc)
  curl -sf -o /dev/null "$base/api/v1/jobs/$id/files/upscaled.png" || true
  peak=$(kib "$app_pid" VmHWM)
  after=$(kib "$app_pid" VmRSS)
  tiles=$(jq -r '"\(.result.tiles // "-") (\(.result.retriedTiles // "-"))"' <<<"$view")
  split=$(jq -r '"\((.result.timingsMs.upscale // 0) / 1000) / \((.result.timingsMs.encode // 0) / 1000)"' <<<"$view")
  ok=$([[ "$state" == succeeded && $peak -lt $((4 * 1024 * 1024)) ]] && echo yes || echo NO)
  printf '| %s | **%d** | %s | %d | %d | %s | %.1f (%s) | %s |\n' "${opts[0]:-default}" $((peak / 1024)) "$ok" \
    $((ready / 1024)) $((after / 1024)) "$tiles" "$wall" "$split" "$state" | tee -a "$report"
  [[ "$state" == succeeded ]] || jq .error <<<"$view" >&2
  stop_app
done
echo "written to $report"
