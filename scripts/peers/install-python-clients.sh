#!/usr/bin/env bash
# Installs the Python Kafka clients that the compatibility matrix runs (versions pinned in
# python-requirements.txt) into a virtualenv under .peers/python, with pip. Idempotent: does
# nothing when that venv already holds exactly these requirements (a marker names their hash).
#
# The base interpreter is $SLUICE_VENV_BASE_PYTHON if set, else the first of /usr/bin/python3
# (needs Debian's python3-venv) and python3 on PATH (e.g. a pyenv CPython) that can make a venv
# with pip in it. Exits 1 when none can, or pip fails; the matrix then skips the rows.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kafka-env.sh" # PEERS_SRC, PEERS_DIR

REQS="$PEERS_SRC/python-requirements.txt"
VENV="$PEERS_DIR/python"
hash="$(sha256sum "$REQS" | cut -c1-16)"
MARKER="$VENV/.installed-$hash"

if [[ -f "$MARKER" && -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
  echo "Python clients already installed in $VENV"
  exit 0
fi

# A Python that can make a venv: venv and ensurepip both import (Debian splits ensurepip off
# into python3-venv, so `import venv` alone proves nothing there).
can_venv() { "$1" -c 'import venv, ensurepip' >/dev/null 2>&1; }

candidates=()
if [[ -n "${SLUICE_VENV_BASE_PYTHON:-}" ]]; then
  candidates=("$SLUICE_VENV_BASE_PYTHON")
else
  candidates=(/usr/bin/python3)
  on_path="$(command -v python3 || true)"
  [[ -n "$on_path" && "$on_path" != /usr/bin/python3 ]] && candidates+=("$on_path")
fi
base=""
for c in "${candidates[@]}"; do
  if [[ -x "$c" ]] || command -v "$c" >/dev/null; then
    if can_venv "$c"; then base="$c"; break; fi
  fi
done
if [[ -z "$base" ]]; then
  echo "no Python here can make a virtualenv (tried ${candidates[*]}; on Debian: apt-get install python3-venv)" >&2
  exit 1
fi

# Made from scratch each time: a venv cannot be moved, so it is built in place and only the
# marker, written last, says it is complete.
rm -rf "$VENV"
mkdir -p "$PEERS_DIR"
echo "Making $VENV with $base ($("$base" --version 2>&1))..."
"$base" -m venv "$VENV"
pip=("$VENV/bin/python" -m pip --disable-pip-version-check --no-input --quiet)
"${pip[@]}" install --only-binary=:all: --requirement "$REQS"
"$VENV/bin/python" -c 'import confluent_kafka, kafka, snappy, lz4.frame, zstandard, crc32c, confluent_kafka.schema_registry.avro, confluent_kafka.schema_registry.json_schema, confluent_kafka.schema_registry.protobuf, py_eureka_client'
touch "$MARKER"
echo "Python clients installed in $VENV: $("$VENV/bin/python" -m pip --disable-pip-version-check freeze | tr '\n' ' ')"
