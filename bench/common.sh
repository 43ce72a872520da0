# Sourced by the bench scripts: installs the Debian peers they compare against, builds the app if
# needed, and sets $cp to the app's classes and libraries (lib/boot too: jboss-logging lives there).
# Usage: bench_setup PACKAGE...
bench_setup() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "Installing ${missing[*]}" >&2
    apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
  fi
  [[ -f target/quarkus-app/quarkus-run.jar ]] || mvnw_locked -B -q package -DskipTests
  cp="target/classes:$(ls target/quarkus-app/lib/main/*.jar target/quarkus-app/lib/boot/*.jar | tr '\n' ':')"
  mkdir -p target/bench
  nd4j_native_build
}

# ND4J_NATIVE=onednn-avx512 (say) runs a bench on that build of nd4j-native instead of the packaged one
# (bench/native-builds.sh): its jar from the local Maven repository (resolved once), first on $cp, and
# JavaCPP told to load that extension (it loads the first one it finds otherwise).
nd4j_native_build() {
  [[ -n "${ND4J_NATIVE:-}" ]] || return 0
  local version jar
  version="$(ls target/quarkus-app/lib/main/org.nd4j.nd4j-native-api-*.jar | sed 's/.*nd4j-native-api-\(.*\)\.jar/\1/')"
  jar="$HOME/.m2/repository/org/nd4j/nd4j-native/$version/nd4j-native-$version-linux-x86_64-$ND4J_NATIVE.jar"
  if [[ ! -f "$jar" ]]; then
    mvnw_locked -B -q dependency:get -Dtransitive=false \
      -Dartifact="org.nd4j:nd4j-native:$version:jar:linux-x86_64-$ND4J_NATIVE" >&2
  fi
  cp="$jar:$cp"
  JAVA_OPTS="${JAVA_OPTS:-} -Dorg.bytedeco.javacpp.platform.extension=-$ND4J_NATIVE"
}

# The packaged app, rebuilt when a source is newer than it (or a named extra file is missing).
build_if_needed() {
  local stale=""
  [[ -f target/quarkus-app/quarkus-run.jar ]] || stale=1
  for f in "$@"; do [[ -f "$f" ]] || stale=1; done
  [[ -z "$stale" && -n "$(find src pom.xml -newer target/quarkus-app/quarkus-run.jar -type f -print -quit)" ]] && stale=1
  if [[ -n "$stale" ]]; then
    echo "Building the app..." >&2
    mvnw_locked -B -q package -DskipTests
  fi
}

# Maven under the shared machine's lock when there is one (sessions working side by side take it).
mvnw_locked() {
  if [[ -e /tmp/mvn.lock ]] && command -v flock >/dev/null; then
    flock /tmp/mvn.lock ./mvnw "$@"
  else
    ./mvnw "$@"
  fi
}

free_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  echo "No free port found" >&2
  exit 1
}

# start_app LOG DATA_DIR [JVM options...]: the packaged app on a free loopback port with a fresh data
# folder; sets $app_pid and $base once /q/health/ready answers. Models come from ../shared/models.
app_pid=""
start_app() {
  local log="$1" data="$2" port
  shift 2
  port="$(free_port)"
  rm -rf "$data"
  mkdir -p "$data"
  base="http://127.0.0.1:$port"
  export PIXELWISE_MODEL_MIRROR="${PIXELWISE_MODEL_MIRROR:-$(cd .. && pwd)/shared/models}"
  java "$@" -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" -Dpixelwise.jobs.data-dir="$data" \
    -jar target/quarkus-app/quarkus-run.jar >"$log" 2>&1 &
  app_pid=$!
  echo "App pid $app_pid on $base, data $data, log $log" >&2
  for i in $(seq 240); do
    curl -sf "$base/q/health/ready" >/dev/null 2>&1 && return 0
    if ! kill -0 "$app_pid" 2>/dev/null; then
      echo "The app exited during start-up:" >&2
      tail -40 "$log" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "The app was not ready after 120 s:" >&2
  tail -40 "$log" >&2
  exit 1
}

stop_app() {
  if [[ -n "$app_pid" ]] && kill -0 "$app_pid" 2>/dev/null; then
    kill "$app_pid" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$app_pid" 2>/dev/null || true
  fi
  app_pid=""
}
