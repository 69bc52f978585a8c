import type { Expr, MetricExpr } from './ast.js';
import { LogQLEvalError } from './errors.js';
import { formatValue, secondsOf } from './format.js';
import { QueryContext } from './limits.js';
import { evalLogQuery } from './log-query.js';
import { parseQuery } from './parser.js';
import { evalRangeAgg } from './range-agg.js';
import { type MatrixData, type QueryData, StatsCounter, type VectorData } from './results.js';
import { type Grid, stepTimeNs, type Value } from './series.js';
import type { Direction, LogSource } from './source.js';
import { aggregate, binary } from './vector-ops.js';

/** Loki's cap on points per series in one range query. */
export const MAX_POINTS_PER_SERIES = 11_000;

export interface RangeQuery {
  /** LogQL text, or an already parsed tree. */
  query: string | Expr;
  startNs: bigint;
  endNs: bigint;
  /** Step between metric samples; Grafana sends `<n>ms`, the HTTP layer converts. */
  stepMs: number;
  limit: number;
  direction: Direction;
}

export interface InstantQuery {
  query: string | Expr;
  timeNs: bigint;
  limit: number;
  direction: Direction;
}

async function evalMetric(
  expr: MetricExpr,
  grid: Grid,
  source: LogSource,
  stats: StatsCounter,
  ctx: QueryContext,
): Promise<Value> {
  switch (expr.kind) {
    case 'number':
      return { kind: 'scalar', value: expr.value };
    case 'vector': {
      const values = new Float64Array(grid.count).fill(expr.value);
      return { kind: 'series', series: new Map([['{}', { labels: {}, values }]]) };
    }
    case 'range_agg':
      return evalRangeAgg(expr, grid, source, stats, ctx);
    case 'vector_agg':
      return aggregate(expr.op, expr.grouping, await evalMetric(expr.inner, grid, source, stats, ctx), grid);
    case 'binary': {
      const left = await evalMetric(expr.left, grid, source, stats, ctx);
      const right = await evalMetric(expr.right, grid, source, stats, ctx);
      return binary(expr.op, expr.returnBool, left, right, grid);
    }
  }
}

function sortedSeries(v: Value & { kind: 'series' }) {
  return [...v.series.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
}

/**
 * `/loki/api/v1/query_range`: streams for log queries, a matrix for metric queries. `ctx` holds
 * the query's limits, deadline and cancellation (Loki's defaults when not given).
 */
export async function queryRange(
  q: RangeQuery,
  source: LogSource,
  ctx = new QueryContext(),
): Promise<QueryData> {
  const expr = typeof q.query === 'string' ? parseQuery(q.query) : q.query;
  const stats = new StatsCounter();
  if (q.endNs < q.startNs) throw new LogQLEvalError('end timestamp must not be before start time');
  if (expr.kind === 'log') {
    const streams = await evalLogQuery(expr, { ...q }, source, stats, ctx);
    return { ...streams, stats: stats.summary(streams.result.reduce((n, s) => n + s.values.length, 0)) };
  }
  if (!(q.stepMs > 0)) {
    throw new LogQLEvalError(
      'zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
  }
  const stepNs = BigInt(Math.round(q.stepMs * 1e6));
  const count = Number((q.endNs - q.startNs) / stepNs) + 1;
  if (count > MAX_POINTS_PER_SERIES) {
    throw new LogQLEvalError(
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
  }
  const grid: Grid = { startNs: q.startNs, stepNs, count };
  const value = await evalMetric(expr, grid, source, stats, ctx);
  const times = Array.from({ length: count }, (_, k) => secondsOf(stepTimeNs(grid, k)));
  const result: MatrixData['result'] = [];
  const all =
    value.kind === 'scalar'
      ? [{ labels: {}, values: new Float64Array(count).fill(value.value) }]
      : sortedSeries(value);
  for (const s of all) {
    const values: MatrixData['result'][number]['values'] = [];
    for (let k = 0; k < count; k++)
      if (!Number.isNaN(s.values[k])) values.push([times[k], formatValue(s.values[k])]);
    if (values.length > 0) result.push({ metric: s.labels, values });
  }
  return { resultType: 'matrix', result, stats: stats.summary(0) };
}

/** `/loki/api/v1/query`: a vector (or a scalar) at one time; log queries are refused, as Loki 3 does. */
export async function queryInstant(
  q: InstantQuery,
  source: LogSource,
  ctx = new QueryContext(),
): Promise<QueryData> {
  const expr = typeof q.query === 'string' ? parseQuery(q.query) : q.query;
  if (expr.kind === 'log') {
    throw new LogQLEvalError(
      'log queries are not supported as an instant query type, please change your query to a range query type',
    );
  }
  const stats = new StatsCounter();
  const grid: Grid = { startNs: q.timeNs, stepNs: 1n, count: 1 };
  const value = await evalMetric(expr, grid, source, stats, ctx);
  const ts = secondsOf(q.timeNs);
  if (value.kind === 'scalar') {
    return { resultType: 'scalar', result: [ts, formatValue(value.value)], stats: stats.summary(0) };
  }
  const result: VectorData['result'] = [];
  for (const s of sortedSeries(value)) {
    if (!Number.isNaN(s.values[0])) result.push({ metric: s.labels, value: [ts, formatValue(s.values[0])] });
  }
  return { resultType: 'vector', result, stats: stats.summary(0) };
}
