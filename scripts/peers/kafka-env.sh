# shellcheck shell=bash
# Sourced by the kafka*.sh peer scripts: where the reference Kafka lives.
# SLUICE_PEERS_DIR overrides the install root (default: <repo>/.peers, git-ignored).
PEERS_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$PEERS_SRC/../.." && pwd)"
PEERS_DIR="${SLUICE_PEERS_DIR:-$REPO_ROOT/.peers}"
KAFKA_POM="$PEERS_SRC/kafka/pom.xml"
KAFKA_HOME="$PEERS_DIR/kafka"
KAFKA_LIBS="$KAFKA_HOME/libs"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_POM")"
KAFKA_MARKER="$KAFKA_LIBS/.installed-$KAFKA_VERSION"

kafka_require_installed() {
  if [[ ! -f "$KAFKA_MARKER" ]]; then
    echo "Kafka $KAFKA_VERSION is not installed: run scripts/peers/install-kafka.sh" >&2
    exit 1
  fi
}

# Prints a TCP port that was free on 127.0.0.1 a moment ago.
peers_free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Exit 0 if something accepts connections on 127.0.0.1:PORT.
peers_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
