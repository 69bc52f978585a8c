import { Reader } from '../wire/reader.js';
import { ATTRIBUTES, BATCH, readBatchHeader } from './batch-header.js';
import { decompressRecords } from './decompress.js';

export interface RecordTime {
  offset: number;
  timestamp: number;
}

/** Offset and timestamp of every record in the first batch of `bytes`. */
export function recordTimes(bytes: Buffer): RecordTime[] {
  const header = readBatchHeader(bytes, 0);
  if (header.attributes & ATTRIBUTES.timestampTypeLogAppend) {
    // Log-append time: every record carries the batch's max timestamp.
    return Array.from({ length: header.recordCount }, (_, i) => ({
      offset: header.baseOffset + i,
      timestamp: header.maxTimestamp,
    }));
  }
  const payload = decompressRecords(
    header.attributes & ATTRIBUTES.compressionMask,
    bytes.subarray(BATCH.headerSize, header.size),
  );
  const r = new Reader(payload);
  const out: RecordTime[] = [];
  for (let i = 0; i < header.recordCount; i++) {
    const length = r.varint();
    const end = r.offset + length;
    r.int8();
    const timestampDelta = r.varlong();
    const offsetDelta = r.varint();
    out.push({ offset: header.baseOffset + offsetDelta, timestamp: header.baseTimestamp + timestampDelta });
    r.offset = end;
  }
  return out;
}

/** The first record at or after `target` in this batch (Kafka answers ListOffsets per record). */
export function firstRecordAtOrAfter(bytes: Buffer, target: number): RecordTime | null {
  return recordTimes(bytes).find((t) => t.timestamp >= target) ?? null;
}

/** The first record carrying the batch's largest timestamp. */
export function recordWithMaxTimestamp(bytes: Buffer): RecordTime | null {
  let best: RecordTime | null = null;
  for (const t of recordTimes(bytes)) if (!best || t.timestamp > best.timestamp) best = t;
  return best;
}
