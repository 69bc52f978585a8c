#!/usr/bin/env bash
# Installs the reference Apache Kafka (version pinned in kafka/pom.xml) as plain jars
# under .peers/kafka/libs, with Maven. Idempotent: does nothing when already there.
# Needs: mvn, a Java 17+ runtime (only to run Kafka later).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kafka-env.sh"

if [[ -f "$KAFKA_MARKER" ]]; then
  echo "Kafka $KAFKA_VERSION already installed in $KAFKA_LIBS"
  exit 0
fi
command -v mvn >/dev/null || { echo "mvn not found (apt-get install maven)" >&2; exit 1; }

tmp="$KAFKA_HOME/libs.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
rm -rf "$tmp"
mkdir -p "$tmp"
echo "Fetching Apache Kafka $KAFKA_VERSION with Maven..."
mvn -q -B -Dstyle.color=never -f "$KAFKA_POM" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$tmp"
rm -rf "$KAFKA_LIBS"
mv "$tmp" "$KAFKA_LIBS"
touch "$KAFKA_MARKER"
echo "Kafka $KAFKA_VERSION installed in $KAFKA_LIBS ($(find "$KAFKA_LIBS" -name '*.jar' | wc -l) jars)"
