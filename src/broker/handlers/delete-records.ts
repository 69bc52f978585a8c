import { DeleteRecords, ErrorCode } from '../../protocol/index.js';
import type { BrokerCore } from '../broker-core.js';
import { defineHandler } from '../handler.js';
import { storageErrorCode } from './error-codes.js';
import { isInternalTopic } from './topic-admin.js';

/** The offset a client sends to mean "up to the high watermark". */
const HIGH_WATERMARK = -1;

/** Advances partitions' log start offsets; answers the new start (the low watermark). */
export const deleteRecords = defineHandler(DeleteRecords, async (ctx, request) => {
  const { broker } = ctx;
  const topics = [];
  for (const t of request.topics) {
    const partitions = [];
    for (const p of t.partitions) {
      const answer = await deleteBefore(broker, t.name, p.partitionIndex, p.offset);
      partitions.push({ partitionIndex: p.partitionIndex, ...answer });
    }
    topics.push({ name: t.name, partitions });
  }
  return { throttleTimeMs: 0, topics };
});

async function deleteBefore(
  broker: BrokerCore,
  topicName: string,
  index: number,
  requested: number,
): Promise<{ lowWatermark: number; errorCode: number }> {
  const refused = (errorCode: number) => ({ lowWatermark: -1, errorCode });
  const topic = broker.logs.topic(topicName);
  const log =
    topic && index >= 0 && index < topic.partitions ? broker.partition(topicName, index) : undefined;
  if (!log) return refused(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (isInternalTopic(topicName)) return refused(ErrorCode.INVALID_TOPIC_EXCEPTION);
  // Single node: the high watermark is the log end offset.
  const offset = requested === HIGH_WATERMARK ? log.logEndOffset : requested;
  if (offset < 0 || offset > log.logEndOffset) return refused(ErrorCode.OFFSET_OUT_OF_RANGE);
  try {
    return { lowWatermark: await log.deleteRecordsBefore(offset), errorCode: ErrorCode.NONE };
  } catch (err) {
    return refused(storageErrorCode(err));
  }
}
