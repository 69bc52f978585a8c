import { DescribeProducers, ErrorCode } from '../../protocol/index.js';
import { partitionKey } from '../broker-core.js';
import { defineHandler } from '../handler.js';
import type { PartitionRef } from '../producers/producer-state.js';

/**
 * The active idempotent producers of each partition (kafka-transactions.sh describe-producers),
 * from the same state that checks sequences. A node without transactions has no coordinator
 * epoch and no open transaction, so both are -1.
 */
export const describeProducers = defineHandler(DescribeProducers, async (ctx, request) => {
  const { broker } = ctx;
  const refs: PartitionRef[] = [];
  for (const t of request.topics) {
    const topic = broker.logs.topic(t.name);
    if (!topic) continue;
    for (const index of t.partitionIndexes) {
      const log = broker.partition(t.name, index);
      if (log) refs.push({ key: partitionKey(t.name, index), log, topicId: topic.id });
    }
  }
  const loading = broker.producers.prepare(refs);
  if (loading) await loading;
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => {
        const key = partitionKey(t.name, partitionIndex);
        if (!broker.partition(t.name, partitionIndex)) {
          return {
            partitionIndex,
            errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            errorMessage: null,
            activeProducers: [],
          };
        }
        if (!broker.producers.isLoaded(key)) {
          return {
            partitionIndex,
            errorCode: ErrorCode.KAFKA_STORAGE_ERROR,
            errorMessage: 'producer state could not be loaded from the log',
            activeProducers: [],
          };
        }
        return {
          partitionIndex,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          activeProducers: broker.producers.active(key).map((p) => ({
            ...p,
            coordinatorEpoch: -1,
            currentTxnStartOffset: -1,
          })),
        };
      }),
    })),
  };
});
