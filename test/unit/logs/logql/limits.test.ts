import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  arraySource,
  DEFAULT_QUERY_LIMITS,
  LogQLEvalError,
  LogQLTimeoutError,
  parseQuery,
  QueryContext,
  queryRange,
} from '../../../../src/logs/logql/index.js';
import type { LogEntry } from '../../../../src/logs/model.js';
import { SEC, T0 } from './fixture.js';

const entries = (n: number): LogEntry[] =>
  Array.from({ length: n }, (_, i) => ({
    timestampNs: T0 + BigInt(i) * 1000n,
    labels: { service: `s${i % 1000}` },
    line: `line ${i}`,
  }));

const range = (query: string, ctx: QueryContext, n = 10_000, limit = 100) =>
  queryRange(
    { query, startNs: T0, endNs: T0 + 60n * SEC, stepMs: 60_000, limit, direction: 'forward' },
    arraySource(entries(n)),
    ctx,
  );

describe('query limits', () => {
  it('bug 4: a long scan gives the event loop back while it runs', async () => {
    let clock = 0;
    // Each reading of the clock is 1 ms later: the scan is "slow", so it must yield often.
    const ctx = new QueryContext(DEFAULT_QUERY_LIMITS, { now: () => clock++ });
    let ticks = 0;
    const tick = () => {
      ticks++;
      if (!done) setImmediate(tick);
    };
    let done = false;
    setImmediate(tick);
    // A filter nothing passes: the whole source is read.
    await range('{service=~"s.*"} |~ "no line [0-9]+"', ctx);
    done = true;
    assert.ok(ticks > 10, `other work ran ${ticks} times during the query`);
  });

  it('bug 4: a query past its deadline stops with Loki’s timeout', async () => {
    let clock = 0;
    const ctx = new QueryContext(
      { ...DEFAULT_QUERY_LIMITS, timeoutMs: 60_000 },
      { now: () => (clock += 1000) },
    );
    await assert.rejects(range('{service=~"s.*"} |= "nothing"', ctx), LogQLTimeoutError);
  });

  it('bug 4: entries, series and bytes are bounded with Loki’s messages', async () => {
    await assert.rejects(
      range('{service=~"s.*"}', new QueryContext(), 10, 5001),
      (e: Error) =>
        e instanceof LogQLEvalError &&
        e.message ===
          'max entries limit per query exceeded, limit > max_entries_limit_per_query (5001 > 5000)',
    );
    await assert.rejects(
      range(
        'count_over_time({service=~"s.*"}[1m])',
        new QueryContext({ ...DEFAULT_QUERY_LIMITS, maxSeries: 10 }),
      ),
      /maximum number of series \(10\) reached for a single query/,
    );
    await assert.rejects(
      range(
        '{service=~"s.*"} |= "nothing"',
        new QueryContext({ ...DEFAULT_QUERY_LIMITS, maxBytesRead: 1000 }),
      ),
      /the query would read too many bytes \(query: .*, limit: 1000B\)/,
    );
  });

  it('bug 4: RE2 refuses what JavaScript regexes would backtrack on or RE2 lacks', () => {
    assert.throws(() => parseQuery('{a="b"} |~ "(x)\\\\1"'), /invalid escape sequence/);
    assert.throws(() => parseQuery('{a=~"(?!x)y"}'), /invalid or unsupported Perl syntax/);
    assert.ok(parseQuery('{a=~"(?i)B"}'));
  });
});
