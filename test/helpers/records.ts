import { gunzipSync } from 'node:zlib';
import { crc32c } from '@node-rs/crc32';
import { BATCH, Reader, readBatchHeader } from '../../src/protocol/index.js';

export interface TestRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: string; value: Buffer | null }[];
}

export interface NewRecord {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
  timestamp?: number;
}

const toBuf = (v: string | Buffer | null | undefined) =>
  v === null || v === undefined ? null : Buffer.from(v);

/** Zig-zag varint, exact beyond 32 bits (record timestamp deltas may need it). */
function varint(value: number): Buffer {
  let zz = value >= 0 ? value * 2 : -value * 2 - 1;
  const out: number[] = [];
  while (zz >= 0x80) {
    out.push((zz % 0x80) | 0x80);
    zz = Math.floor(zz / 0x80);
  }
  out.push(zz);
  return Buffer.from(out);
}

function sized(b: Buffer | null): Buffer[] {
  return b === null ? [varint(-1)] : [varint(b.length), b];
}

export interface BatchOptions {
  baseTimestamp?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  attributes?: number;
}

/** Builds an uncompressed RecordBatch v2 (base offset 0), for tests that need exact bytes. */
export function buildBatch(records: NewRecord[], options: BatchOptions = {}): Buffer {
  const baseTimestamp = options.baseTimestamp ?? records[0]?.timestamp ?? Date.now();
  let maxTimestamp = baseTimestamp;
  const bodies = records.map((r, i) => {
    const ts = r.timestamp ?? baseTimestamp;
    maxTimestamp = Math.max(maxTimestamp, ts);
    const headers = Object.entries(r.headers ?? {});
    const body = Buffer.concat([
      Buffer.from([0]),
      varint(ts - baseTimestamp),
      varint(i),
      ...sized(toBuf(r.key)),
      ...sized(toBuf(r.value)),
      varint(headers.length),
      ...headers.flatMap(([k, v]) => [...sized(Buffer.from(k)), ...sized(Buffer.from(v))]),
    ]);
    return Buffer.concat([varint(body.length), body]);
  });
  const payload = Buffer.concat(bodies);
  const header = Buffer.alloc(BATCH.headerSize);
  header.writeBigInt64BE(0n, BATCH.baseOffset);
  header.writeInt32BE(BATCH.headerSize - BATCH.logOverhead + payload.length, BATCH.batchLength);
  header.writeInt32BE(-1, BATCH.partitionLeaderEpoch);
  header.writeInt8(2, BATCH.magic);
  header.writeInt16BE(options.attributes ?? 0, BATCH.attributes);
  header.writeInt32BE(records.length - 1, BATCH.lastOffsetDelta);
  header.writeBigInt64BE(BigInt(baseTimestamp), BATCH.baseTimestamp);
  header.writeBigInt64BE(BigInt(maxTimestamp), BATCH.maxTimestamp);
  header.writeBigInt64BE(BigInt(options.producerId ?? -1), BATCH.producerId);
  header.writeInt16BE(options.producerEpoch ?? -1, BATCH.producerEpoch);
  header.writeInt32BE(options.baseSequence ?? -1, BATCH.baseSequence);
  header.writeInt32BE(records.length, BATCH.recordCount);
  const batch = Buffer.concat([header, payload]);
  batch.writeUInt32BE(crc32c(batch.subarray(BATCH.attributes)) >>> 0, BATCH.crc);
  return batch;
}

/** Decodes every record in a run of batches (uncompressed or gzip), for checking what a fetch returned. */
export function decodeBatches(bytes: Buffer): TestRecord[] {
  const out: TestRecord[] = [];
  let at = 0;
  while (at + BATCH.headerSize <= bytes.length) {
    const h = readBatchHeader(bytes, at);
    if (at + h.size > bytes.length) break; // a partial batch at the end of a fetch
    let payload = bytes.subarray(at + BATCH.headerSize, at + h.size);
    const codec = h.attributes & 7;
    if (codec === 1) payload = gunzipSync(payload);
    else if (codec !== 0) throw new Error(`test decoder handles none/gzip only, got codec ${codec}`);
    const r = new Reader(payload);
    for (let i = 0; i < h.recordCount; i++) {
      r.varint(); // length
      r.int8(); // attributes
      const tsDelta = r.varint();
      const offsetDelta = r.varint();
      const keyLen = r.varint();
      const key = keyLen < 0 ? null : Buffer.from(r.slice(keyLen));
      const valueLen = r.varint();
      const value = valueLen < 0 ? null : Buffer.from(r.slice(valueLen));
      const headers = [];
      const headerCount = r.varint();
      for (let j = 0; j < headerCount; j++) {
        const hk = r.utf8(r.varint());
        const hvLen = r.varint();
        headers.push({ key: hk, value: hvLen < 0 ? null : Buffer.from(r.slice(hvLen)) });
      }
      out.push({
        offset: h.baseOffset + offsetDelta,
        timestamp: h.baseTimestamp + tsDelta,
        key,
        value,
        headers,
      });
    }
    at += h.size;
  }
  return out;
}
