#!/usr/bin/env bash
# Runs Debian's redis-server for the benchmark, on 127.0.0.1 only, without Debian's config.
#
#   redis.sh start DIR PORT [directive ...]   fresh DIR/data, start, wait for PING; prints the pid
#   redis.sh stop DIR                         stop the server started in DIR
#   redis.sh status DIR                       exit 0 if it runs (prints the pid)
#
# DIR holds everything of one instance: redis.conf, data/ (RDB and AOF files), server.log,
# redis.pid. The config sets only where to listen and where to write; every other setting is
# Redis's built-in default unless given as an extra directive, e.g. "appendonly yes".
# Env: REDIS_START_TIMEOUT seconds (default 30).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kafka-env.sh" # peers_port_open

usage() { sed -n '2,11p' "${BASH_SOURCE[0]}" >&2; exit 2; }

running_pid() {
  local dir pid
  dir="$(cd "$1" 2>/dev/null && pwd)" || return 1
  [[ -f "$dir/redis.pid" ]] || return 1
  pid="$(cat "$dir/redis.pid")"
  kill -0 "$pid" 2>/dev/null || return 1
  # redis-server rewrites its argv to "redis-server 127.0.0.1:PORT": check the executable.
  [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == *redis* ]] || return 1
  echo "$pid"
}

start() {
  local dir="$1" port="$2"; shift 2
  command -v redis-server >/dev/null || { echo "redis-server not installed: run scripts/peers/install-streams.sh" >&2; exit 1; }
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if pid="$(running_pid "$dir")"; then echo "redis-server already running in $dir (pid $pid)" >&2; exit 1; fi
  if peers_port_open "$port"; then echo "port $port is already in use" >&2; exit 1; fi
  rm -rf "$dir/data" "$dir/redis.pid"
  mkdir -p "$dir/data"
  cat >"$dir/redis.conf" <<CONF
bind 127.0.0.1
port $port
daemonize no
dir $dir/data
logfile $dir/server.log
CONF
  local line
  for line in "$@"; do echo "$line" >>"$dir/redis.conf"; done
  nohup redis-server "$dir/redis.conf" >>"$dir/server.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$dir/redis.pid"
  local deadline=$((SECONDS + ${REDIS_START_TIMEOUT:-30}))
  until [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "redis-server exited during start; tail of $dir/server.log:" >&2
      tail -n 30 "$dir/server.log" >&2
      rm -f "$dir/redis.pid"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      echo "redis-server did not start within ${REDIS_START_TIMEOUT:-30}s; stopping it" >&2
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
  if ! pid="$(running_pid "$dir")"; then rm -f "$dir/redis.pid"; return 0; fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$dir/redis.pid"; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$dir/redis.pid"
}

case "${1:-}" in
  start) [[ $# -ge 3 ]] || usage; start "${@:2}" ;;
  stop) [[ $# -ge 2 ]] || usage; stop "$2" ;;
  status) [[ $# -ge 2 ]] || usage; running_pid "$2" ;;
  *) usage ;;
esac
