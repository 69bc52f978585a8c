#!/usr/bin/env bash
# Installs the "other peers" of the benchmark from Debian's archive, each only when missing:
#   nats-server (2.9.x), redis-server (7.0.x), rabbitmq-server (3.10.x).
# The packaged services must not run: the benchmark starts its own instances on 127.0.0.1,
# on free ports, with temporary data directories (scripts/peers/{nats,redis,rabbitmq}.sh).
# While installing, a policy-rc.d that answers 101 keeps the maintainer scripts from starting
# them (one that already exists, as in most containers, is left as it is); afterwards any
# packaged service that runs anyway is stopped and disabled, and so is epmd's socket unit.
#
#   install-streams.sh [nats|redis|rabbitmq ...]   (default: all three)
set -euo pipefail

declare -A PACKAGE=([nats]=nats-server [redis]=redis-server [rabbitmq]=rabbitmq-server)
declare -A BINARY=([nats]=nats-server [redis]=redis-server [rabbitmq]=rabbitmq-server)
# Where the binaries are once installed (rabbitmq-server is in /usr/sbin).
export PATH="$PATH:/usr/sbin:/sbin"

peers=("$@")
[[ ${#peers[@]} -gt 0 ]] || peers=(nats redis rabbitmq)

missing=()
for p in "${peers[@]}"; do
  [[ -n "${PACKAGE[$p]:-}" ]] || { echo "unknown peer: $p (nats, redis or rabbitmq)" >&2; exit 2; }
  if command -v "${BINARY[$p]}" >/dev/null; then
    echo "${PACKAGE[$p]} already installed ($(dpkg-query -W -f '${Version}' "${PACKAGE[$p]}" 2>/dev/null || echo 'not from a package'))"
  else
    missing+=("${PACKAGE[$p]}")
  fi
done
[[ ${#missing[@]} -gt 0 ]] || exit 0

SUDO=()
[[ $(id -u) -eq 0 ]] || SUDO=(sudo)

policy=/usr/sbin/policy-rc.d
own_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\n# temporary, from install-streams.sh: do not start services while installing\nexit 101\n' |
    "${SUDO[@]}" tee "$policy" >/dev/null
  "${SUDO[@]}" chmod 755 "$policy"
  own_policy=1
fi
cleanup() { if [[ $own_policy -eq 1 ]]; then "${SUDO[@]}" rm -f "$policy"; fi; }
trap cleanup EXIT

# epmd daemons running before the install are someone else's; new ones were started by it.
epmd_before=" $(pgrep -x epmd | tr '\n' ' ' || true) "
echo "Installing ${missing[*]} with apt-get..."
# An old package list may not know the packages: update once, then install.
if ! apt-cache show "${missing[@]}" >/dev/null 2>&1; then "${SUDO[@]}" apt-get update -qq; fi
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Whatever started anyway (a system without policy-rc.d support): stop it and keep it off.
for unit in nats-server redis-server rabbitmq-server epmd.socket epmd.service; do
  if command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    "${SUDO[@]}" systemctl disable --now "$unit" >/dev/null 2>&1 || true
  elif [[ -x /etc/init.d/${unit%.*} ]]; then
    "${SUDO[@]}" /etc/init.d/"${unit%.*}" stop >/dev/null 2>&1 || true
    "${SUDO[@]}" update-rc.d "${unit%.*}" disable >/dev/null 2>&1 || true
  fi
done
# rabbitmq-server's maintainer scripts run Erlang, which starts epmd -daemon on 0.0.0.0:4369
# even when the service itself is kept from starting: stop the epmd this install started.
for pid in $(pgrep -x epmd || true); do
  if [[ $epmd_before != *" $pid "* ]]; then
    echo "stopping epmd (pid $pid) started by the package install"
    "${SUDO[@]}" kill "$pid" || true
  fi
done
for p in "${peers[@]}"; do
  echo "${PACKAGE[$p]} $(dpkg-query -W -f '${Version}' "${PACKAGE[$p]}")"
done
