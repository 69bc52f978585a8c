// The label index picks the chunks a selector and time range need, and hands the store one read
// range per run of adjacent chunks (so a scan streams through a partition rather than seeking
// back at every chunk boundary).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseQuery } from '../../../../src/logs/logql/index.js';
import { type ChunkSummary, LabelIndex } from '../../../../src/logs/store/index.js';

function selector(text: string) {
  const expr = parseQuery(text);
  assert.equal(expr.kind, 'log');
  return expr.matchers;
}

function chunk(
  partition: number,
  from: number,
  to: number,
  services: string[],
  minTs = 100,
  maxTs = 200,
): ChunkSummary {
  return {
    partition,
    from,
    to,
    minTs: String(minTs),
    maxTs: String(maxTs),
    streams: services.map((service) => ({ labels: { service, level: 'info' }, entries: 1, bytes: 10 })),
  };
}

describe('LabelIndex.ranges', () => {
  const open = [chunk(1, 300, 349, ['orders'])];
  const index = new LabelIndex(() => open);
  index.add(chunk(0, 0, 99, ['orders', 'users']));
  index.add(chunk(0, 100, 199, ['users']));
  index.add(chunk(0, 200, 299, ['orders']));
  index.add(chunk(0, 300, 399, ['orders'], 500, 600));
  index.add(chunk(1, 0, 149, ['orders']));
  index.add(chunk(1, 150, 299, ['orders']));

  it('merges adjacent matching chunks of a partition, including the open one, into one range', () => {
    assert.deepEqual(index.ranges(selector('{service="orders"}'), 0n, 1000n), [
      { partition: 0, from: 0, to: 99 },
      { partition: 0, from: 200, to: 399 },
      { partition: 1, from: 0, to: 349 },
    ]);
  });

  it('keeps a gap where a chunk in between does not match the selector or the time range', () => {
    assert.deepEqual(index.ranges(selector('{service="orders"}'), 0n, 250n), [
      { partition: 0, from: 0, to: 99 },
      { partition: 0, from: 200, to: 299 },
      { partition: 1, from: 0, to: 349 },
    ]);
    assert.deepEqual(index.ranges(selector('{service="users"}'), 0n, 1000n), [
      { partition: 0, from: 0, to: 199 },
    ]);
  });

  it('leaves the chunk summaries themselves untouched', () => {
    index.ranges(selector('{service=~".+"}'), 0n, 1000n);
    assert.deepEqual(index.stats(selector('{service=~".+"}'), 0n, 1000n), {
      streams: 2,
      chunks: 7,
      entries: 8,
      bytes: 80,
    });
    assert.deepEqual(
      index.nextOffsets(),
      new Map([
        [0, 400n],
        [1, 300n],
      ]),
    );
  });
});
