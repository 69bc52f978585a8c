import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BATCH, type BatchHeader, readBatchHeader } from '../../../src/protocol/records/batch-header.js';
import type { LogConfig } from '../../../src/storage/index.js';
import { type BatchOptions, buildBatch } from '../../helpers/records.js';

export type { BatchOptions } from '../../helpers/records.js';

export interface TestRecord {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  /** Absolute timestamp; defaults to the batch's base timestamp. */
  timestamp?: number;
}

/** One batch with base offset 0, as a producer sends it; timestamps default to 0 here. */
export function makeBatch(records: TestRecord[], options: BatchOptions = {}): Buffer {
  return buildBatch(records, {
    ...options,
    baseTimestamp: options.baseTimestamp ?? records[0]?.timestamp ?? 0,
  });
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
