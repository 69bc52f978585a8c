#!/usr/bin/env bash
# Runs Debian's nats-server with JetStream (file storage) for the benchmark, on 127.0.0.1 only.
#
#   nats.sh start DIR PORT [line ...]   fresh DIR/data, start, wait until ready; prints the pid
#   nats.sh stop DIR                    stop the server started in DIR
#   nats.sh status DIR                  exit 0 if it runs (prints the pid)
#
# DIR holds everything of one instance: nats.conf, data/ (the JetStream store), server.log,
# nats.pid. Extra lines are appended to nats.conf's top level. No monitoring port, cluster or
# leaf node listener is opened; JetStream's own settings are the server's defaults.
# Env: NATS_START_TIMEOUT seconds (default 30).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kafka-env.sh" # peers_port_open

usage() { sed -n '2,11p' "${BASH_SOURCE[0]}" >&2; exit 2; }

running_pid() {
  local dir pid
  dir="$(cd "$1" 2>/dev/null && pwd)" || return 1
  [[ -f "$dir/nats.pid" ]] || return 1
  pid="$(cat "$dir/nats.pid")"
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-c $dir/nats.conf" || return 1
  echo "$pid"
}

start() {
  local dir="$1" port="$2"; shift 2
  command -v nats-server >/dev/null || { echo "nats-server not installed: run scripts/peers/install-streams.sh" >&2; exit 1; }
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if pid="$(running_pid "$dir")"; then echo "nats-server already running in $dir (pid $pid)" >&2; exit 1; fi
  if peers_port_open "$port"; then echo "port $port is already in use" >&2; exit 1; fi
  rm -rf "$dir/data" "$dir/nats.pid"
  cat >"$dir/nats.conf" <<CONF
listen: "127.0.0.1:$port"
server_name: "sluice-bench-$port"
jetstream {
  store_dir: "$dir/data"
}
CONF
  local line
  for line in "$@"; do echo "$line" >>"$dir/nats.conf"; done
  nohup nats-server -c "$dir/nats.conf" >"$dir/server.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$dir/nats.pid"
  local deadline=$((SECONDS + ${NATS_START_TIMEOUT:-30}))
  until peers_port_open "$port" && grep -q 'Server is ready' "$dir/server.log"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "nats-server exited during start; tail of $dir/server.log:" >&2
      tail -n 30 "$dir/server.log" >&2
      rm -f "$dir/nats.pid"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      echo "nats-server did not start within ${NATS_START_TIMEOUT:-30}s; stopping it" >&2
      tail -n 30 "$dir/server.log" >&2
      stop "$dir"
      exit 1
    fi
    sleep 0.1
  done
  echo "$pid"
}

stop() {
  local dir="$1" pid
  if ! pid="$(running_pid "$dir")"; then rm -f "$dir/nats.pid"; return 0; fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$dir/nats.pid"; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$dir/nats.pid"
}

case "${1:-}" in
  start) [[ $# -ge 3 ]] || usage; start "${@:2}" ;;
  stop) [[ $# -ge 2 ]] || usage; stop "$2" ;;
  status) [[ $# -ge 2 ]] || usage; running_pid "$2" ;;
  *) usage ;;
esac
