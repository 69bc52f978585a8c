import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OffsetIndex } from '../../../src/storage/offset-index.js';
import { TimeIndex } from '../../../src/storage/time-index.js';
import { rng } from './make-batch.js';

/** Entries with strictly increasing offsets and positions, like a segment produces. */
function randomEntries(
  random: () => number,
  base: number,
  n: number,
): { offset: number; position: number }[] {
  const out = [];
  let offset = base;
  let position = 0;
  for (let i = 0; i < n; i++) {
    offset += 1 + Math.floor(random() * 50);
    position += 61 + Math.floor(random() * 5000);
    out.push({ offset, position });
  }
  return out;
}

describe('OffsetIndex', () => {
  it('finds the largest entry <= offset, like a sorted-array oracle', () => {
    const random = rng(7);
    const base = 1_000_000;
    const entries = randomEntries(random, base, 2_000);
    const index = new OffsetIndex(base);
    for (const e of entries) index.append(e.offset, e.position);
    assert.equal(index.length, entries.length);
    const last = entries[entries.length - 1].offset;
    for (let i = 0; i < 5_000; i++) {
      const target = base + Math.floor(random() * (last - base + 100));
      let expected = { offset: base, position: 0 };
      for (const e of entries) if (e.offset <= target) expected = e;
      assert.deepEqual(index.lookup(target), expected, `lookup(${target})`);
    }
    assert.deepEqual(index.lookup(base - 5), { offset: base, position: 0 });
  });

  it('round-trips through its file format and rejects implausible files', () => {
    const index = new OffsetIndex(100);
    index.append(110, 4096);
    index.append(150, 9000);
    const loaded = OffsetIndex.fromBuffer(100, index.toBuffer(), 10_000);
    assert.ok(loaded);
    assert.deepEqual(loaded.lookup(149), { offset: 110, position: 4096 });
    assert.deepEqual(loaded.last(), { offset: 150, position: 9000 });
    assert.equal(
      OffsetIndex.fromBuffer(100, index.toBuffer().subarray(0, 12), 10_000),
      undefined,
      'partial entry',
    );
    assert.equal(OffsetIndex.fromBuffer(100, index.toBuffer(), 9000), undefined, 'position past the log');
    const swapped = Buffer.concat([index.toBuffer().subarray(8), index.toBuffer().subarray(0, 8)]);
    assert.equal(OffsetIndex.fromBuffer(100, swapped, 10_000), undefined, 'out of order');
  });
});

describe('TimeIndex', () => {
  it('keeps timestamps increasing and finds the last entry strictly before a target', () => {
    const random = rng(11);
    const index = new TimeIndex(0);
    const kept: { timestamp: number; offset: number }[] = [];
    let offset = 0;
    for (let i = 0; i < 3_000; i++) {
      offset += 1 + Math.floor(random() * 10);
      const ts = 1_700_000_000_000 + Math.floor(random() * 1_000_000);
      index.maybeAppend(ts, offset);
      if (kept.length === 0 || ts > kept[kept.length - 1].timestamp) kept.push({ timestamp: ts, offset });
    }
    assert.equal(index.length, kept.length);
    for (let i = 0; i < 3_000; i++) {
      const target = 1_700_000_000_000 + Math.floor(random() * 1_100_000) - 50_000;
      const expected = kept.filter((e) => e.timestamp < target).pop();
      assert.deepEqual(index.lastEntryBefore(target), expected, `lastEntryBefore(${target})`);
    }
    const loaded = TimeIndex.fromBuffer(0, index.toBuffer());
    assert.ok(loaded);
    assert.deepEqual(loaded.last(), kept[kept.length - 1]);
    assert.equal(TimeIndex.fromBuffer(0, index.toBuffer().subarray(1)), undefined);
  });
});
