#!/usr/bin/env bash
# Builds Spring's own Eureka server and Config server and a Spring Boot client (sources and the
# pinned versions in test/peers/spring/) with Maven into .peers/spring/{demo-app,eureka-server,
# config-server}.jar, for the Spring-control tests and the registry benchmark's peer.
# Does nothing when every jar is newer than every source file.
# Needs: mvn and a Java 17+ JDK (Maven Central reachable on the first build).
set -euo pipefail
PEERS_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$PEERS_SRC/../.." && pwd)"
PEERS_DIR="${SLUICE_PEERS_DIR:-$REPO_ROOT/.peers}"
SRC="$REPO_ROOT/test/peers/spring"
OUT="$PEERS_DIR/spring"
MODULES=(demo-app eureka-server config-server)

command -v java >/dev/null || { echo "install-spring: java not found (apt-get install openjdk-17-jdk-headless)" >&2; exit 1; }
command -v mvn >/dev/null || { echo "install-spring: mvn not found (apt-get install maven)" >&2; exit 1; }
major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
if [[ -z "$major" || "${major%%.*}" -lt 17 ]]; then
  echo "install-spring: Java 17 or newer is needed (found ${major:-unknown})" >&2
  exit 1
fi

# Up to date when each jar exists and no source (outside target/) is newer than it.
up_to_date() {
  local m jar
  for m in "${MODULES[@]}"; do
    jar="$OUT/$m.jar"
    [[ -f "$jar" ]] || return 1
    [[ -z "$(find "$SRC/pom.xml" "$SRC/$m" -path '*/target' -prune -o -type f -newer "$jar" -print -quit)" ]] || return 1
  done
}
if up_to_date; then
  echo "Spring peers already built in $OUT"
  exit 0
fi

echo "Building the Spring peers with Maven (Spring Boot and Spring Cloud from $SRC/pom.xml)..."
start=$SECONDS
mvn -q -B -Dstyle.color=never -f "$SRC/pom.xml" package -DskipTests
mkdir -p "$OUT"
for m in "${MODULES[@]}"; do
  # Copy then rename, so a reader never sees half a jar.
  cp "$SRC/$m/target/$m.jar" "$OUT/$m.jar.tmp.$$"
  mv "$OUT/$m.jar.tmp.$$" "$OUT/$m.jar"
done
echo "Spring peers built in $OUT ($((SECONDS - start)) s)"
