import { BATCH, ErrorCode, Fetch, type RequestOf, type ResponseInput } from '../../protocol/index.js';
import type { PartitionLog, ReadBuffers } from '../../storage/index.js';
import { type BrokerCore, partitionKey } from '../broker-core.js';
import { defineHandler } from '../handler.js';
import { byteLength, countRecords } from '../metrics/index.js';
import { storageErrorCode } from './error-codes.js';

type FetchRequest = RequestOf<typeof Fetch>;
type TopicResponse = NonNullable<ResponseInput<typeof Fetch>['responses']>[number];
type PartitionResponse = NonNullable<TopicResponse['partitions']>[number];

const LEADER_EPOCH = 0;

/**
 * Fetch returns log bytes as stored, at most the broker's fetch.max.bytes whatever the client
 * asks. It long-polls: with less than minBytes available it waits for an append to any
 * requested partition, for maxWaitMs, or for the connection to close. Sessions (KIP-227) are not
 * created: answering session id 0 tells clients to keep sending full fetch requests.
 *
 * Log bytes are read into slabs lent by the broker's read buffer pool; the lease goes back once
 * the response is in the kernel's hands (or, for reads a long poll throws away, before reading
 * again). Nothing else may keep these buffers.
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
  const { signal } = ctx.connection;
  const lease = broker.readBuffers.lease();
  for (;;) {
    // Marked before reading, so an append that lands while the reads are awaited still wakes us.
    const mark = broker.appends.mark();
    const { responses, bytes, errors } = await readOnce(broker, request, useIds, lease);
    const remaining = deadline - Date.now();
    if (bytes >= Math.max(1, request.minBytes) || errors || remaining <= 0 || signal.aborted) {
      if (bytes > 0 && broker.metrics.enabled) countOut(broker, responses);
      ctx.whenSent(() => lease.release());
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses };
    }
    // Too little to answer: these reads are dropped, and every one of them has finished.
    lease.release();
    await broker.appends.wait(waitKeys(broker, request, useIds), remaining, mark, signal);
  }
});

function countOut(broker: BrokerCore, responses: TopicResponse[]): void {
  for (const t of responses) {
    for (const p of t.partitions ?? []) {
      if (p.records?.length)
        broker.metrics.recordsOut(t.topic ?? '', countRecords(p.records), byteLength(p.records));
    }
  }
}

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

type Slot = {
  base: Omit<PartitionResponse, 'errorCode' | 'records'>;
  log: PartitionLog;
  offset: number;
  partitionMaxBytes: number;
  read?: ReturnType<PartitionLog['read']>;
  limit: number;
};

/**
 * Reads the requested partitions and applies the response budget in request order: the first
 * non-empty partition may exceed it by one batch so a consumer never stalls; later ones keep
 * the whole batches that still fit. The budget is the client's max_bytes capped at the broker's
 * fetch.max.bytes and at what is left of the broker-wide unsent response budget. Reads run concurrently (they are independent file reads) as long as their
 * limits add up to the budget left; the rest wait, so one fetch never holds much more than it
 * may answer.
 */
async function readOnce(broker: BrokerCore, request: FetchRequest, useIds: boolean, buffers: ReadBuffers) {
  let errors = false;
  const plans: { topic: TopicResponse; slots: (PartitionResponse | Slot)[] }[] = [];
  const reads: Slot[] = [];
  for (const t of request.topics) {
    const name = topicNameOf(broker, t, useIds);
    const topic = name === undefined ? undefined : broker.logs.topic(name);
    const slots: (PartitionResponse | Slot)[] = [];
    for (const p of t.partitions) {
      const log =
        topic && p.partition < topic.partitions ? broker.partition(topic.name, p.partition) : undefined;
      if (!topic || !log) {
        errors = true;
        const errorCode =
          useIds && !topic ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        slots.push(empty(p.partition, errorCode));
        continue;
      }
      if (p.currentLeaderEpoch > LEADER_EPOCH) {
        errors = true;
        slots.push(empty(p.partition, ErrorCode.UNKNOWN_LEADER_EPOCH));
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
        slots.push({ ...base, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, records: null });
        continue;
      }
      const slot = { base, log, offset: p.fetchOffset, partitionMaxBytes: p.partitionMaxBytes, limit: 0 };
      slots.push(slot);
      reads.push(slot);
    }
    plans.push({
      topic: { topic: topic?.name ?? t.topic, topicId: useIds ? t.topicId : undefined, partitions: [] },
      slots,
    });
  }

  const asked = request.maxBytes > 0 ? request.maxBytes : 0x7fffffff;
  // While clients leave many responses unread, answer less until they read: never less than
  // what one connection may leave unsent before the broker stops reading it, so clients that
  // read keep a useful share (every partition, several batches) however many others do not,
  // and each non-reading connection still holds no more than that.
  const { fetchMaxBytes, unsentResponseBudgetBytes, maxUnsentResponseBytes } = broker.options;
  const { responses: memory } = broker;
  const spare = Math.max(0, unsentResponseBudgetBytes - memory.unsent - memory.preparing);
  const budget = Math.min(asked, fetchMaxBytes, Math.max(spare, maxUnsentResponseBytes));
  memory.preparing += budget;
  try {
    return await assemble(plans, reads, budget, errors, buffers);
  } finally {
    memory.preparing -= budget;
  }
}

/** Reads the planned partitions within `budget` and builds the response's topics. */
async function assemble(
  plans: { topic: TopicResponse; slots: (PartitionResponse | Slot)[] }[],
  reads: Slot[],
  limit: number,
  planErrors: boolean,
  buffers: ReadBuffers,
) {
  let budget = limit;
  let errors = planErrors;
  let bytes = 0;
  let next = 0;
  let reserved = 0;
  // Starts further reads while their limits fit in what is left of the budget (always one).
  const startReads = () => {
    while (next < reads.length) {
      const slot = reads[next];
      const limit = Math.max(1, Math.min(slot.partitionMaxBytes, budget));
      if (reserved > 0 && reserved + limit > budget) return;
      slot.limit = limit;
      slot.read = slot.log.read(slot.offset, limit, undefined, buffers);
      slot.read.catch(() => {}); // awaited below; this only keeps an early rejection from going unhandled
      reserved += limit;
      next++;
    }
  };
  startReads();
  const responses: TopicResponse[] = [];
  for (const { topic, slots } of plans) {
    const partitions: PartitionResponse[] = [];
    for (const slot of slots) {
      if (!('log' in slot)) {
        partitions.push(slot);
        continue;
      }
      if (!slot.read && budget === 0 && bytes > 0) {
        // Budget spent: answer the partition's offsets without reading it.
        partitions.push({ ...slot.base, errorCode: ErrorCode.NONE, records: [] });
        continue;
      }
      if (!slot.read) startReads();
      try {
        const read = await (slot.read as NonNullable<Slot['read']>);
        const kept =
          bytes === 0
            ? takeWithin(read.records, Math.max(budget, 1), true)
            : takeWithin(read.records, budget, false);
        bytes += kept.bytes;
        budget = Math.max(0, budget - kept.bytes);
        partitions.push({ ...slot.base, errorCode: ErrorCode.NONE, records: kept.records });
      } catch (err) {
        errors = true;
        partitions.push({ ...slot.base, errorCode: storageErrorCode(err), records: null });
      } finally {
        reserved -= slot.limit;
      }
    }
    responses.push({ ...topic, partitions });
  }
  return { responses, bytes, errors };
}

/** Whole batches from the front of `records` that fit in `budget` (at least one if `atLeastOne`). */
function takeWithin(
  records: Buffer[],
  budget: number,
  atLeastOne: boolean,
): { records: Buffer[]; bytes: number } {
  let total = 0;
  for (const chunk of records) total += chunk.length;
  if (total <= budget) return { records, bytes: total };
  const kept: Buffer[] = [];
  let bytes = 0;
  for (const chunk of records) {
    let at = 0;
    while (at + BATCH.logOverhead <= chunk.length) {
      const size = chunk.readInt32BE(at + BATCH.batchLength) + BATCH.logOverhead;
      if (bytes + size > budget && !(atLeastOne && bytes === 0)) break;
      at += size;
      bytes += size;
    }
    if (at > 0) kept.push(chunk.subarray(0, at));
    if (at < chunk.length) break;
  }
  return { records: kept, bytes };
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
