import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { BatchHeader } from '../../../src/protocol/records/batch-header.js';
import { PartitionLog, type StorageError } from '../../../src/storage/index.js';
import { headersOf, produceSet, rng, simpleBatch, tempDir, testConfig } from './make-batch.js';

const { dir: root, cleanup } = tempDir('plog');
after(cleanup);
let n = 0;
const fresh = () => join(root, `p-${n++}`);

interface Appended {
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  size: number;
}

/** Appends `count` batches of random shape; returns what the log should hold (the oracle). */
function fill(log: PartitionLog, count: number, seed: number, maxValue = 100): Appended[] {
  const random = rng(seed);
  const out: Appended[] = [];
  let ts = 1_000_000;
  for (let i = 0; i < count; ) {
    const inRequest = 1 + Math.floor(random() * 3);
    const batches: Buffer[] = [];
    for (let j = 0; j < inRequest && i < count; j++, i++) {
      ts += Math.floor(random() * 1000) - 300; // mostly increasing, sometimes not
      batches.push(simpleBatch(1 + Math.floor(random() * 5), ts, 1 + Math.floor(random() * maxValue)));
    }
    const { records, headers } = produceSet(...batches);
    const result = log.append(records, headers);
    let offset = result.baseOffset;
    for (const h of headers) {
      out.push({
        baseOffset: offset,
        lastOffset: offset + h.lastOffsetDelta,
        maxTimestamp: h.maxTimestamp,
        size: h.size,
      });
      offset += h.lastOffsetDelta + 1;
    }
    assert.equal(result.lastOffset, offset - 1);
  }
  return out;
}

function asExpected(headers: BatchHeader[], oracle: Appended[], from: number): void {
  const start = oracle.findIndex((b) => b.lastOffset >= from);
  headers.forEach((h, i) => {
    const want = oracle[start + i];
    assert.equal(h.baseOffset, want.baseOffset);
    assert.equal(h.baseOffset + h.lastOffsetDelta, want.lastOffset);
    assert.equal(h.size, want.size);
  });
}

describe('PartitionLog', () => {
  it('round-trips appends across many segments, reading whole batches from any offset', async () => {
    const dir = fresh();
    const log = await PartitionLog.open(dir, testConfig({ segmentBytes: 2048, indexIntervalBytes: 256 }));
    const oracle = fill(log, 400, 1);
    const end = oracle[oracle.length - 1].lastOffset + 1;
    assert.equal(log.logEndOffset, end);
    assert.equal(log.logStartOffset, 0);
    assert.ok(log.segmentInfo.length > 20, `expected many segments, got ${log.segmentInfo.length}`);
    assert.equal(
      log.size,
      oracle.reduce((s, b) => s + b.size, 0),
    );
    assert.ok(log.segmentInfo.every((s) => s.size <= 2048));

    // Everything, in one pass of reads that each may stop at a boundary.
    const all: BatchHeader[] = [];
    for (let offset = 0; offset < end; ) {
      const read = await log.read(offset, 1500);
      const headers = headersOf(read.records);
      assert.ok(headers.length > 0);
      assert.equal(
        read.bytes,
        headers.reduce((s, h) => s + h.size, 0),
      );
      all.push(...headers);
      offset = headers[headers.length - 1].baseOffset + headers[headers.length - 1].lastOffsetDelta + 1;
    }
    asExpected(all, oracle, 0);
    assert.equal(all.length, oracle.length);

    // Random offsets: the first batch returned contains the offset.
    const random = rng(2);
    for (let i = 0; i < 300; i++) {
      const offset = Math.floor(random() * end);
      const maxBytes = Math.floor(random() * 3000);
      const read = await log.read(offset, maxBytes);
      const headers = headersOf(read.records);
      assert.ok(headers.length >= 1, 'at least one batch');
      assert.ok(
        headers[0].baseOffset <= offset && offset <= headers[0].baseOffset + headers[0].lastOffsetDelta,
      );
      assert.ok(headers.length === 1 || read.bytes <= maxBytes, 'only the first batch may exceed maxBytes');
      asExpected(headers, oracle, offset);
    }
    await log.close();
  });

  it('returns an empty read at the log end and rejects offsets outside the log', async () => {
    const log = await PartitionLog.open(fresh(), testConfig());
    const empty = await log.read(0, 1000);
    assert.deepEqual(empty, { records: [], bytes: 0 });
    fill(log, 5, 3);
    const end = log.logEndOffset;
    assert.deepEqual(await log.read(end, 1000), { records: [], bytes: 0 });
    await assert.rejects(log.read(end + 1, 1000), (e: StorageError) => e.reason === 'OFFSET_OUT_OF_RANGE');
    await log.deleteRecordsBefore(2);
    await assert.rejects(log.read(1, 1000), (e: StorageError) => e.reason === 'OFFSET_OUT_OF_RANGE');
    await log.close();
  });

  it('returns a single batch larger than maxBytes, and stops before upTo', async () => {
    const log = await PartitionLog.open(fresh(), testConfig());
    const big = produceSet(simpleBatch(3, 10, 5000));
    log.append(big.records, big.headers);
    const small = produceSet(simpleBatch(2, 20), simpleBatch(2, 30));
    log.append(small.records, small.headers);
    const read = await log.read(0, 10);
    assert.equal(headersOf(read.records).length, 1);
    assert.equal(read.bytes, big.headers[0].size);
    const capped = await log.read(0, 1_000_000, 5);
    assert.deepEqual(
      headersOf(capped.records).map((h) => h.baseOffset),
      [0, 3],
    );
    assert.equal((await log.read(5, 1_000_000, 5)).bytes, 0);
    await log.close();
  });

  it('reads a batch larger than the largest read window (regression: looped forever)', async () => {
    const log = await PartitionLog.open(fresh(), testConfig({ segmentBytes: 64 * 1024 * 1024 }));
    const small = produceSet(simpleBatch(1));
    log.append(small.records, small.headers);
    const huge = produceSet(simpleBatch(1, 1, 17 * 1024 * 1024));
    log.append(huge.records, huge.headers);
    const read = await log.read(1, 100);
    assert.equal(read.bytes, huge.headers[0].size);
    assert.deepEqual(Buffer.concat(read.records), huge.records);
    await log.close();
  });

  it('patches base offsets in the caller buffer and returns the append time', async () => {
    const log = await PartitionLog.open(fresh(), testConfig(), { clock: () => 42_000 });
    fill(log, 3, 4);
    const { records, headers } = produceSet(simpleBatch(2), simpleBatch(3));
    const result = log.append(records, headers);
    assert.equal(result.logAppendTime, 42_000);
    assert.equal(Number(records.readBigInt64BE(0)), result.baseOffset);
    assert.equal(Number(records.readBigInt64BE(headers[0].size)), result.baseOffset + 2);
    assert.throws(
      () => log.append(records, headers.slice(0, 1)),
      (e: StorageError) => e.reason === 'INVALID_ARGUMENT',
    );
    await log.close();
  });

  it('finds offsets by timestamp like an oracle over batch max timestamps', async () => {
    const log = await PartitionLog.open(fresh(), testConfig({ segmentBytes: 3000, indexIntervalBytes: 300 }));
    const oracle = fill(log, 300, 5);
    const random = rng(6);
    const lo = Math.min(...oracle.map((b) => b.maxTimestamp));
    const hi = Math.max(...oracle.map((b) => b.maxTimestamp));
    for (let i = 0; i < 300; i++) {
      const ts = lo - 10 + Math.floor(random() * (hi - lo + 20));
      const want = oracle.find((b) => b.maxTimestamp >= ts);
      const got = await log.offsetForTimestamp(ts);
      assert.deepEqual(
        got,
        want ? { offset: want.baseOffset, timestamp: want.maxTimestamp } : null,
        `ts ${ts}`,
      );
    }
    const max = oracle.reduce((m, b) => (b.maxTimestamp > m.maxTimestamp ? b : m));
    assert.deepEqual(log.maxTimestampOffset(), { offset: max.lastOffset, timestamp: max.maxTimestamp });
    assert.equal(await log.offsetForTimestamp(hi + 1), null);

    // Below the log start, the answer is clamped to the start.
    await log.deleteRecordsBefore(oracle[10].baseOffset + 1);
    const got = await log.offsetForTimestamp(lo - 10);
    assert.equal(got?.offset, oracle[10].baseOffset + 1);
    await log.close();
  });

  it('scans batch headers from an offset', async () => {
    const log = await PartitionLog.open(fresh(), testConfig({ segmentBytes: 1000, indexIntervalBytes: 100 }));
    const pid = produceSet(simpleBatch(2, 5, 10, { producerId: 77, producerEpoch: 1, baseSequence: 0 }));
    const oracle = fill(log, 50, 7, 40);
    log.append(pid.records, pid.headers);
    const from = oracle[20].baseOffset + 1;
    const seen: BatchHeader[] = [];
    await log.scanBatchHeaders(from, (h) => {
      seen.push(h);
    });
    assert.equal(seen.length, oracle.length - 20 + 1);
    assert.equal(seen[0].baseOffset, oracle[20].baseOffset);
    assert.equal(seen[seen.length - 1].producerId, 77);
    let visits = 0;
    await log.scanBatchHeaders(0, () => ++visits < 3);
    assert.equal(visits, 3, 'returning false stops the scan');
    await log.close();
  });

  it('reopens after a clean close with the same contents and index files on disk', async () => {
    const dir = fresh();
    const config = testConfig({ segmentBytes: 2000, indexIntervalBytes: 200 });
    const log = await PartitionLog.open(dir, config);
    const oracle = fill(log, 120, 8);
    await log.flush();
    const before = log.segmentInfo;
    await log.close();
    assert.ok(existsSync(join(dir, '.clean-shutdown')));
    const names = readdirSync(dir);
    assert.ok(names.includes('00000000000000000000.log'));
    assert.ok(names.includes('00000000000000000000.index'));
    assert.ok(names.includes('00000000000000000000.timeindex'));

    const again = await PartitionLog.open(dir, config);
    assert.equal(again.openReport.clean, true);
    assert.ok(!existsSync(join(dir, '.clean-shutdown')), 'marker removed on open');
    assert.deepEqual(again.segmentInfo, before);
    const read = await again.read(oracle[60].baseOffset, 100_000);
    asExpected(headersOf(read.records), oracle, oracle[60].baseOffset);
    const next = produceSet(simpleBatch(1));
    assert.equal(
      again.append(next.records, next.headers).baseOffset,
      oracle[oracle.length - 1].lastOffset + 1,
    );
    await again.close();
    await assert.rejects(again.read(0, 10), (e: StorageError) => e.reason === 'CLOSED');
    assert.throws(
      () => again.append(next.records, next.headers),
      (e: StorageError) => e.reason === 'CLOSED',
    );
  });

  it('rolls by time and when the offset index is full', async () => {
    let now = 1_000;
    const log = await PartitionLog.open(fresh(), testConfig({ segmentMs: 100 }), { clock: () => now });
    fill(log, 3, 9);
    assert.equal(log.segmentInfo.length, 1);
    now += 101;
    fill(log, 1, 10);
    assert.equal(log.segmentInfo.length, 2);
    await log.close();

    const tiny = await PartitionLog.open(
      fresh(),
      testConfig({ indexIntervalBytes: 0, segmentIndexBytes: 24 }),
    );
    fill(tiny, 10, 11);
    assert.ok(tiny.segmentInfo.length >= 3, `index-full rolls, got ${tiny.segmentInfo.length}`);
    await tiny.close();
  });

  it('deletes its directory', async () => {
    const dir = fresh();
    const log = await PartitionLog.open(dir, testConfig());
    fill(log, 3, 12);
    await log.delete();
    assert.equal(existsSync(dir), false);
  });
});
