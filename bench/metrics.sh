#!/usr/bin/env bash
# The scores of every quantize candidate (PSNR, SSIM, mean CIEDE2000) on a 12 MP photo and its JPEG,
# ours (imaging.ImageQuality) against scikit-image in the same run: values, wall and CPU time, ratios.
# Usage: bench/metrics.sh [ROUNDS]   (needs target/bench/e2e/collage-12mp.png: run bench/quantize-e2e.sh once)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
bench_setup python3-skimage python3-pil
rounds="${1:-3}"
img=target/bench/e2e/collage-12mp.png
[[ -f "$img" ]] || { echo "no $img: run bench/quantize-e2e.sh --timing once to make it" >&2; exit 1; }
cand=target/bench/metrics-candidate.png
# the candidate: the photo through JPEG at ImageIO's default quality, stored losslessly
/usr/bin/python3 - "$img" "$cand" <<'PY'
import sys, io as _io
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
buf = _io.BytesIO(); im.save(buf, "JPEG", quality=75); buf.seek(0)
Image.open(buf).convert("RGB").save(sys.argv[2])
PY
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; load: $(cut -d' ' -f1-3 /proc/loadavg)"
ours=$(java -cp "$cp" bench/MetricsBench.java "$img" "$cand" "$rounds")
peer=$(/usr/bin/python3 bench/metrics_skimage.py "$img" "$cand" "$rounds")
echo "| metric | ours | scikit-image | our wall ms | skimage wall ms | wall ratio | our CPU ms | skimage CPU ms |"
echo "|---|---|---|---|---|---|---|---|"
paste <(echo "$ours") <(echo "$peer") | while read -r _ m v wall cpu _ _ pv pwall pcpu; do
  ratio=$(awk -v a="$wall" -v b="$pwall" 'BEGIN { printf "%.2f", a / b }')
  echo "| $m | $v | $pv | $wall | $pwall | ${ratio}× | $cpu | $pcpu |"
done
