import type { BinaryOp, Grouping, VectorOp } from './ast.js';
import { LogQLEvalError } from './errors.js';
import { labelsKey } from './pipeline.js';
import { emptyValues, type Grid, type Series, type Value } from './series.js';

function groupLabels(labels: Record<string, string>, g: Grouping | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!g) return out;
  if (g.without) {
    for (const [n, v] of Object.entries(labels)) if (!g.labels.includes(n)) out[n] = v;
  } else {
    for (const n of g.labels) if (labels[n] !== undefined && labels[n] !== '') out[n] = labels[n];
  }
  return out;
}

/** `sum`/`count`/`min`/`max`/`avg` [by|without (...)], step by step. */
export function aggregate(op: VectorOp, grouping: Grouping | undefined, input: Value, grid: Grid): Value {
  if (input.kind === 'scalar') throw new LogQLEvalError(`${op} expects a vector, got a scalar`);
  const groups = new Map<string, { series: Series; counts: Float64Array }>();
  for (const s of input.series.values()) {
    const labels = groupLabels(s.labels, grouping);
    const key = labelsKey(labels);
    let g = groups.get(key);
    if (!g) {
      g = { series: { labels, values: emptyValues(grid) }, counts: new Float64Array(grid.count) };
      groups.set(key, g);
    }
    for (let k = 0; k < grid.count; k++) {
      const v = s.values[k];
      if (Number.isNaN(v)) continue;
      const acc = g.series.values[k];
      const first = g.counts[k] === 0;
      g.counts[k]++;
      if (op === 'min') g.series.values[k] = first || v < acc ? v : acc;
      else if (op === 'max') g.series.values[k] = first || v > acc ? v : acc;
      else if (op === 'count') g.series.values[k] = g.counts[k];
      else g.series.values[k] = first ? v : acc + v;
    }
  }
  const out = new Map<string, Series>();
  for (const [key, g] of groups) {
    if (op === 'avg') for (let k = 0; k < grid.count; k++) g.series.values[k] /= g.counts[k];
    out.set(key, g.series);
  }
  return { kind: 'series', series: out };
}

function arith(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '^':
      return a ** b;
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    default:
      throw new LogQLEvalError(`set operator ${op} needs vectors on both sides`);
  }
}

const COMPARISON = new Set<BinaryOp>(['==', '!=', '>', '>=', '<', '<=']);

/**
 * One sample of `a op b`: comparisons without `bool` filter (keeping the vector side's value),
 * with `bool` answer 0 or 1; NaN means no sample.
 */
function sample(op: BinaryOp, returnBool: boolean, a: number, b: number, keep: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.NaN;
  const r = arith(op, a, b);
  if (!COMPARISON.has(op) || returnBool) return r;
  return r === 1 ? keep : Number.NaN;
}

function mapSeries(
  input: Map<string, Series>,
  grid: Grid,
  f: (v: number, k: number) => number,
): Map<string, Series> {
  const out = new Map<string, Series>();
  for (const [key, s] of input) {
    const values = emptyValues(grid);
    for (let k = 0; k < grid.count; k++) values[k] = f(s.values[k], k);
    out.set(key, { labels: s.labels, values });
  }
  return out;
}

/** `left op right` for scalars and vectors; vectors match one-to-one on their whole label set. */
export function binary(op: BinaryOp, returnBool: boolean, left: Value, right: Value, grid: Grid): Value {
  if (left.kind === 'scalar' && right.kind === 'scalar') {
    return { kind: 'scalar', value: arith(op, left.value, right.value) };
  }
  if (op === 'and' || op === 'or' || op === 'unless') {
    if (left.kind === 'scalar' || right.kind === 'scalar')
      throw new LogQLEvalError(`set operator "${op}" not allowed in binary scalar expression`);
    return setOp(op, left.series, right.series, grid);
  }
  if (right.kind === 'scalar') {
    const b = right.value;
    return {
      kind: 'series',
      series: mapSeries((left as { series: Map<string, Series> }).series, grid, (a) =>
        sample(op, returnBool, a, b, a),
      ),
    };
  }
  if (left.kind === 'scalar') {
    const a = left.value;
    return { kind: 'series', series: mapSeries(right.series, grid, (b) => sample(op, returnBool, a, b, b)) };
  }
  const out = new Map<string, Series>();
  for (const [key, l] of left.series) {
    const r = right.series.get(key);
    if (!r) continue;
    const values = emptyValues(grid);
    for (let k = 0; k < grid.count; k++)
      values[k] = sample(op, returnBool, l.values[k], r.values[k], l.values[k]);
    out.set(key, { labels: l.labels, values });
  }
  return { kind: 'series', series: out };
}

function setOp(
  op: 'and' | 'or' | 'unless',
  left: Map<string, Series>,
  right: Map<string, Series>,
  grid: Grid,
): Value {
  const out = new Map<string, Series>();
  const present = (m: Map<string, Series>, key: string, k: number) => {
    const s = m.get(key);
    return s !== undefined && !Number.isNaN(s.values[k]);
  };
  for (const [key, l] of left) {
    if (op === 'or') {
      const r = right.get(key);
      if (!r) out.set(key, l);
      else
        out.set(key, {
          labels: l.labels,
          values: l.values.map((v, k) => (Number.isNaN(v) ? r.values[k] : v)),
        });
      continue;
    }
    const values = emptyValues(grid);
    for (let k = 0; k < grid.count; k++)
      if (present(right, key, k) === (op === 'and')) values[k] = l.values[k];
    out.set(key, { labels: l.labels, values });
  }
  if (op === 'or') {
    for (const [key, r] of right) {
      if (left.has(key)) continue;
      out.set(key, r);
    }
  }
  return { kind: 'series', series: out };
}
