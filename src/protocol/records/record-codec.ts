import { crc32c } from '@node-rs/crc32';
import { MalformedFrameError } from '../wire/protocol-error.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';
import { ATTRIBUTES, BATCH, readBatchHeader, writeInt64 } from './batch-header.js';

/** One record of an uncompressed batch, as the broker writes its own internal logs. */
export interface PlainRecord {
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
}

function writeNullable(w: Writer, bytes: Buffer | null): void {
  if (bytes === null) {
    w.varint(-1);
    return;
  }
  w.varint(bytes.length);
  w.raw(bytes);
}

/**
 * Encodes records into one uncompressed RecordBatch v2 (base offset 0, no producer id).
 * Used for the broker's own logs (committed offsets); clients' batches are never re-encoded.
 */
export function encodePlainBatch(records: readonly PlainRecord[]): Buffer {
  if (records.length === 0) throw new Error('a batch needs at least one record');
  const baseTimestamp = records[0].timestamp;
  let maxTimestamp = baseTimestamp;
  const body = new Writer(256);
  records.forEach((r, i) => {
    maxTimestamp = Math.max(maxTimestamp, r.timestamp);
    const rec = new Writer(64);
    rec
      .int8(0)
      .varint(r.timestamp - baseTimestamp)
      .varint(i);
    writeNullable(rec, r.key);
    writeNullable(rec, r.value);
    rec.varint(0); // no headers
    const bytes = rec.toBuffer();
    body.varint(bytes.length).raw(bytes);
  });
  const payload = body.toBuffer();
  const batch = Buffer.alloc(BATCH.headerSize + payload.length);
  batch.writeInt32BE(batch.length - BATCH.logOverhead, BATCH.batchLength);
  batch.writeInt32BE(0, BATCH.partitionLeaderEpoch);
  batch.writeInt8(2, BATCH.magic);
  batch.writeInt16BE(0, BATCH.attributes);
  batch.writeInt32BE(records.length - 1, BATCH.lastOffsetDelta);
  writeInt64(batch, BATCH.baseTimestamp, baseTimestamp);
  writeInt64(batch, BATCH.maxTimestamp, maxTimestamp);
  writeInt64(batch, BATCH.producerId, -1);
  batch.writeInt16BE(-1, BATCH.producerEpoch);
  batch.writeInt32BE(-1, BATCH.baseSequence);
  batch.writeInt32BE(records.length, BATCH.recordCount);
  payload.copy(batch, BATCH.headerSize);
  batch.writeUInt32BE(crc32c(batch.subarray(BATCH.attributes)) >>> 0, BATCH.crc);
  return batch;
}

/** Decodes the records of uncompressed batches (the broker's own logs) with their offsets. */
export function decodePlainBatches(bytes: Buffer): (PlainRecord & { offset: number })[] {
  const out: (PlainRecord & { offset: number })[] = [];
  let at = 0;
  while (at + BATCH.headerSize <= bytes.length) {
    const header = readBatchHeader(bytes, at);
    if (at + header.size > bytes.length) break;
    if ((header.attributes & ATTRIBUTES.compressionMask) !== 0) {
      throw new MalformedFrameError('internal logs hold uncompressed batches only');
    }
    const r = new Reader(bytes, at + BATCH.headerSize, at + header.size);
    for (let i = 0; i < header.recordCount; i++) {
      const length = r.varint();
      const end = r.offset + length;
      r.int8();
      const timestampDelta = r.varint();
      const offsetDelta = r.varint();
      const keyLength = r.varint();
      const key = keyLength < 0 ? null : Buffer.from(r.slice(keyLength));
      const valueLength = r.varint();
      const value = valueLength < 0 ? null : Buffer.from(r.slice(valueLength));
      r.offset = end; // headers are not used by internal logs
      out.push({
        offset: header.baseOffset + offsetDelta,
        timestamp: header.baseTimestamp + timestampDelta,
        key,
        value,
      });
    }
    at += header.size;
  }
  return out;
}
