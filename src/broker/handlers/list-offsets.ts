import {
  ErrorCode,
  firstRecordAtOrAfter,
  ListOffsets,
  type RecordTime,
  recordWithMaxTimestamp,
} from '../../protocol/index.js';
import type { PartitionLog } from '../../storage/index.js';
import { defineHandler } from '../handler.js';
import { storageErrorCode } from './error-codes.js';

/** Special timestamps a client may ask for instead of a time. */
const LATEST = -1;
const EARLIEST = -2;
const MAX_TIMESTAMP = -3;
const EARLIEST_LOCAL = -4;
const LATEST_TIERED = -5;
const LEADER_EPOCH = 0;
const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;

type Answer = { errorCode: number; offset: number; timestamp: number };

export const listOffsets = defineHandler(ListOffsets, async (ctx, request) => {
  const { broker, version } = ctx;
  const topics = [];
  for (const t of request.topics) {
    const topic = broker.logs.topic(t.name);
    const partitions = [];
    for (const p of t.partitions) {
      const log =
        topic && p.partitionIndex < topic.partitions ? broker.partition(t.name, p.partitionIndex) : undefined;
      let answer: Answer;
      if (!log) answer = { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, offset: -1, timestamp: -1 };
      else if (p.currentLeaderEpoch > LEADER_EPOCH) {
        answer = { errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH, offset: -1, timestamp: -1 };
      } else answer = await lookup(log, p.timestamp);
      partitions.push({
        partitionIndex: p.partitionIndex,
        errorCode: answer.errorCode,
        oldStyleOffsets: version === 0 && answer.offset >= 0 ? [answer.offset] : [],
        timestamp: answer.timestamp,
        offset: answer.offset,
        leaderEpoch: answer.offset >= 0 ? LEADER_EPOCH : -1,
      });
    }
    topics.push({ name: t.name, partitions });
  }
  return { throttleTimeMs: 0, topics };
});

async function lookup(log: PartitionLog, timestamp: number): Promise<Answer> {
  const ok = (offset: number, ts = -1): Answer => ({ errorCode: ErrorCode.NONE, offset, timestamp: ts });
  try {
    switch (timestamp) {
      case LATEST:
      case LATEST_TIERED:
        return ok(log.logEndOffset);
      case EARLIEST:
      case EARLIEST_LOCAL:
        return ok(log.logStartOffset);
      case MAX_TIMESTAMP: {
        const max = log.maxTimestampOffset();
        if (!max) return ok(-1);
        const exact = await withinBatch(log, max.offset, (batch, limit) =>
          recordWithMaxTimestamp(batch, limit),
        );
        return exact ? ok(exact.offset, exact.timestamp) : ok(max.offset, max.timestamp);
      }
      default: {
        if (timestamp < 0) {
          return { errorCode: ErrorCode.INVALID_REQUEST, offset: -1, timestamp: -1 };
        }
        const found = await log.offsetForTimestamp(timestamp);
        if (!found) return ok(-1);
        const exact = await withinBatch(log, found.offset, (batch, limit) =>
          firstRecordAtOrAfter(batch, timestamp, limit),
        );
        return exact ? ok(exact.offset, exact.timestamp) : ok(found.offset, found.timestamp);
      }
    }
  } catch (err) {
    // A stored batch whose records do not decode (or would inflate past the bound) is
    // CORRUPT_MESSAGE for that partition, as in Kafka; other failures KAFKA_STORAGE_ERROR.
    return { errorCode: storageErrorCode(err), offset: -1, timestamp: -1 };
  }
}

/** Storage indexes whole batches; Kafka answers per record, so look inside the one batch. */
async function withinBatch(
  log: PartitionLog,
  offset: number,
  pick: (batch: Buffer, maxMessageBytes: number) => RecordTime | null,
): Promise<RecordTime | null> {
  const { records } = await log.read(offset, 1);
  if (records.length === 0) return null;
  const found = pick(Buffer.concat(records), log.config.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
  // Records below the log start offset are gone, even if their batch is still stored.
  return found && found.offset >= log.logStartOffset ? found : null;
}
