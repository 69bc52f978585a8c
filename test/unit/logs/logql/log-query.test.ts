import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  arraySource,
  type Direction,
  type LogSource,
  queryRange,
  type StreamsData,
} from '../../../../src/logs/logql/index.js';
import type { LogEntry } from '../../../../src/logs/model.js';
import { fixtureEntries, SEC, T0 } from './fixture.js';

/** A source that yields in no particular order and counts what it was asked for. */
function unorderedSource(entries: LogEntry[]): LogSource & { requests: number } {
  const shuffled = [...entries]
    .reverse()
    .sort((a, b) => Number(a.timestampNs % 7n) - Number(b.timestampNs % 7n));
  const src = {
    requests: 0,
    async *select() {
      src.requests++;
      yield* shuffled;
    },
  };
  return src;
}

async function logs(
  query: string,
  source: LogSource,
  opts: { from?: number; to?: number; limit?: number; direction?: Direction } = {},
): Promise<StreamsData> {
  const d = await queryRange(
    {
      query,
      startNs: T0 + BigInt(opts.from ?? 0) * SEC,
      endNs: T0 + BigInt(opts.to ?? 1000) * SEC,
      stepMs: 1000,
      limit: opts.limit ?? 1000,
      direction: opts.direction ?? 'backward',
    },
    source,
  );
  assert.equal(d.resultType, 'streams');
  return d as StreamsData;
}

/** Every returned entry as `ns line`, in response order within each stream. */
const flat = (d: StreamsData) => d.result.flatMap((s) => s.values.map(([ts]) => BigInt(ts)));

describe('LogQL log queries', () => {
  const entries = fixtureEntries();
  for (const [name, source] of [
    ['ordered', arraySource(entries)],
    ['unordered', unorderedSource(entries)],
  ] as const) {
    it(`backward returns the newest \`limit\` entries, newest first (${name} source)`, async () => {
      const d = await logs('{service="orders"}', source, { limit: 4 });
      const times = flat(d).sort((a, b) => (a < b ? 1 : -1));
      assert.deepEqual(
        times,
        [290n, 280n, 270n, 260n].map((s) => T0 + s * SEC),
      );
      for (const s of d.result) {
        const ts = s.values.map(([t]) => BigInt(t));
        assert.deepEqual(
          ts,
          [...ts].sort((a, b) => (a < b ? 1 : -1)),
          'each stream newest first',
        );
      }
      assert.equal(d.stats.summary.totalEntriesReturned, 4);
    });

    it(`forward returns the oldest \`limit\` entries, oldest first (${name} source)`, async () => {
      const d = await logs('{service="orders"}', source, { limit: 3, direction: 'forward' });
      assert.deepEqual(
        flat(d).sort((a, b) => (a < b ? -1 : 1)),
        [0n, 10n, 20n].map((s) => T0 + s * SEC),
      );
      const info = d.result.find((s) => s.stream.level === 'info')!;
      assert.deepEqual(
        info.values.map(([t]) => t),
        [String(T0 + 10n * SEC), String(T0 + 20n * SEC)],
      );
    });
  }

  it('start is inclusive and end exclusive', async () => {
    const d = await logs('{service="orders"}', arraySource(entries), { from: 10, to: 30 });
    assert.deepEqual(
      flat(d).sort(),
      [10n, 20n].map((s) => T0 + s * SEC),
    );
  });

  it('answers Loki stream shapes: labels incl. parsed ones, [ns string, line] values', async () => {
    const d = await logs('{service="users"} |= "login" | logfmt | user="u1"', arraySource(entries));
    assert.deepEqual(d.result, [
      {
        stream: { level: 'info', msg: 'user login', service: 'users', user: 'u1' },
        values: [[String(T0 + 25n * SEC), 'msg="user login" user=u1']],
      },
    ]);
  });

  it('parsed labels split streams', async () => {
    const d = await logs('{service="orders", level="info"} | json | i < 6', arraySource(entries));
    // i = 1, 2, 4, 5 are info lines; each has its own `i`, hence its own stream.
    assert.equal(d.result.length, 4);
    assert.ok(d.result.every((s) => s.values.length === 1 && s.stream.status !== undefined));
  });

  it('re-checks the selector, so a coarse store may return a superset', async () => {
    const d = await logs('{service="users", level!="info"}', unorderedSource(entries));
    assert.deepEqual(d.result, []);
  });

  it('stops reading an ordered source once the limit is found', async () => {
    let read = 0;
    const base = arraySource(entries);
    const counting: LogSource = {
      ordered: true,
      async *select(req) {
        for await (const e of base.select(req)) {
          read++;
          yield e;
        }
      },
    };
    await logs('{service="orders"}', counting, { limit: 2 });
    assert.ok(read <= 3, `read ${read}`);
  });
});
