#!/usr/bin/env bash
# Runs one of Apache Kafka's own CLI tools from the reference install (see install-kafka.sh).
#
#   kafka-tool.sh TOOL [args...]      e.g. kafka-tool.sh topics --bootstrap-server 127.0.0.1:19092 --list
#
# TOOL is one of (the bin/kafka-*.sh script it stands for):
#   topics              kafka-topics.sh               org.apache.kafka.tools.TopicCommand
#   console-producer    kafka-console-producer.sh     org.apache.kafka.tools.ConsoleProducer
#   console-consumer    kafka-console-consumer.sh     org.apache.kafka.tools.consumer.ConsoleConsumer
#   consumer-groups     kafka-consumer-groups.sh      org.apache.kafka.tools.consumer.group.ConsumerGroupCommand
#   producer-perf-test  kafka-producer-perf-test.sh   org.apache.kafka.tools.ProducerPerformance
#   consumer-perf-test  kafka-consumer-perf-test.sh   org.apache.kafka.tools.ConsumerPerformance
#   configs             kafka-configs.sh              kafka.admin.ConfigCommand
#   storage             kafka-storage.sh              kafka.tools.StorageTool
#   log-dirs            kafka-log-dirs.sh             org.apache.kafka.tools.LogDirsCommand
#   leader-election     kafka-leader-election.sh      org.apache.kafka.tools.LeaderElectionCommand
#   transactions        kafka-transactions.sh         org.apache.kafka.tools.TransactionsCommand
# Env: KAFKA_TOOL_HEAP_OPTS (default -Xmx256m); KAFKA_TOOL_JVM_OPTS (default
#      -XX:+UseSerialGC -XX:TieredStopAtLevel=1: quick to start, for tests; the benchmark passes
#      kafka-run-class.sh's own flags instead, so the perf tools run at full speed).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/kafka-env.sh"

usage() { sed -n '2,21p' "${BASH_SOURCE[0]}" >&2; exit 2; }
[[ $# -ge 1 ]] || usage

case "$1" in
  topics) main=org.apache.kafka.tools.TopicCommand ;;
  console-producer) main=org.apache.kafka.tools.ConsoleProducer ;;
  console-consumer) main=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
  consumer-groups) main=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  producer-perf-test) main=org.apache.kafka.tools.ProducerPerformance ;;
  consumer-perf-test) main=org.apache.kafka.tools.ConsumerPerformance ;;
  configs) main=kafka.admin.ConfigCommand ;;
  storage) main=kafka.tools.StorageTool ;;
  log-dirs) main=org.apache.kafka.tools.LogDirsCommand ;;
  leader-election) main=org.apache.kafka.tools.LeaderElectionCommand ;;
  transactions) main=org.apache.kafka.tools.TransactionsCommand ;;
  *) usage ;;
esac
shift
kafka_require_installed

read -r -a heap <<<"${KAFKA_TOOL_HEAP_OPTS:--Xmx256m}"
read -r -a jvm <<<"${KAFKA_TOOL_JVM_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
exec java "${heap[@]}" "${jvm[@]}" -Djava.awt.headless=true \
  "-Dlog4j2.configurationFile=$PEERS_SRC/kafka/log4j2-tools.properties" \
  -cp "$KAFKA_LIBS/*" "$main" "$@"
