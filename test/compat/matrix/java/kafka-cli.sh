#!/usr/bin/env bash
# Compatibility-matrix adapter for Apache Kafka's own CLI tools (the "kafka-cli" client row),
# run through scripts/peers/kafka-tool.sh (needs scripts/peers/install-kafka.sh first).
#
#   test/compat/matrix/java/kafka-cli.sh --bootstrap HOST:PORT --prefix P
#
# Prints one JSON line per scenario to stdout, in the matrix's order:
# {"scenario":"<id>","ok":true|false|null,"detail":"..."}. Topics are P-<scenario>, groups
# P-g-<scenario>. Every tool run is a JVM start (~1.5 s), so the scenarios share them: four
# kafka-topics --create and one --describe (regex) serve create-topic, one console-consumer run
# serves consume-from-beginning and per-key-order. 18 tool runs in all. Where each tool and
# sub-command is checked: kafka-topics --create/--describe in create-topic, --delete/--list in
# delete-topic; kafka-console-producer in produce-keyed-acks-all and commit-and-resume;
# kafka-console-consumer in consume-from-beginning, per-key-order and commit-and-resume;
# kafka-consumer-groups --describe/--reset-offsets in commit-and-resume; kafka-configs
# --describe in describe-configs. Tool output is kept in
# a temporary directory, removed at exit unless KEEP_CLI_LOGS=1 (then its path goes to stderr).
# Exits 0 once it ran.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOL="$here/../../../../scripts/peers/kafka-tool.sh"

B="" P=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bootstrap) B="$2"; shift 2 ;;
    --prefix) P="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -n "$B" && -n "$P" ]] || { echo "usage: kafka-cli.sh --bootstrap HOST:PORT --prefix P" >&2; exit 2; }

work="$(mktemp -d /tmp/sluice-matrix-cli.XXXXXX)"
cleanup() {
  if [[ "${KEEP_CLI_LOGS:-}" == 1 ]]; then echo "kafka-cli logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

BUDGET=105 # seconds; the contract allows 120
start=$SECONDS
n=0

# tool NAME TOOL args... : runs one tool with a timeout (what is left of the budget, at most
# 40 s); stdout to $work/NAME.out, stderr to $work/NAME.err. Returns the tool's exit code.
tool() {
  local name="$1"; shift
  local left=$((BUDGET - (SECONDS - start)))
  ((left > 40)) && left=40
  if ((left < 3)); then
    echo "adapter budget of ${BUDGET}s used up" >"$work/$name.err"
    : >"$work/$name.out"
    return 124
  fi
  n=$((n + 1))
  timeout --kill-after=5 "$left" "$TOOL" "$@" >"$work/$name.out" 2>"$work/$name.err" </dev/null
}

# Same with stdin from a file.
tool_in() {
  local input="$1"; shift
  local name="$1"; shift
  local left=$((BUDGET - (SECONDS - start)))
  ((left > 40)) && left=40
  if ((left < 3)); then
    echo "adapter budget of ${BUDGET}s used up" >"$work/$name.err"
    : >"$work/$name.out"
    return 124
  fi
  n=$((n + 1))
  timeout --kill-after=5 "$left" "$TOOL" "$@" >"$work/$name.out" 2>"$work/$name.err" <"$input"
}

# why NAME CODE: a one-line reason from a failed tool run.
why() {
  local name="$1" code="$2" line
  line="$(grep -m1 -E 'ERROR|Error|Exception|error' "$work/$name.err" "$work/$name.out" 2>/dev/null | sed 's/^[^:]*://')"
  [[ -n "$line" ]] || line="$(tail -n 1 "$work/$name.err" 2>/dev/null)"
  ((code == 124)) && line="timed out; $line"
  printf 'exit %s: %s' "$code" "${line:0:300}"
}

json_str() {
  local s="$1"
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  s="$(printf %s "$s" | tr '\t\n\r' '   ' | tr -d '\000-\037')"
  printf '"%s"' "$s"
}

emit() { # emit ID true|false|null DETAIL
  printf '{"scenario":%s,"ok":%s,"detail":%s}\n' "$(json_str "$1")" "$2" "$(json_str "$3")"
}

unsupported() { emit "$1" null "not supported by kafka-cli: $2"; }

T_CREATE="$P-create-topic"
T_KEYED="$P-produce-keyed-acks-all"
T_COMMIT="$P-commit-and-resume"
G_COMMIT="$P-g-commit-and-resume"
T_CONFIGS="$P-describe-configs"

# --- create-topic (and the topics later scenarios need) -----------------------------------------
tool create1 topics --bootstrap-server "$B" --create --topic "$T_CREATE" --partitions 3 --replication-factor 1
c_create=$?
tool create2 topics --bootstrap-server "$B" --create --topic "$T_KEYED" --partitions 3 --replication-factor 1
c_keyed=$?
tool create3 topics --bootstrap-server "$B" --create --topic "$T_COMMIT" --partitions 3 --replication-factor 1
c_commit=$?
tool create4 topics --bootstrap-server "$B" --create --topic "$T_CONFIGS" --partitions 3 --replication-factor 1 \
  --config retention.ms=123456
c_configs=$?
# Every topic of this run in one describe (--topic takes a regular expression here).
tool describe topics --bootstrap-server "$B" --describe --topic "$(printf %s "$P" | sed 's/[.[\*^$()+?{|]/\\&/g')-.*"
c_describe=$?

if ((c_create != 0)); then
  emit create-topic false "kafka-topics --create: $(why create1 $c_create)"
elif ((c_describe != 0)); then
  emit create-topic false "kafka-topics --describe: $(why describe $c_describe)"
else
  head_line="$(grep -E "^Topic: $T_CREATE\s" "$work/describe.out")"
  count="$(sed -n 's/.*PartitionCount: *\([0-9]*\).*/\1/p' <<<"$head_line")"
  leaders="$(grep -E "^\s+Topic: $T_CREATE\s+Partition:" "$work/describe.out" | sed -n 's/.*Leader: *\([-0-9]*\).*/\1/p' | tr '\n' ' ')"
  nparts="$(wc -w <<<"$leaders")"
  if [[ "$count" == 3 && "$nparts" == 3 && ! "$leaders" =~ -1 ]]; then
    emit create-topic true "kafka-topics --create, then --describe: PartitionCount 3, leaders ${leaders% }"
  else
    emit create-topic false "kafka-topics --describe: PartitionCount '${count}', partition lines $nparts, leaders '${leaders% }'"
  fi
fi

# --- produce-keyed-acks-all ---------------------------------------------------------------------
for i in $(seq 0 299); do printf 'k%d\t%d\n' $((i % 10)) "$i"; done >"$work/keyed.in"
if ((c_keyed != 0)); then
  emit produce-keyed-acks-all false "kafka-topics --create: $(why create2 $c_keyed)"
else
  tool_in "$work/keyed.in" produce console-producer --bootstrap-server "$B" --topic "$T_KEYED" \
    --reader-property parse.key=true --command-property acks=all --command-property enable.idempotence=true
  c=$?
  if ((c != 0)); then
    emit produce-keyed-acks-all false "console-producer: $(why produce $c)"
  elif grep -q -E 'ERROR|Exception' "$work/produce.err"; then
    emit produce-keyed-acks-all false "console-producer exited 0 but logged: $(grep -m1 -E 'ERROR|Exception' "$work/produce.err" | cut -c1-300)"
  else
    emit produce-keyed-acks-all true "kafka-console-producer (parse.key=true, acks=all, idempotent) sent 300 lines, exit 0, no errors logged"
  fi
fi

# --- consume-from-beginning + per-key-order (one console-consumer run) --------------------------
tool consume console-consumer --bootstrap-server "$B" --topic "$T_KEYED" --from-beginning --max-messages 300 \
  --timeout-ms 20000 --formatter-property print.key=true --formatter-property print.partition=true \
  --formatter-property print.offset=true
c=$?
# Lines: Partition:P<TAB>Offset:O<TAB>KEY<TAB>VALUE
got="$(grep -c -E '^Partition:' "$work/consume.out")"
if ((c != 0)) || ((got != 300)); then
  emit consume-from-beginning false "console-consumer read $got of 300 ($(why consume $c))"
  emit per-key-order false "no complete read: console-consumer got $got of 300"
else
  check="$(awk -F'\t' '
    /^Partition:/ {
      p = substr($1, 11); o = substr($2, 8) + 0; k = $3; v = $4 + 0
      seen[v]++
      if (k != "k" (v % 10)) { bad = bad " value " v " with key " k }
      if (k in part && part[k] != p) { bad = bad " key " k " on partitions " part[k] " and " p }
      part[k] = p
      if (k in lastO) {
        if ((o > lastO[k] && v <= lastV[k]) || (o < lastO[k] && v >= lastV[k])) bad = bad " key " k " value " v "@" o " vs " lastV[k] "@" lastO[k]
      }
      if (!(k in lastO) || o > lastO[k]) { lastO[k] = o; lastV[k] = v }
      parts[p] = 1
    }
    END {
      missing = 0; for (i = 0; i < 300; i++) if (!(i in seen)) missing++
      np = 0; for (x in parts) np++
      printf "%d %d %s\n", missing, np, substr(bad, 1, 200)
    }' "$work/consume.out")"
  read -r missing np bad <<<"$check"
  if ((missing == 0)); then
    emit consume-from-beginning true "kafka-console-consumer --from-beginning --max-messages 300: read 300 (values 0..299, from $np partitions)"
  else
    emit consume-from-beginning false "read 300 lines but $missing of the values 0..299 are missing"
  fi
  if [[ -z "$bad" ]]; then
    emit per-key-order true "from the same read (print.partition/offset): 10 keys, each on one partition, values increasing with offset"
  else
    emit per-key-order false "$bad"
  fi
fi

# The console tools could do some of these (parse.headers, --compression-codec, null.marker) at two
# JVM starts each; the java row runs the same client library on every one of them.
unsupported headers "not run here to keep JVM starts few (console-producer parse.headers); the java row covers this client"
for codec in gzip snappy lz4 zstd; do
  unsupported "compression-$codec" "not run here to keep JVM starts few (console-producer --compression-codec); the java row covers this client"
done
unsupported null-key-and-value "not run here to keep JVM starts few (console-producer null.marker); the java row covers this client"
unsupported message-1mb "not run here to keep JVM starts few; the java row covers this client"
unsupported group-rebalance "no tool keeps two group members running side by side"

# --- commit-and-resume --------------------------------------------------------------------------
# 20 messages on partition 0: console-producer cannot pick a partition, so they all carry key
# "k2", which the Java client's default partitioner (murmur2) puts on partition 0 of 3; the
# consumers print partitions and offsets, so this is checked, not assumed.
if ((c_commit != 0)); then
  emit commit-and-resume false "kafka-topics --create: $(why create3 $c_commit)"
else
  for i in $(seq 0 19); do printf 'k2\t%d\n' "$i"; done >"$work/commit.in"
  cr_detail=""
  cr_ok=true
  # offsets FILE: "P:FIRST..LAST" for one contiguous run of one partition, else the count and list.
  offsets() {
    awk -F'\t' '/^Partition:/ {
        p = substr($1, 11); o = substr($2, 8) + 0; n++; all = all " " p ":" o
        if (n == 1) { p0 = p; first = o } else if (p != p0 || o != first + n - 1) broken = 1
        last = o
      }
      END { if (n > 0 && !broken) printf "%s:%d..%d", p0, first, last; else printf "%d messages [%s ]", n, substr(all, 1, 150) }' "$1"
  }
  tool_in "$work/commit.in" produce20 console-producer --bootstrap-server "$B" --topic "$T_COMMIT" \
    --reader-property parse.key=true --command-property acks=all
  c=$?
  if ((c != 0)); then
    cr_ok=false cr_detail="console-producer: $(why produce20 $c)"
  else
    # max.poll.records=1: the consumer's position, which it commits on close (auto-commit), is
    # exactly past the 10 it printed.
    consume_group() {
      tool "$1" console-consumer --bootstrap-server "$B" --topic "$T_COMMIT" --group "$G_COMMIT" --from-beginning \
        --max-messages 10 --timeout-ms 20000 --formatter-property print.partition=true --formatter-property print.offset=true \
        --command-property max.poll.records=1
    }
    consume_group member1
    c1=$?
    o1="$(offsets "$work/member1.out")"
    if ((c1 != 0)) || [[ "$o1" != "0:0..9" ]]; then
      cr_ok=false cr_detail="first console-consumer --group read $o1, want 0:0..9 ($(why member1 $c1))"
    else
      tool groups1 consumer-groups --bootstrap-server "$B" --describe --group "$G_COMMIT"
      cg=$?
      # GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG ...
      per="$(awk -v t="$T_COMMIT" '$2 == t { printf "%sp%s=%s", sep, $3, $4; sep = " " }' "$work/groups1.out")"
      p0="$(awk -v t="$T_COMMIT" '$2 == t && $3 == 0 { print $4 "/" $5 "/" $6 }' "$work/groups1.out")"
      if ((cg != 0)) || [[ "$p0" != "10/20/10" ]]; then
        cr_ok=false cr_detail="first member read 0:0..9; consumer-groups --describe shows partition 0 current/end/lag '$p0', want 10/20/10 (all: $per) ($(why groups1 $cg))"
      else
        consume_group member2
        c2=$?
        o2="$(offsets "$work/member2.out")"
        if ((c2 != 0)) || [[ "$o2" != "0:10..19" ]]; then
          cr_ok=false cr_detail="first member read 0:0..9, describe shows 10 committed; the new member read $o2, want 0:10..19 ($(why member2 $c2))"
        else
          cr_detail="first kafka-console-consumer --group read 0:0..9; kafka-consumer-groups --describe: committed $per (partition 0 lag 10); a new member read exactly 0:10..19"
          tool reset consumer-groups --bootstrap-server "$B" --reset-offsets --to-earliest --execute --group "$G_COMMIT" --topic "$T_COMMIT"
          cx=$?
          # GROUP TOPIC PARTITION NEW-OFFSET
          read -r rrows rnonzero <<<"$(awk -v t="$T_COMMIT" '$2 == t { r++; if ($4 != 0) nz++ } END { printf "%d %d\n", r, nz }' "$work/reset.out")"
          if ((cx != 0)) || ((rrows != 3)) || ((rnonzero != 0)); then
            cr_ok=false cr_detail="$cr_detail; reset-offsets --to-earliest --execute: $rrows partitions listed, $rnonzero not at 0 ($(why reset $cx))"
          else
            # What the tool printed is its plan; a second --describe reads what the group committed.
            tool groups2 consumer-groups --bootstrap-server "$B" --describe --group "$G_COMMIT"
            cg2=$?
            after="$(awk -v t="$T_COMMIT" '$2 == t { printf "%sp%s=%s", sep, $3, $4; sep = " " }' "$work/groups2.out")"
            p0after="$(awk -v t="$T_COMMIT" '$2 == t && $3 == 0 { print $4 "/" $5 "/" $6 }' "$work/groups2.out")"
            if ((cg2 != 0)) || [[ "$after" != "p0=0 p1=0 p2=0" || "$p0after" != "0/20/20" ]]; then
              cr_ok=false cr_detail="$cr_detail; reset-offsets --to-earliest --execute listed 3 partitions at 0, but consumer-groups --describe then shows '$after' (partition 0 current/end/lag '$p0after', want 0/20/20) ($(why groups2 $cg2))"
            else
              cr_detail="$cr_detail; kafka-consumer-groups --reset-offsets --to-earliest --execute: 3 partitions to 0, and --describe then shows $after (partition 0 lag 20)"
            fi
          fi
        fi
      fi
    fi
  fi
  emit commit-and-resume "$cr_ok" "$cr_detail"
fi

unsupported list-offsets-by-timestamp "console-producer cannot set record timestamps (the tool to query by time, kafka-get-offsets, is not run)"

# --- describe-configs ---------------------------------------------------------------------------
if ((c_configs != 0)); then
  emit describe-configs false "kafka-topics --create --config retention.ms=123456: $(why create4 $c_configs)"
else
  tool configs configs --bootstrap-server "$B" --describe --entity-type topics --entity-name "$T_CONFIGS"
  c=$?
  if ((c == 0)) && grep -q -E '(^|[ ,])retention\.ms=123456([ ,]|$)' "$work/configs.out"; then
    emit describe-configs true "kafka-configs --describe: $(grep -m1 -E '^\s*retention\.ms=' "$work/configs.out" | sed 's/^ *//')"
  else
    emit describe-configs false "kafka-configs --describe has no retention.ms=123456: $(head -c 300 "$work/configs.out" | tr '\n' ' ') ($(why configs $c))"
  fi
fi

# --- delete-topic -------------------------------------------------------------------------------
if ((c_create != 0)); then
  emit delete-topic false "nothing to delete: create-topic failed"
else
  tool delete topics --bootstrap-server "$B" --delete --topic "$T_CREATE"
  c=$?
  tool list topics --bootstrap-server "$B" --list
  cl=$?
  if ((c != 0)); then
    emit delete-topic false "kafka-topics --delete: $(why delete $c)"
  elif ((cl != 0)); then
    emit delete-topic false "kafka-topics --list: $(why list $cl)"
  elif grep -q -x -F "$T_CREATE" "$work/list.out"; then
    emit delete-topic false "kafka-topics --delete exited 0 but --list still shows $T_CREATE"
  else
    # --list must still show the topics this run made and did not delete (it lists, not only omits).
    kept=() lost=()
    for t in "$T_KEYED" "$T_COMMIT" "$T_CONFIGS"; do
      if grep -q -x -F "$t" "$work/list.out"; then kept+=("$t"); else lost+=("$t"); fi
    done
    if ((${#lost[@]})); then
      emit delete-topic false "kafka-topics --delete removed $T_CREATE, but --list lacks ${lost[*]} of this run ($(wc -l <"$work/list.out") topics listed)"
    else
      emit delete-topic true "kafka-topics --delete, then --list: $T_CREATE gone, the ${#kept[@]} other topics of this run listed"
    fi
  fi
fi

echo "kafka-cli adapter: $n tool runs in $((SECONDS - start)) s" >&2
exit 0
