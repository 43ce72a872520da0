#!/usr/bin/env bash
# What a collection costs a user, through the app: the time to add one example (POST …/examples with one
# image: embed it, retrain or re-imprint, re-evaluate) and to classify with a collection, each against a
# plain classify of the same image in the same run (interleaved). The collection grows to 2 labels × N
# examples of crops of the shared photos, so the add time is shown as it grows.
# Usage: bench/collections-http.sh [N]   (20 per label)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
command -v jq >/dev/null || { echo "needs jq" >&2; exit 1; }
trap stop_app EXIT
build_if_needed
n="${1:-20}"
out=target/bench/collections-http
rm -rf "$out"
mkdir -p "$out"
start_app "$out/app.log" "$(pwd)/$out/data" -Xmx2g
# crops of two photos, made once with ImageMagick-free Java (the JDK alone)
java bench/CollectionCrops.java ../shared/images/bird.bmp ../shared/images/cat.bmp "$n" "$out"
img=../shared/images/parrot.jpg
for _ in $(seq 10); do curl -sf -F image=@"$img" "$base/api/v1/classify" >/dev/null; done
id=$(curl -sf -H 'Content-Type: application/json' -d '{"name":"bench"}' "$base/api/v1/collections" | jq -r .id)
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
: >"$out/add.txt"
: >"$out/plain.txt"
: >"$out/coll.txt"
for i in $(seq 0 $((n - 1))); do
  for label in bird cat; do
    t=$(ms curl -sf -F label=$label -F image=@"$out/$label-$i.png" "$base/api/v1/collections/$id/examples")
    echo "$((2 * i + 2)) $t" >>"$out/add.txt"
  done
done
for _ in $(seq 100); do
  ms curl -sf -F image=@"$img" "$base/api/v1/classify" >>"$out/plain.txt"
  ms curl -sf -F image=@"$img" -F collection="$id" "$base/api/v1/classify" >>"$out/coll.txt"
done
method=$(curl -sf "$base/api/v1/collections/$id" | jq -r .method)
stop_app
p50() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int(NR/2)+1]}'; }
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo "Collections through the app: $(nproc) cores ($cpu), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| request | p50 ms | ratio to plain classify |"
echo "|---|---|---|"
pp=$(p50 "$out/plain.txt")
pc=$(p50 "$out/coll.txt")
echo "| classify parrot.jpg, plain (mobilenet-v2, 100 requests) | $pp | 1 |"
echo "| classify parrot.jpg with the collection ($method, 2 labels × $n) | $pc | $(awk -v a="$pc" -v b="$pp" 'BEGIN {printf "%.2f", a / b}') |"
for at in 2 10 20 $((2 * n)); do
  t=$(awk -v k="$at" '$1 == k {print $2}' "$out/add.txt" | tail -1)
  [[ -n "$t" ]] && echo "| add one example, the collection then holding $at | $t | $(awk -v a="$t" -v b="$pp" 'BEGIN {printf "%.2f", a / b}') |"
done
