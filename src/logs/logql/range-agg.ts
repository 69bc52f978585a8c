import type { RangeAggExpr } from './ast.js';
import { LogQLEvalError } from './errors.js';
import type { QueryContext } from './limits.js';
import { ERROR_LABEL } from './line-parsers.js';
import { selectorMatches } from './matchers.js';
import { compilePipeline, labelsKey } from './pipeline.js';
import type { StatsCounter } from './results.js';
import { emptyValues, type Grid, type Series, type Value } from './series.js';
import type { LogSource } from './source.js';

const NS_PER_MS = 1_000_000n;

/**
 * `count_over_time`, `rate`, `bytes_over_time`, `bytes_rate` at every step t: over the entries in
 * (t - offset - range, t - offset], left-open and right-closed as Loki selects ranges. Each entry
 * is read once and added to every step whose window holds it. A step without entries has no
 * sample (not a zero), as in Loki.
 */
export async function evalRangeAgg(
  expr: RangeAggExpr,
  grid: Grid,
  source: LogSource,
  stats: StatsCounter,
  ctx: QueryContext,
): Promise<Value> {
  const rangeNs = BigInt(expr.rangeMs) * NS_PER_MS;
  const offsetNs = BigInt(expr.offsetMs) * NS_PER_MS;
  const lastNs = grid.startNs + grid.stepNs * BigInt(grid.count - 1);
  const startNs = grid.startNs - offsetNs - rangeNs + 1n;
  const endNs = lastNs - offsetNs + 1n;
  const pipeline = compilePipeline(expr.log.pipeline);
  const bytes = expr.op === 'bytes_over_time' || expr.op === 'bytes_rate';
  const step = Number(grid.stepNs);
  const range = Number(rangeNs);
  const series = new Map<string, Series>();
  const req = {
    matchers: expr.log.matchers,
    startNs,
    endNs,
    direction: 'forward' as const,
    signal: ctx.signal,
  };
  for await (const entry of source.select(req)) {
    const size = Buffer.byteLength(entry.line);
    const paused = ctx.read(size);
    if (paused) await paused;
    const ts = entry.timestampNs;
    if (ts < startNs || ts >= endNs || !selectorMatches(expr.log.matchers, entry.labels)) continue;
    stats.lines++;
    stats.bytes += size;
    const out = pipeline(entry);
    if (!out) continue;
    stats.postFilterLines++;
    // Steps t_k with ts + offset <= t_k < ts + offset + range hold this entry.
    const rel = Number(ts + offsetNs - grid.startNs);
    const first = Math.max(0, Math.ceil(rel / step));
    const last = Math.min(grid.count - 1, Math.floor((rel + range - 1) / step));
    if (first > last) continue;
    const key = labelsKey(out.labels);
    let s = series.get(key);
    if (!s) {
      if (out.labels[ERROR_LABEL] !== undefined) throw pipelineError(out.labels[ERROR_LABEL], key);
      ctx.checkSeries(series.size + 1);
      s = { labels: out.labels, values: emptyValues(grid) };
      series.set(key, s);
    }
    const add = bytes ? size : 1;
    for (let k = first; k <= last; k++) s.values[k] = Number.isNaN(s.values[k]) ? add : s.values[k] + add;
  }
  if (expr.op === 'rate' || expr.op === 'bytes_rate') {
    const seconds = expr.rangeMs / 1000;
    for (const s of series.values()) for (let k = 0; k < grid.count; k++) s.values[k] /= seconds;
  }
  return { kind: 'series', series };
}

/** Loki refuses metric queries over lines a parser failed on, and says how to skip them. */
function pipelineError(error: string, series: string): LogQLEvalError {
  return new LogQLEvalError(
    `pipeline error: '${error}' for series: '${series}'.\n` +
      `Use a label filter to intentionally skip this error. (e.g | __error__!="${error}").\n` +
      `To skip all potential errors you can match empty errors.(e.g __error__="")`,
  );
}
