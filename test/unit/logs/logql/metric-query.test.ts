import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  arraySource,
  LogQLEvalError,
  type MatrixData,
  type QueryData,
  queryInstant,
  queryRange,
} from '../../../../src/logs/logql/index.js';
import { fixtureEntries, SEC, T0, T0_SECONDS } from './fixture.js';

const source = arraySource(fixtureEntries());

/** A range query from T0+from s to T0+to s with a step in seconds. */
function range(query: string, from: number, to: number, stepS: number): Promise<QueryData> {
  return queryRange(
    {
      query,
      startNs: T0 + BigInt(from) * SEC,
      endNs: T0 + BigInt(to) * SEC,
      stepMs: stepS * 1000,
      limit: 100,
      direction: 'backward',
    },
    source,
  );
}

function matrix(d: QueryData): MatrixData['result'] {
  assert.equal(d.resultType, 'matrix');
  return (d as MatrixData).result;
}

const at = (s: number) => T0_SECONDS + s;

describe('LogQL metric queries over a range', () => {
  it('count_over_time counts (t-range, t] at each step', async () => {
    const r = matrix(await range('count_over_time({service="orders"}[1m])', 60, 180, 60));
    // Two streams (error, info); per 60 s window there are 6 lines: 2 error and 4 info.
    assert.deepEqual(
      r.map((s) => s.metric),
      [
        { level: 'error', service: 'orders' },
        { level: 'info', service: 'orders' },
      ],
    );
    assert.deepEqual(r[0].values, [
      [at(60), '2'],
      [at(120), '2'],
      [at(180), '2'],
    ]);
    assert.deepEqual(r[1].values, [
      [at(60), '4'],
      [at(120), '4'],
      [at(180), '4'],
    ]);
  });

  it('the window is left-open and right-closed', async () => {
    // At t=T0+10s with a 10 s range: the line at T0 is out, the line at T0+10s is in.
    const r = matrix(await range('sum(count_over_time({service="orders"}[10s]))', 10, 10, 1));
    assert.deepEqual(r[0].values, [[at(10), '1']]);
  });

  it('steps without lines have no sample rather than a zero', async () => {
    const r = matrix(await range('count_over_time({service="orders"}[5s])', 0, 30, 5));
    const all = r.flatMap((s) => s.values.map((v) => v[0])).sort();
    assert.deepEqual(all, [at(0), at(10), at(20), at(30)]);
  });

  it('rate is count divided by the range in seconds', async () => {
    const r = matrix(await range('sum(rate({service="orders"}[1m]))', 120, 120, 60));
    assert.deepEqual(r[0].values, [[at(120), '0.1']]);
  });

  it('bytes_over_time and bytes_rate sum line bytes', async () => {
    const lines = fixtureEntries().filter(
      (e) => e.labels.service === 'users' && e.timestampNs > T0 && e.timestampNs <= T0 + 60n * SEC,
    );
    const bytes = lines.reduce((n, e) => n + Buffer.byteLength(e.line), 0);
    const r = matrix(await range('bytes_over_time({service="users"}[1m])', 60, 60, 60));
    assert.deepEqual(r[0].values, [[at(60), String(bytes)]]);
    const rate = matrix(await range('bytes_rate({service="users"}[1m])', 60, 60, 60));
    assert.deepEqual(rate[0].values, [[at(60), String(bytes / 60)]]);
  });

  it('sum by / without, count, avg, min, max', async () => {
    const q = (agg: string) =>
      range(`${agg}(count_over_time({service=~"orders|users"}[1m]))`, 60, 60, 60).then(matrix);
    const bySvc = await range(
      'sum by (service) (count_over_time({service=~"orders|users"}[1m]))',
      60,
      60,
      60,
    ).then(matrix);
    assert.deepEqual(
      bySvc.map((s) => [s.metric, s.values[0][1]]),
      [
        [{ service: 'orders' }, '6'],
        [{ service: 'users' }, '3'],
      ],
    );
    const without = await range(
      'sum without (service) (count_over_time({service=~"orders|users"}[1m]))',
      60,
      60,
      60,
    ).then(matrix);
    assert.deepEqual(
      without.map((s) => [s.metric, s.values[0][1]]),
      [
        [{ level: 'error' }, '2'],
        [{ level: 'info' }, '7'],
      ],
    );
    // Three series: orders/error 2, orders/info 4, users/info 3.
    assert.equal((await q('count'))[0].values[0][1], '3');
    assert.equal((await q('avg'))[0].values[0][1], '3');
    assert.equal((await q('min'))[0].values[0][1], '2');
    assert.equal((await q('max'))[0].values[0][1], '4');
    assert.deepEqual((await q('sum'))[0].metric, {});
  });

  it("Grafana's logs volume query", async () => {
    const r = matrix(await range('sum by (level) (count_over_time({service="orders"} [1m]))', 60, 300, 60));
    assert.deepEqual(
      r.map((s) => [s.metric, s.values.map((v) => v[1])]),
      [
        [{ level: 'error' }, ['2', '2', '2', '2', '1']],
        [{ level: 'info' }, ['4', '4', '4', '4', '4']],
      ],
    );
    // 300 s: the window (240, 300] holds lines 25..29 only (one of them, 27, is an error).
    const total = matrix(await range('sum(count_over_time({service="orders"}[1m]))', 300, 300, 60));
    assert.equal(total[0].values[0][1], '5');
  });

  it('arithmetic between vectors and scalars, with precedence', async () => {
    const one = (q: string) =>
      range(q, 60, 60, 60).then((d) => matrix(d).map((s) => [s.metric, s.values[0][1]]));
    assert.deepEqual(await one('sum(count_over_time({service="orders"}[1m])) * 2 + 1'), [[{}, '13']]);
    assert.deepEqual(await one('1 + sum(count_over_time({service="orders"}[1m])) / 4'), [[{}, '2.5']]);
    assert.deepEqual(await one('sum(count_over_time({service="orders"}[1m])) % 4'), [[{}, '2']]);
    // Vector/vector matches on the whole label set.
    assert.deepEqual(
      await one(
        'sum by (level) (count_over_time({service="orders"}[1m])) / sum by (level) (count_over_time({service=~"orders|users"}[1m]))',
      ),
      [
        [{ level: 'error' }, '1'],
        [{ level: 'info' }, String(4 / 7)],
      ],
    );
    assert.deepEqual(await one('count_over_time({service="orders"}[1m]) > 3'), [
      [{ level: 'info', service: 'orders' }, '4'],
    ]);
    assert.deepEqual(await one('count_over_time({service="orders"}[1m]) > bool 3'), [
      [{ level: 'error', service: 'orders' }, '0'],
      [{ level: 'info', service: 'orders' }, '1'],
    ]);
    assert.deepEqual(await one('sum(count_over_time({service="none"}[1m])) or vector(0)'), [[{}, '0']]);
  });

  it('json label filters and grouping by parsed labels', async () => {
    const r = matrix(
      await range(
        'sum by (status) (count_over_time({service="orders"} | json | status >= 500 [1m]))',
        60,
        60,
        60,
      ),
    );
    assert.deepEqual(
      r.map((s) => [s.metric, s.values[0][1]]),
      [[{ status: '500' }, '3']],
    );
  });

  it('offset moves the window back', async () => {
    const r = matrix(await range('sum(count_over_time({service="orders"}[10s] offset 1m))', 70, 70, 1));
    // (0, 10] shifted: the line at T0+10s only.
    assert.deepEqual(r[0].values, [[at(70), '1']]);
  });

  it('a parser error left in a metric query fails as Loki does; __error__="" skips it', async () => {
    await assert.rejects(
      range('count_over_time({service="users"} | json [1m])', 60, 60, 60),
      (err: Error) => {
        assert.ok(err instanceof LogQLEvalError);
        assert.match(err.message, /^pipeline error: 'JSONParserErr' for series: '\{/);
        return true;
      },
    );
    const r = matrix(
      await range('count_over_time({service="users"} | json | __error__="" [1m])', 60, 60, 60),
    );
    assert.deepEqual(r, []);
  });

  it('refuses too many points and non-positive steps', async () => {
    await assert.rejects(
      range('count_over_time({service="orders"}[1m])', 0, 20_000, 1),
      /exceeded maximum resolution of 11,000 points/,
    );
    await assert.rejects(
      range('count_over_time({service="orders"}[1m])', 0, 60, 0),
      /zero or negative query resolution step/,
    );
  });

  it('a literal over a range is a matrix without labels', async () => {
    const r = matrix(await range('1 + 1', 0, 20, 10));
    assert.deepEqual(r, [
      {
        metric: {},
        values: [
          [at(0), '2'],
          [at(10), '2'],
          [at(20), '2'],
        ],
      },
    ]);
  });
});

describe('LogQL instant queries', () => {
  const instant = (query: string, s: number) =>
    queryInstant({ query, timeNs: T0 + BigInt(s) * SEC, limit: 100, direction: 'backward' }, source);

  it("vector(1)+vector(1) is a one-sample vector of 2 (Grafana's health check)", async () => {
    const d = await instant('vector(1)+vector(1)', 4);
    assert.equal(d.resultType, 'vector');
    assert.deepEqual(d.result, [{ metric: {}, value: [at(4), '2'] }]);
  });

  it('a number is a scalar', async () => {
    const d = await instant('2 * 3', 1);
    assert.equal(d.resultType, 'scalar');
    assert.deepEqual(d.result, [at(1), '6']);
  });

  it('metric queries answer a vector at the time', async () => {
    const d = await instant('sum by (level) (count_over_time({service="orders"}[1m]))', 120);
    assert.deepEqual(d.result, [
      { metric: { level: 'error' }, value: [at(120), '2'] },
      { metric: { level: 'info' }, value: [at(120), '4'] },
    ]);
  });

  it('log queries are refused, as Loki 3 does', async () => {
    await assert.rejects(
      instant('{service="orders"}', 10),
      /log queries are not supported as an instant query type/,
    );
  });
});
