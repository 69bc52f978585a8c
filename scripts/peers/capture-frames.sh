#!/usr/bin/env bash
# Re-creates the golden frames in test/fixtures/frames/<client>/ from real clients talking to
# the reference Apache Kafka through the recording proxy (test/compat/record-proxy.ts).
#
#   scripts/peers/capture-frames.sh [client ...]   clients: kcat confluent-kafka kafka-python
#                                                   kafkajs platformatic java crafted (default: all)
# Needs: scripts/peers/install-kafka.sh (run here), kcat, python3-kafka, python3-confluent-kafka,
# node_modules (kafkajs, @platformatic/kafka). Env: KEEP_RAW=1 keeps every recorded frame and
# prints where. Everything it starts listens on 127.0.0.1 and is stopped on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kafka-env.sh"
cd "$REPO_ROOT"

ALL=(kcat confluent-kafka kafka-python kafkajs platformatic java crafted)
CLIENTS=("$@")
[[ ${#CLIENTS[@]} -gt 0 ]] || CLIENTS=("${ALL[@]}")

"$PEERS_SRC/install-kafka.sh" >/dev/null
npx tsc -p . >/dev/null 2>&1 || true # emits even when someone's src has type errors
[[ -f dist/test/compat/record-proxy.js ]] || { echo "build did not produce record-proxy.js" >&2; exit 1; }

work="$(mktemp -d /tmp/sluice-capture.XXXXXX)"
raw="$work/raw"
kport="$(peers_free_port)"
pport="$(peers_free_port)"
proxy_pid=""
B="127.0.0.1:$pport"

stop_proxy() {
  if [[ -n "$proxy_pid" ]]; then
    kill "$proxy_pid" 2>/dev/null || true
    wait "$proxy_pid" 2>/dev/null || true
    proxy_pid=""
  fi
}
cleanup() {
  stop_proxy
  "$PEERS_SRC/kafka.sh" stop "$work/kafka" || true
  if [[ "${KEEP_RAW:-}" == 1 ]]; then echo "raw frames kept in $raw"; else rm -rf "$work"; fi
}
trap cleanup EXIT

echo "Kafka $KAFKA_VERSION on 127.0.0.1:$kport, advertised through the proxy on $B"
"$PEERS_SRC/kafka.sh" start "$work/kafka" "$kport" "advertised.listeners=PLAINTEXT://$B" >/dev/null

start_proxy() {
  local out="$1" log
  log="$work/proxy-$(basename "$1").log"
  node dist/test/compat/record-proxy.js --listen "$pport" --target "127.0.0.1:$kport" --out "$out" >"$log" 2>&1 &
  proxy_pid=$!
  for _ in $(seq 1 50); do
    grep -q '^listening' "$log" && return 0
    sleep 0.1
  done
  echo "record proxy did not start: $(cat "$log")" >&2
  exit 1
}

t() { timeout --kill-after=5 90 "$@"; } # no step may hang the capture
# librdkafka and kafka-python send a batch uncompressed when compressing does not shrink it:
# every capture includes one repetitive value so that the codec shows on the wire.
BIG="$(printf 'compress me! %.0s' {1..30})"
BIG64="$(printf %s "$BIG" | base64 -w0)"
PY=/usr/bin/python3
PYDIR=test/compat/python
TOOL="$PEERS_SRC/kafka-tool.sh"

capture_kcat() {
  local topic=capture-kcat
  printf 'k1:hello from kcat\nk2:%s\n:third, null key\n' "$BIG" |
    t kcat -b "$B" -P -t "$topic" -K : -Z -X compression.codec=lz4 -X acks=all -H h1=v1 -H h2=
  t kcat -b "$B" -C -t "$topic" -o beginning -c 3 -e -f '%k=%s\n'
  t kcat -b "$B" -L -t "$topic" >/dev/null
  t kcat -b "$B" -G "$topic-group" -c 3 -X auto.offset.reset=earliest -X heartbeat.interval.ms=100 \
    -f '%k=%s\n' "$topic"
}

capture_confluent-kafka() {
  local topic=capture-confluent
  t $PY $PYDIR/confluent_produce.py '{"bootstrap":"'"$B"'","topic":"'$topic'","compression":"snappy",
    "messages":[{"key":"azE=","value":"aGVsbG8gZnJvbSBjb25mbHVlbnQ=","headers":[["h1","djE="],["h2",null]]},
    {"key":null,"value":"'"$BIG64"'"},{"key":"azM=","value":null}]}'
  t $PY $PYDIR/confluent_consume.py '{"bootstrap":"'"$B"'","topic":"'$topic'","count":3}'
  t $PY $PYDIR/confluent_consume.py '{"bootstrap":"'"$B"'","topic":"'$topic'","count":3,
    "group":"'$topic'-group","config":{"heartbeat.interval.ms":100}}'
}

capture_kafka-python() {
  local topic=capture-kafkapy
  t $PY $PYDIR/kafkapy_produce.py '{"bootstrap":"'"$B"'","topic":"'$topic'","compression":"zstd",
    "messages":[{"key":"azE=","value":"aGVsbG8gZnJvbSBrYWZrYS1weXRob24=","headers":[["h1","djE="]]},
    {"key":null,"value":"'"$BIG64"'"},{"key":"azM=","value":null}]}'
  t $PY $PYDIR/kafkapy_consume.py '{"bootstrap":"'"$B"'","topic":"'$topic'","count":3}'
  t $PY $PYDIR/kafkapy_consume.py '{"bootstrap":"'"$B"'","topic":"'$topic'","count":3,
    "group":"'$topic'-group","config":{"heartbeat_interval_ms":100}}'
}

capture_kafkajs() { t node test/compat/capture/kafkajs.mjs "$B" capture-kafkajs; }
capture_platformatic() { t node test/compat/capture/platformatic.mjs "$B" capture-platformatic; }
capture_crafted() { t node test/compat/capture/raw-api-versions.mjs "$B"; }

capture_java() {
  local topic=capture-java group=capture-java-group
  local cid=(--command-property client.id=sluice-capture-java)
  t "$TOOL" topics --bootstrap-server "$B" --create --topic "$topic" --partitions 1
  t "$TOOL" topics --bootstrap-server "$B" --describe --topic "$topic"
  t "$TOOL" topics --bootstrap-server "$B" --alter --topic "$topic" --partitions 2
  t "$TOOL" configs --bootstrap-server "$B" --describe --entity-type topics --entity-name "$topic"
  printf 'h1:v1\tk1\thello from java\nh1:v2,h2:x\tk2\t%s\nh3:\tk3\tthird\n' "$BIG" |
    t "$TOOL" console-producer --bootstrap-server "$B" --topic "$topic" --compression-codec zstd \
      --reader-property parse.key=true --reader-property parse.headers=true "${cid[@]}"
  t "$TOOL" console-consumer --bootstrap-server "$B" --topic "$topic" --group "$group" \
    --from-beginning --max-messages 3 --timeout-ms 20000 --formatter-property print.key=true \
    --command-property heartbeat.interval.ms=100 "${cid[@]}"
  t "$TOOL" consumer-groups --bootstrap-server "$B" --list
  t "$TOOL" consumer-groups --bootstrap-server "$B" --describe --group "$group"
  t "$TOOL" topics --bootstrap-server "$B" --delete --topic "$topic"
}

for client in "${CLIENTS[@]}"; do
  declare -F "capture_$client" >/dev/null || { echo "unknown client: $client (${ALL[*]})" >&2; exit 2; }
  echo "== $client"
  start_proxy "$raw/$client"
  "capture_$client" >"$work/$client.out" 2>&1 || {
    echo "capture for $client failed:" >&2
    tail -n 30 "$work/$client.out" >&2
    exit 1
  }
  stop_proxy
done

node "$PEERS_SRC/curate-frames.mjs" "$raw" test/fixtures/frames
