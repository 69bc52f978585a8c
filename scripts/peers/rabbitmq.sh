#!/usr/bin/env bash
# Runs Debian's RabbitMQ for the benchmark as its own node, on 127.0.0.1 only, with its own
# epmd: nothing of the packaged service (/etc/rabbitmq, /var/lib/rabbitmq, port 4369) is used.
#
#   rabbitmq.sh start DIR PORT [line ...]   fresh DIR, start, wait for the AMQP port; prints the pid
#   rabbitmq.sh stop DIR                    stop the node started in DIR, then its epmd
#   rabbitmq.sh status DIR                  exit 0 if it runs (prints the pid)
#
# DIR holds everything of one instance: rabbitmq.conf, enabled_plugins (none), mnesia/ (the
# queues' data), log/, the Erlang cookie (HOME=DIR) and the pids. Extra lines are appended to
# rabbitmq.conf, e.g. "default_queue_type = quorum". The node is rabbit-bench-PORT@localhost;
# epmd and Erlang distribution listen on free ports of 127.0.0.1 (ERL_EPMD_ADDRESS).
# Env: RABBITMQ_START_TIMEOUT seconds (default 90).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kafka-env.sh" # peers_port_open, peers_free_port

usage() { sed -n '2,13p' "${BASH_SOURCE[0]}" >&2; exit 2; }

RABBIT_BIN=/usr/lib/rabbitmq/bin # the real scripts; /usr/sbin's wrappers switch to the rabbitmq user

# pid in DIR/NAME.pid if that process runs and its command line mentions DIR.
pid_of() {
  local dir pid
  dir="$(cd "$1" 2>/dev/null && pwd)" || return 1
  [[ -f "$dir/$2.pid" ]] || return 1
  pid="$(cat "$dir/$2.pid")"
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$3" || return 1
  echo "$pid"
}
# The emulator (beam.smp) is started with -home DIR: that tells this node from any other.
running_pid() { pid_of "$1" rabbit "-home $(cd "$1" 2>/dev/null && pwd) "; }
epmd_pid() { pid_of "$1" epmd "epmd"; }

# The environment of every Erlang command of this node.
node_env() {
  local dir="$1" port="$2"
  local eport dport
  eport="$(cat "$dir/epmd.port")"
  dport="$(cat "$dir/dist.port")"
  ENV=(
    HOME="$dir"
    ERL_EPMD_ADDRESS=127.0.0.1
    ERL_EPMD_PORT="$eport"
    RABBITMQ_NODENAME="rabbit-bench-$port@localhost"
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    RABBITMQ_NODE_PORT="$port"
    RABBITMQ_DIST_PORT="$dport"
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf"
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
    RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
    RABBITMQ_MNESIA_BASE="$dir/mnesia"
    RABBITMQ_LOG_BASE="$dir/log"
    RABBITMQ_LOGS="$dir/log/rabbit.log"
    RABBITMQ_PID_FILE="$dir/mnesia/rabbit.pid"
  )
}

start() {
  local dir="$1" port="$2"; shift 2
  [[ -x $RABBIT_BIN/rabbitmq-server ]] || { echo "rabbitmq-server not installed: run scripts/peers/install-streams.sh" >&2; exit 1; }
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if pid="$(running_pid "$dir")"; then echo "RabbitMQ already running in $dir (pid $pid)" >&2; exit 1; fi
  if peers_port_open "$port"; then echo "port $port is already in use" >&2; exit 1; fi
  if pid="$(epmd_pid "$dir")"; then kill "$pid" 2>/dev/null || true; fi
  rm -rf "$dir/mnesia" "$dir/log" "$dir/.erlang.cookie" "$dir"/*.pid
  mkdir -p "$dir/mnesia" "$dir/log"
  peers_free_port >"$dir/epmd.port"
  peers_free_port >"$dir/dist.port"
  echo '[].' >"$dir/enabled_plugins"
  : >"$dir/rabbitmq-env.conf"
  cat >"$dir/rabbitmq.conf" <<CONF
listeners.tcp.1 = 127.0.0.1:$port
CONF
  local line
  for line in "$@"; do echo "$line" >>"$dir/rabbitmq.conf"; done
  node_env "$dir" "$port"

  # Our own epmd, in the foreground of a background job, so that its pid is known.
  nohup env ERL_EPMD_ADDRESS=127.0.0.1 epmd -port "$(cat "$dir/epmd.port")" >"$dir/log/epmd.log" 2>&1 </dev/null &
  echo $! >"$dir/epmd.pid"
  # rabbitmq-server is a shell that runs the emulator as its child and passes TERM on.
  (cd "$dir" && exec nohup env "${ENV[@]}" "$RABBIT_BIN/rabbitmq-server" >"$dir/server.log" 2>&1 </dev/null) &
  local wrapper=$! pid=""

  local deadline=$((SECONDS + ${RABBITMQ_START_TIMEOUT:-90}))
  until [[ -n $pid ]] && peers_port_open "$port"; do
    if [[ -z $pid ]] && pid="$(pgrep -P "$wrapper" -x beam.smp)"; then echo "$pid" >"$dir/rabbit.pid"; fi
    if ! kill -0 "${pid:-$wrapper}" 2>/dev/null; then
      echo "RabbitMQ exited during start; tail of $dir/server.log and $dir/log/rabbit.log:" >&2
      tail -n 20 "$dir/server.log" "$dir/log/rabbit.log" >&2 || true
      stop "$dir"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      echo "RabbitMQ did not start within ${RABBITMQ_START_TIMEOUT:-90}s; stopping it" >&2
      tail -n 20 "$dir/server.log" "$dir/log/rabbit.log" >&2 || true
      stop "$dir"
      exit 1
    fi
    sleep 0.2
  done
  echo "$pid"
}

stop() {
  local dir="$1" pid
  if pid="$(running_pid "$dir")"; then
    # SIGTERM makes the emulator stop the node cleanly (init:stop).
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/rabbit.pid"
  if pid="$(epmd_pid "$dir")"; then kill -TERM "$pid" 2>/dev/null || true; fi
  rm -f "$dir/epmd.pid"
}

case "${1:-}" in
  start) [[ $# -ge 3 ]] || usage; start "${@:2}" ;;
  stop) [[ $# -ge 2 ]] || usage; stop "$2" ;;
  status) [[ $# -ge 2 ]] || usage; running_pid "$2" ;;
  *) usage ;;
esac
