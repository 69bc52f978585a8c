// The query cache of decoded ranges: hits by exact range, least recently used out first, never
// past its budget.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogEntry } from '../../../../src/logs/model.js';
import { RangeCache } from '../../../../src/logs/store/range-cache.js';

const entries = (n: number, line = 'x'.repeat(100)): LogEntry[] =>
  Array.from({ length: n }, (_, i) => ({ timestampNs: BigInt(i), labels: { service: 'a' }, line }));

test('a range is found only by its exact partition and offsets', () => {
  const cache = new RangeCache(1024 * 1024);
  const kept = entries(3);
  cache.set({ partition: 0, from: 10, to: 12 }, kept);
  assert.equal(cache.get({ partition: 0, from: 10, to: 12 }), kept);
  assert.equal(cache.get({ partition: 1, from: 10, to: 12 }), undefined);
  // A chunk still filling has a later end: a different range, read again.
  assert.equal(cache.get({ partition: 0, from: 10, to: 13 }), undefined);
});

test('evicts the least recently used range to stay within its budget', () => {
  const cache = new RangeCache(8_000);
  const r = (from: number) => ({ partition: 0, from, to: from + 9 });
  cache.set(r(0), entries(5));
  cache.set(r(10), entries(5));
  cache.set(r(20), entries(5));
  assert.ok(cache.get(r(0)), 'touched: now the most recent');
  cache.set(r(30), entries(5));
  cache.set(r(40), entries(5));
  assert.ok(cache.bytes <= 8_000);
  assert.equal(cache.get(r(10)), undefined, 'the least recently used went first');
  assert.ok(cache.get(r(0)));
  assert.ok(cache.get(r(40)));
});

test('a range larger than a quarter of the budget, or any range with no budget, is not kept', () => {
  const small = new RangeCache(10_000);
  small.set({ partition: 0, from: 0, to: 99 }, entries(100));
  assert.equal(small.bytes, 0);
  const off = new RangeCache(0);
  off.set({ partition: 0, from: 0, to: 0 }, entries(1));
  assert.equal(off.get({ partition: 0, from: 0, to: 0 }), undefined);
});
