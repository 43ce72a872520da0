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
  [[ -f target/quarkus-app/quarkus-run.jar ]] || ./mvnw -B -q package -DskipTests
  cp="target/classes:$(ls target/quarkus-app/lib/main/*.jar target/quarkus-app/lib/boot/*.jar | tr '\n' ':')"
  mkdir -p target/bench
}
