import { ErrorCode } from '../../protocol/index.js';

/** How many recent batches per producer and partition are kept to recognise retried duplicates. */
export const DUPLICATE_WINDOW = 5;
const INT32_MAX = 0x7fffffff;

export interface RecentBatch {
  firstSeq: number;
  lastSeq: number;
  baseOffset: number;
  lastOffset: number;
}

/** An idempotent producer's state on one partition. */
export interface ProducerEntry {
  epoch: number;
  recent: RecentBatch[];
  /** Max timestamp of the newest batch (DescribeProducers' lastTimestamp). */
  lastTimestamp: number;
}

export interface IncomingBatch {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  lastOffsetDelta: number;
  maxTimestamp: number;
}

export type SequenceVerdict =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'reject'; error: number; reason: string };

export function lastSequenceOf(batch: IncomingBatch): number {
  const last = batch.baseSequence + batch.lastOffsetDelta;
  return last > INT32_MAX ? last - INT32_MAX - 1 : last;
}

function follows(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

/**
 * Kafka's idempotence rules for one batch: a retry of one of the last five batches is a
 * duplicate (answered with its original offset), an older epoch is fenced, a new epoch must
 * start at sequence 0, and otherwise the sequence must follow the last one.
 */
export function checkSequence(entry: ProducerEntry | undefined, batch: IncomingBatch): SequenceVerdict {
  if (!entry) return { kind: 'append' }; // unknown producer (new, or its state aged out): accept, as Kafka does
  if (batch.producerEpoch < entry.epoch) {
    return {
      kind: 'reject',
      error: ErrorCode.INVALID_PRODUCER_EPOCH,
      reason: `producer epoch ${batch.producerEpoch} is older than the current ${entry.epoch}`,
    };
  }
  if (batch.producerEpoch > entry.epoch) {
    if (batch.baseSequence === 0) return { kind: 'append' };
    return {
      kind: 'reject',
      error: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      reason: `a new producer epoch must start at sequence 0, got ${batch.baseSequence}`,
    };
  }
  const lastSeq = lastSequenceOf(batch);
  const dup = entry.recent.find((b) => b.firstSeq === batch.baseSequence && b.lastSeq === lastSeq);
  if (dup) return { kind: 'duplicate', baseOffset: dup.baseOffset };
  const newest = entry.recent[entry.recent.length - 1];
  if (newest && !follows(newest.lastSeq, batch.baseSequence)) {
    return {
      kind: 'reject',
      error: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
      reason: `expected sequence ${newest.lastSeq + 1}, got ${batch.baseSequence}`,
    };
  }
  return { kind: 'append' };
}

/** Records an appended batch in the producer's window. */
export function recordBatch(
  entry: ProducerEntry | undefined,
  batch: IncomingBatch,
  baseOffset: number,
): ProducerEntry {
  const next: ProducerEntry =
    entry && entry.epoch === batch.producerEpoch
      ? entry
      : { epoch: batch.producerEpoch, recent: [], lastTimestamp: -1 };
  next.lastTimestamp = batch.maxTimestamp;
  next.recent.push({
    firstSeq: batch.baseSequence,
    lastSeq: lastSequenceOf(batch),
    baseOffset,
    lastOffset: baseOffset + batch.lastOffsetDelta,
  });
  if (next.recent.length > DUPLICATE_WINDOW) next.recent.shift();
  return next;
}
