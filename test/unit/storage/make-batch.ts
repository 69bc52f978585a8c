import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { BATCH, type BatchHeader, readBatchHeader } from '../../../src/protocol/records/batch-header.js';
import type { LogConfig } from '../../../src/storage/index.js';

/** A minimal RecordBatch v2 encoder for uncompressed records, so tests store real bytes. */

export interface TestRecord {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  /** Absolute timestamp; defaults to the batch's base timestamp. */
  timestamp?: number;
}

export interface BatchOptions {
  baseTimestamp?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  attributes?: number;
}

function varint(value: number): number[] {
  let zz = value >= 0 ? value * 2 : -value * 2 - 1; // zigzag, safe beyond 32 bits
  const out: number[] = [];
  while (zz >= 0x80) {
    out.push((zz % 0x80) | 0x80);
    zz = Math.floor(zz / 0x80);
  }
  out.push(zz);
  return out;
}

function bytesField(value: Buffer | string | null | undefined): Buffer {
  if (value === null || value === undefined) return Buffer.from(varint(-1));
  const buf = Buffer.from(value);
  return Buffer.concat([Buffer.from(varint(buf.length)), buf]);
}

function encodeRecord(record: TestRecord, index: number, baseTimestamp: number): Buffer {
  const body = Buffer.concat([
    Buffer.from([0]), // attributes
    Buffer.from(varint((record.timestamp ?? baseTimestamp) - baseTimestamp)),
    Buffer.from(varint(index)),
    bytesField(record.key),
    bytesField(record.value),
    Buffer.from(varint(0)), // no headers
  ]);
  return Buffer.concat([Buffer.from(varint(body.length)), body]);
}

/** One batch with base offset 0, as a producer sends it; CRC-32C over attributes..end. */
export function makeBatch(records: TestRecord[], options: BatchOptions = {}): Buffer {
  const baseTimestamp = options.baseTimestamp ?? records[0]?.timestamp ?? 0;
  let maxTimestamp = baseTimestamp;
  for (const r of records) maxTimestamp = Math.max(maxTimestamp, r.timestamp ?? baseTimestamp);
  const payload = Buffer.concat(records.map((r, i) => encodeRecord(r, i, baseTimestamp)));
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

/** A batch of `count` records with values of `valueSize` bytes, all stamped `timestamp`. */
export function simpleBatch(
  count: number,
  timestamp = 1_000,
  valueSize = 10,
  options: BatchOptions = {},
): Buffer {
  const records = Array.from({ length: count }, (_, i) => ({
    value: Buffer.alloc(valueSize, 97 + (i % 26)),
    timestamp,
  }));
  return makeBatch(records, options);
}

/** Concatenates batches into a produce request's records field with their parsed headers. */
export function produceSet(...batches: Buffer[]): { records: Buffer; headers: BatchHeader[] } {
  const records = Buffer.concat(batches);
  const headers: BatchHeader[] = [];
  for (let at = 0; at < records.length; ) {
    const header = readBatchHeader(records, at);
    headers.push(header);
    at += header.size;
  }
  return { records, headers };
}

/** Splits a read's bytes back into batch headers. */
export function headersOf(chunks: Buffer[]): BatchHeader[] {
  const all = Buffer.concat(chunks);
  const out: BatchHeader[] = [];
  for (let at = 0; at < all.length; ) {
    const header = readBatchHeader(all, at);
    if (header.size < BATCH.headerSize || at + header.size > all.length)
      throw new Error(`bad batch at ${at}`);
    out.push(header);
    at += header.size;
  }
  return out;
}

export function testConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return {
    segmentBytes: 1024 * 1024,
    segmentMs: 7 * 24 * 3600 * 1000,
    retentionMs: -1,
    retentionBytes: -1,
    indexIntervalBytes: 4096,
    ...overrides,
  };
}

/** A fresh temp directory and a cleanup function for after(). */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `sluice-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A deterministic PRNG so failures reproduce. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
