import { ErrorCode, Fetch, type RequestOf, type ResponseInput } from '../../protocol/index.js';
import { type BrokerCore, partitionKey } from '../broker-core.js';
import { defineHandler } from '../handler.js';
import { storageErrorCode } from './storage-errors.js';

type FetchRequest = RequestOf<typeof Fetch>;
type TopicResponse = NonNullable<ResponseInput<typeof Fetch>['responses']>[number];
type PartitionResponse = NonNullable<TopicResponse['partitions']>[number];

const LEADER_EPOCH = 0;

/**
 * Fetch returns log bytes as stored. It long-polls: with less than minBytes available it waits
 * for an append to any requested partition, or for maxWaitMs. Sessions (KIP-227) are not
 * created: answering session id 0 tells clients to keep sending full fetch requests.
 */
export const fetch = defineHandler(Fetch, async (ctx, request) => {
  const { broker, version } = ctx;
  if (request.sessionId !== 0) {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
      sessionId: 0,
      responses: [],
    };
  }
  const useIds = version >= 13;
  const deadline = Date.now() + Math.max(0, request.maxWaitMs);
  for (;;) {
    const { responses, bytes, errors } = await readOnce(broker, request, useIds);
    const remaining = deadline - Date.now();
    if (bytes >= Math.max(1, request.minBytes) || errors || remaining <= 0) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses };
    }
    await broker.appends.wait(waitKeys(broker, request, useIds), remaining);
  }
});

function topicNameOf(
  broker: BrokerCore,
  t: FetchRequest['topics'][number],
  useIds: boolean,
): string | undefined {
  return useIds ? broker.logs.topicById(t.topicId)?.name : t.topic;
}

function waitKeys(broker: BrokerCore, request: FetchRequest, useIds: boolean): string[] {
  const keys: string[] = [];
  for (const t of request.topics) {
    const name = topicNameOf(broker, t, useIds);
    if (name) for (const p of t.partitions) keys.push(partitionKey(name, p.partition));
  }
  return keys;
}

async function readOnce(broker: BrokerCore, request: FetchRequest, useIds: boolean) {
  let budget = request.maxBytes > 0 ? request.maxBytes : 0x7fffffff;
  let bytes = 0;
  let errors = false;
  const responses: TopicResponse[] = [];
  for (const t of request.topics) {
    const name = topicNameOf(broker, t, useIds);
    const topic = name === undefined ? undefined : broker.logs.topic(name);
    const partitions: PartitionResponse[] = [];
    for (const p of t.partitions) {
      const log =
        topic && p.partition < topic.partitions ? broker.partition(topic.name, p.partition) : undefined;
      if (!topic || !log) {
        errors = true;
        const errorCode =
          useIds && !topic ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        partitions.push(empty(p.partition, errorCode));
        continue;
      }
      if (p.currentLeaderEpoch > LEADER_EPOCH) {
        errors = true;
        partitions.push(empty(p.partition, ErrorCode.UNKNOWN_LEADER_EPOCH));
        continue;
      }
      const highWatermark = log.logEndOffset;
      const base = {
        partitionIndex: p.partition,
        highWatermark,
        lastStableOffset: highWatermark,
        logStartOffset: log.logStartOffset,
        abortedTransactions: request.isolationLevel === 1 ? [] : null,
        preferredReadReplica: -1,
      };
      if (p.fetchOffset < log.logStartOffset || p.fetchOffset > highWatermark) {
        errors = true;
        partitions.push({ ...base, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, records: null });
        continue;
      }
      // The first non-empty partition may exceed the budget by one batch, so a consumer never stalls.
      const limit = Math.min(p.partitionMaxBytes, budget);
      if (limit <= 0 && bytes > 0) {
        partitions.push({ ...base, errorCode: ErrorCode.NONE, records: null });
        continue;
      }
      try {
        const read = await log.read(p.fetchOffset, Math.max(limit, 1));
        bytes += read.bytes;
        budget -= read.bytes;
        partitions.push({ ...base, errorCode: ErrorCode.NONE, records: read.records });
      } catch (err) {
        errors = true;
        partitions.push({ ...base, errorCode: storageErrorCode(err), records: null });
      }
    }
    responses.push({ topic: topic?.name ?? t.topic, topicId: useIds ? t.topicId : undefined, partitions });
  }
  return { responses, bytes, errors };
}

function empty(partitionIndex: number, errorCode: number): PartitionResponse {
  return {
    partitionIndex,
    errorCode,
    highWatermark: -1,
    lastStableOffset: -1,
    logStartOffset: -1,
    records: null,
  };
}
