import {
  ATTRIBUTES,
  BATCH,
  COMPRESSION_NAMES,
  ErrorCode,
  Produce,
  type RequestOf,
  type ResponseInput,
  readInt64,
  validateBatches,
} from '../../protocol/index.js';
import type { PartitionLog } from '../../storage/index.js';
import { type BrokerCore, partitionKey } from '../broker-core.js';
import { defineHandler } from '../handler.js';
import type { PartitionRef } from '../producers/producer-state.js';
import { storageErrorCode } from './error-codes.js';
import { TRANSACTIONS_UNSUPPORTED } from './transactions.js';

type PartitionResponse = NonNullable<
  ResponseInput<typeof Produce>['responses']
>[number]['partitionResponses'];
type PartitionResult = NonNullable<PartitionResponse>[number];

const LEADER_EPOCH = 0;

export const produce = defineHandler(Produce, async (ctx, request) => {
  const { broker } = ctx;
  const { acks } = request;
  const toFlush = new Set<PartitionLog>();
  // Idempotent partitions need their producer state (rebuilt from the log on first use).
  const waitForState = broker.producers.prepare(idempotentPartitions(broker, request), ctx.connection);
  if (waitForState) await waitForState;
  const responses = request.topicData.map((topicData) => {
    const topic = broker.logs.topic(topicData.name);
    return {
      name: topicData.name,
      partitionResponses: topicData.partitionData.map((p): PartitionResult => {
        if (acks !== 0 && acks !== 1 && acks !== -1) {
          return failure(p.index, ErrorCode.INVALID_REQUIRED_ACKS, `acks must be -1, 0 or 1, got ${acks}`);
        }
        if (request.transactionalId !== null) {
          return failure(p.index, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, TRANSACTIONS_UNSUPPORTED);
        }
        const log =
          topic && p.index >= 0 && p.index < topic.partitions
            ? broker.partition(topic.name, p.index)
            : undefined;
        if (!topic || !log) return failure(p.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null);
        const result = appendPartition(broker, topic.name, p.index, log, p.records, topic.maxMessageBytes);
        if (result.errorCode === ErrorCode.NONE && acks === -1) toFlush.add(log);
        return result;
      }),
    };
  });
  if (acks === 0) return null;
  if (toFlush.size > 0) await Promise.all([...toFlush].map((log) => log.flush()));
  return { responses, throttleTimeMs: 0 };
});

/** The partitions this request writes idempotent batches to (a peek at the first header). */
function idempotentPartitions(broker: BrokerCore, request: RequestOf<typeof Produce>): PartitionRef[] {
  const refs: PartitionRef[] = [];
  for (const topicData of request.topicData) {
    const topic = broker.logs.topic(topicData.name);
    if (!topic) continue;
    for (const p of topicData.partitionData) {
      const log = broker.partition(topic.name, p.index);
      const records = p.records;
      if (!log || !records || records.length < BATCH.headerSize) continue;
      if (readInt64(records, BATCH.producerId) < 0) continue;
      refs.push({ key: partitionKey(topic.name, p.index), log, topicId: topic.id });
    }
  }
  return refs;
}

function failure(index: number, errorCode: number, errorMessage: string | null): PartitionResult {
  return { index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, errorMessage };
}

/** Validates and appends one partition's batch; nothing is written unless all checks pass. */
function appendPartition(
  broker: BrokerCore,
  topic: string,
  index: number,
  log: PartitionLog,
  records: Buffer | null,
  maxMessageBytes: number,
): PartitionResult {
  if (!records || records.length === 0) return failure(index, ErrorCode.CORRUPT_MESSAGE, 'no record batch');
  const checked = validateBatches(records, maxMessageBytes);
  if (!checked.ok) {
    broker.log.debug({ topic, partition: index, reason: checked.reason }, 'rejected produce');
    return failure(index, checked.error, checked.reason);
  }
  // Produce v3+ carries exactly one batch per partition, which keeps idempotence checks exact.
  if (checked.batches.length !== 1) {
    return failure(
      index,
      ErrorCode.INVALID_RECORD,
      `expected one record batch, got ${checked.batches.length}`,
    );
  }
  const header = checked.batches[0];
  const codec = header.attributes & ATTRIBUTES.compressionMask;
  if (codec >= COMPRESSION_NAMES.length) {
    return failure(index, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `unknown compression codec ${codec}`);
  }
  const futureLimit = log.config.timestampAfterMaxMs ?? 3_600_000;
  if (header.maxTimestamp > Date.now() + futureLimit) {
    return failure(
      index,
      ErrorCode.INVALID_TIMESTAMP,
      `timestamp ${header.maxTimestamp} is more than ${futureLimit} ms in the future (message.timestamp.after.max.ms)`,
    );
  }
  if (header.attributes & (ATTRIBUTES.transactional | ATTRIBUTES.control)) {
    return failure(index, ErrorCode.INVALID_RECORD, 'transactional and control batches are not supported');
  }
  const key = partitionKey(topic, index);
  const idempotent = header.producerId >= 0;
  if (idempotent) {
    if (!broker.producers.isLoaded(key)) {
      return failure(index, ErrorCode.KAFKA_STORAGE_ERROR, 'producer state could not be loaded from the log');
    }
    const verdict = broker.producers.check(key, header);
    if (verdict.kind === 'duplicate') {
      return {
        index,
        errorCode: ErrorCode.NONE,
        baseOffset: verdict.baseOffset,
        logAppendTimeMs: -1,
        logStartOffset: log.logStartOffset,
      };
    }
    if (verdict.kind === 'reject') return failure(index, verdict.error, verdict.reason);
  }
  records.writeInt32BE(LEADER_EPOCH, BATCH.partitionLeaderEpoch); // outside the CRC
  try {
    const { baseOffset } = log.append(records, checked.batches);
    if (idempotent) broker.producers.record(key, header, baseOffset);
    broker.appends.notify(key);
    broker.metrics.recordsIn(topic, header.recordCount, records.length);
    return {
      index,
      errorCode: ErrorCode.NONE,
      baseOffset,
      logAppendTimeMs: -1,
      logStartOffset: log.logStartOffset,
    };
  } catch (err) {
    broker.reportStorageError('append', err, { topic, partition: index });
    return failure(index, storageErrorCode(err), (err as Error).message);
  }
}
