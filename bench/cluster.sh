#!/usr/bin/env bash
# Throughput of the Redis mode with one worker node and with two, on this machine, under the same
# load as bench/load.sh: a redis-server and an API node on loopback, then N worker nodes (one
# worker thread each), then bench/load.sh against the API node.
#
# Usage: bench/cluster.sh [workers=1] [load mode=load] [LoadRun options...]
#   e.g. bench/cluster.sh 1 && bench/cluster.sh 2
# Needs Debian's redis-server and a built jar + test classes (./mvnw -B -q package -DskipTests).
# Writes target/load/cluster-<N>w-<time>/ (node logs); the load report lands in target/load/ as usual.
set -euo pipefail
cd "$(dirname "$0")/.."

nodes="${1:-1}"
shift || true
mode="${1:-load}"
shift || true

[[ -x /usr/bin/redis-server ]] || { echo "Needs redis-server (apt-get install redis-server)" >&2; exit 1; }
[[ -f target/quarkus-app/quarkus-run.jar && -f target/test-classes/dev/pixelwise/load/LoadRun.class ]] \
  || { echo "Build first: ./mvnw -B -q package -DskipTests" >&2; exit 1; }

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
dir="$(pwd)/target/load/cluster-${nodes}w-$stamp"
mkdir -p "$dir"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 2
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

port() { echo $((20000 + RANDOM % 20000)); }
redis_port="$(port)"
/usr/bin/redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >"$dir/redis.log" 2>&1 &
pids+=($!)

export PIXELWISE_MODEL_MIRROR="${PIXELWISE_MODEL_MIRROR:-$(cd .. && pwd)/shared/models}"
start_node() { # name role port
  java -Xmx2g -Dpixelwise.queue=redis -Dpixelwise.role="$2" -Dpixelwise.node-name="$1" \
    -Dquarkus.redis.hosts="redis://127.0.0.1:$redis_port" -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$3" \
    -Dpixelwise.jobs.data-dir="$dir/$1-data" -Dpixelwise.jobs.workers=1 ${APP_JAVA_OPTS:-} \
    -jar target/quarkus-app/quarkus-run.jar >"$dir/$1.log" 2>&1 &
  pids+=($!)
}
api_port="$(port)"
start_node api api "$api_port"
for i in $(seq "$nodes"); do start_node "worker-$i" worker "$(port)"; done

for _ in $(seq 240); do
  ready=0
  for f in "$dir"/*.log; do grep -q "Listening on" "$f" 2>/dev/null && ready=$((ready + 1)); done
  [[ $ready -ge $((nodes + 1)) ]] && break
  sleep 0.5
done
echo "Redis :$redis_port, API :$api_port, $nodes worker node(s) with 1 worker each; logs in $dir" >&2
BASE_URL="http://127.0.0.1:$api_port" bash bench/load.sh "$mode" "$@"
