#!/usr/bin/env bash
# Builds the Go adapters of the compatibility matrix into test/compat/matrix/go/bin/ (git-ignored):
#   bin/franz    franz-go (kgo + kadm), pinned in franz/go.mod
#   bin/sarama   IBM/sarama, pinned in sarama/go.mod
# Each is its own module; -mod=readonly keeps the pinned go.mod/go.sum as they are (modules come
# through `go` itself on first build). Run: test/compat/matrix/go/build.sh [franz|sarama ...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v go >/dev/null || { echo "go not found" >&2; exit 1; }
adapters=("$@")
[[ ${#adapters[@]} -gt 0 ]] || adapters=(franz sarama)
mkdir -p "$here/bin"
for a in "${adapters[@]}"; do
  [[ -f "$here/$a/go.mod" ]] || { echo "unknown adapter: $a (franz, sarama)" >&2; exit 2; }
  (cd "$here/$a" && go build -mod=readonly -trimpath -o "$here/bin/$a" .)
  echo "built $here/bin/$a"
done
