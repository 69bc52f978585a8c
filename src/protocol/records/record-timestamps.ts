import { Reader } from '../wire/reader.js';
import { ATTRIBUTES, BATCH, readBatchHeader } from './batch-header.js';
import { CorruptRecordsError } from './bounded-output.js';
import { decompressedLimit, decompressRecords } from './decompress.js';

export { CorruptRecordsError } from './bounded-output.js';

export interface RecordTime {
  offset: number;
  timestamp: number;
}

/** Kafka's default max.message.bytes, for callers that do not say. */
const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;
/** attributes, timestamp delta, offset delta, key length, value length, header count: 1 byte each at least. */
const MIN_RECORD_BODY = 6;

/**
 * Calls `visit` with the offset and timestamp of each record in the first batch of `bytes`,
 * in order, until it returns true. A compressed batch inflates at most as far as
 * `decompressedLimit` allows; malformed or oversized records throw CorruptRecordsError.
 */
export function visitRecordTimes(
  bytes: Buffer,
  maxMessageBytes: number,
  visit: (t: RecordTime) => boolean | undefined,
): void {
  const header = readBatchHeader(bytes, 0);
  if (header.size > bytes.length || header.size < BATCH.headerSize)
    throw new CorruptRecordsError('batch length runs past the bytes read');
  if (header.attributes & ATTRIBUTES.timestampTypeLogAppend) {
    // Log-append time: every record carries the batch's max timestamp, so the first one answers.
    if (header.recordCount > 0) visit({ offset: header.baseOffset, timestamp: header.maxTimestamp });
    return;
  }
  const payload = decompressRecords(
    header.attributes & ATTRIBUTES.compressionMask,
    bytes.subarray(BATCH.headerSize, header.size),
    decompressedLimit(header.recordCount, maxMessageBytes),
  );
  const r = new Reader(payload);
  try {
    for (let i = 0; i < header.recordCount; i++) {
      const length = r.varint();
      const end = r.offset + length;
      if (length < MIN_RECORD_BODY || end > payload.length)
        throw new CorruptRecordsError(`record ${i} has an invalid length ${length}`);
      r.int8();
      const timestampDelta = r.varlong();
      const offsetDelta = r.varint();
      r.offset = end;
      if (
        visit({ offset: header.baseOffset + offsetDelta, timestamp: header.baseTimestamp + timestampDelta })
      )
        return;
    }
  } catch (err) {
    if (err instanceof CorruptRecordsError) throw err;
    throw new CorruptRecordsError(`malformed records: ${(err as Error).message}`);
  }
}

/** Offset and timestamp of every record in the first batch of `bytes` (for tests and tools). */
export function recordTimes(bytes: Buffer, maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES): RecordTime[] {
  const out: RecordTime[] = [];
  const header = readBatchHeader(bytes, 0);
  if (header.attributes & ATTRIBUTES.timestampTypeLogAppend) {
    for (let i = 0; i < header.recordCount; i++)
      out.push({ offset: header.baseOffset + i, timestamp: header.maxTimestamp });
    return out;
  }
  visitRecordTimes(bytes, maxMessageBytes, (t) => {
    out.push(t);
    return false;
  });
  return out;
}

/** The first record at or after `target` in this batch (Kafka answers ListOffsets per record). */
export function firstRecordAtOrAfter(
  bytes: Buffer,
  target: number,
  maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
): RecordTime | null {
  let found: RecordTime | null = null;
  visitRecordTimes(bytes, maxMessageBytes, (t) => {
    if (t.timestamp < target) return false;
    found = t;
    return true;
  });
  return found;
}

/** The first record carrying the batch's largest timestamp. */
export function recordWithMaxTimestamp(
  bytes: Buffer,
  maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES,
): RecordTime | null {
  let best: RecordTime | null = null;
  visitRecordTimes(bytes, maxMessageBytes, (t) => {
    if (!best || t.timestamp > best.timestamp) best = t;
    return false;
  });
  return best;
}
