#!/usr/bin/env bash
# Load and soak runs against the packaged app (dev.pixelwise.load.LoadRun; JDK only, run from target/test-classes).
#
# Usage: bench/load.sh [smoke|load|soak] [extra LoadRun options...]
#   smoke  4 clients, 10 s                   (does the harness work?)
#   load   64 clients, 60 s                  (issue #8: the queue under pressure)
#   soak   8 clients, 10 min, 3 min warm-up  (leaks: heap floor, threads, open files, files on disk)
#          The soak starts the app with pixelwise.jobs.ttl=2m and sweep-interval=30s, so that finished
#          jobs are expired during the run and retention reaches a steady state; with the default 1 h
#          TTL, job records and files grow for the whole run by design, which would hide a leak.
#          It keeps sampling 170 s after the last job (TTL + one sweep + margin): by then every job
#          has expired, so files on disk should be back to none and the heap to its idle floor.
#
# Environment:
#   APP_JAVA_OPTS   extra JVM/app options for the started app, e.g. "-Dpixelwise.jobs.workers=2"
#   APP_XMX         the app's heap (default 2g)
#   BASE_URL        load an already running server (e.g. an API node in front of worker nodes) instead
#                   of starting one; the script then neither builds the jar nor stops anything
#   DATA_DIR        with BASE_URL: that server's pixelwise.jobs.data-dir, to count its files (optional)
#   PIXELWISE_MODEL_MIRROR  model mirror for the started app (default ../shared/models)
#   LOAD_ARGS       extra LoadRun options, also accepted after the mode; e.g. "--mix inspect=3,classify=1"
#
# Builds with ./mvnw -B -q package -DskipTests when the jar or the LoadRun classes are missing or the
# sources are newer. On a shared machine that build goes through `flock /tmp/mvn.lock` when that lock
# file exists (as every Maven run there must).
# Writes target/load/<mode>-<time>.{txt,json} and keeps the app's log beside them.
# Exit code: LoadRun's (0 = only 2xx/429/503 and every job ended, 2 = something else was seen).
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-smoke}"
shift || true
case "$mode" in
  smoke) run_args=(--clients 4 --duration 10s --sample-every 2s --prime 1 --settle 3s) ;;
  load) run_args=(--clients 64 --duration 60s --sample-every 5s --prime 2 --settle 10s) ;;
  soak) run_args=(--clients 8 --duration 10m --sample-every 10s --warmup 3m --prime 2 --settle 170s)
        mode_opts="-Dpixelwise.jobs.ttl=2m -Dpixelwise.jobs.sweep-interval=30s" ;;
  *) echo "Usage: $0 [smoke|load|soak] [LoadRun options...]" >&2; exit 1 ;;
esac

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="target/load"
mkdir -p "$out"
report="$out/$mode-$stamp"

. bench/common.sh
trap stop_app EXIT

if [[ -z "${BASE_URL:-}" ]]; then
  build_if_needed target/test-classes/dev/pixelwise/load/LoadRun.class
  data_dir="$(pwd)/$report-data"
  start_app "$report-app.log" "$data_dir" -Xmx"${APP_XMX:-2g}" ${mode_opts:-} ${APP_JAVA_OPTS:-}
else
  base="$BASE_URL"
  data_dir="${DATA_DIR:-}"
  [[ -f target/test-classes/dev/pixelwise/load/LoadRun.class ]] \
    || { echo "No target/test-classes: build first (./mvnw -B -q test-compile)" >&2; exit 1; }
fi

extra=()
[[ -n "$data_dir" ]] && extra+=(--data-dir "$data_dir")
[[ -n "$app_pid" ]] && extra+=(--app-pid "$app_pid")
# shellcheck disable=SC2206
load_args=(${LOAD_ARGS:-})
{
  echo "# bench/load.sh $mode, $(date -u +%FT%TZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# app options: ${mode_opts:-} ${APP_JAVA_OPTS:-} (Xmx ${APP_XMX:-2g})${BASE_URL:+; external server $BASE_URL}"
} | tee "$report.txt"
set +e
java -Xmx512m -cp target/test-classes dev.pixelwise.load.LoadRun --base-url "$base" "${run_args[@]}" "${extra[@]}" \
  --json "$report.json" "${load_args[@]}" "$@" 2>&1 | tee -a "$report.txt"
rc=${PIPESTATUS[0]}
set -e
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$report.txt"

if [[ -n "$app_pid" ]]; then
  stop_app
  errors=$(grep -cE ' ERROR |Exception' "$report-app.log" || true)
  echo "# app log: $report-app.log ($errors ERROR/Exception lines)" | tee -a "$report.txt"
  if [[ "$errors" != 0 ]]; then
    grep -E ' ERROR |Exception' "$report-app.log" | head -20 | tee -a "$report.txt"
  fi
fi
exit "$rc"
