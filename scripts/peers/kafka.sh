#!/usr/bin/env bash
# Runs the reference Apache Kafka as a single KRaft node (broker + controller) on 127.0.0.1.
#
#   kafka.sh start DIR PORT [key=value ...]   format DIR, start, wait until PORT accepts; prints the pid
#   kafka.sh stop DIR [PORT]                  stop the node started in DIR
#   kafka.sh status DIR                       exit 0 if it runs
#
# DIR holds everything of one instance: server.properties, data/, server.log, kafka.pid.
# A fresh start wipes DIR/data. Extra key=value pairs are appended to server.properties
# (last one wins), e.g. advertised.listeners=PLAINTEXT://127.0.0.1:19092 behind a proxy.
# Env: KAFKA_HEAP_OPTS (default -Xms256m -Xmx512m), KAFKA_CONTROLLER_PORT (default: a free port),
#      KAFKA_START_TIMEOUT seconds (default 90).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kafka-env.sh"

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" >&2; exit 2; }

running_pid() {
  local dir pidfile pid
  dir="$(cd "$1" 2>/dev/null && pwd)" || return 1
  pidfile="$dir/kafka.pid"
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  kill -0 "$pid" 2>/dev/null || return 1
  # Only the Kafka started for this DIR (a pid can be reused by anything else).
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $dir/server.properties" || return 1
  echo "$pid"
}

# JVM flags as bin/kafka-run-class.sh would use them, with a small heap.
read -r -a HEAP <<<"${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
JAVA=(java "${HEAP[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$PEERS_SRC/kafka/log4j2-broker.properties" -cp "$KAFKA_LIBS/*")

start() {
  local dir="$1" port="$2"; shift 2
  kafka_require_installed
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if pid="$(running_pid "$dir")"; then
    echo "Kafka already running in $dir (pid $pid)" >&2
    exit 1
  fi
  if peers_port_open "$port"; then
    echo "port $port is already in use" >&2
    exit 1
  fi
  local cport="${KAFKA_CONTROLLER_PORT:-$(peers_free_port)}"
  rm -rf "$dir/data" "$dir/kafka.pid"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
  local kv
  for kv in "$@"; do echo "$kv" >>"$dir/server.properties"; done

  # A cluster id is 16 random bytes, base64url without padding (what `random-uuid` prints).
  local cluster_id
  cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  "${JAVA[@]}" kafka.tools.StorageTool format --ignore-formatted \
    --cluster-id="$cluster_id" -c "$dir/server.properties" >"$dir/format.log" 2>&1 || {
    cat "$dir/format.log" >&2
    exit 1
  }

  nohup "${JAVA[@]}" kafka.Kafka "$dir/server.properties" >"$dir/server.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$dir/kafka.pid"

  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-90}))
  until peers_port_open "$port" && grep -q 'Kafka Server started' "$dir/server.log"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "Kafka exited during start; tail of $dir/server.log:" >&2
      tail -n 30 "$dir/server.log" >&2
      rm -f "$dir/kafka.pid"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      echo "Kafka did not start within ${KAFKA_START_TIMEOUT:-90}s; stopping it" >&2
      tail -n 30 "$dir/server.log" >&2
      stop "$dir"
      exit 1
    fi
    sleep 0.3
  done
  echo "$pid"
}

stop() {
  local dir="$1" pid
  if ! pid="$(running_pid "$dir")"; then
    rm -f "$dir/kafka.pid"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$dir/kafka.pid"; return 0; }
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$dir/kafka.pid"
}

case "${1:-}" in
  start) [[ $# -ge 3 ]] || usage; start "${@:2}" ;;
  stop) [[ $# -ge 2 ]] || usage; stop "$2" ;;
  status) [[ $# -ge 2 ]] || usage; running_pid "$2" ;;
  *) usage ;;
esac
