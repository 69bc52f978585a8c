import type { BinaryOp, Expr, Grouping, LogExpr, MetricExpr, RangeOp, VectorOp } from './ast.js';
import { Cursor } from './cursor.js';
import type { Token } from './lexer.js';
import { parseLogExpr, parsePipeline, parseSelector } from './parse-log.js';

const RANGE_OPS = new Set<string>(['count_over_time', 'rate', 'bytes_over_time', 'bytes_rate']);
const VECTOR_OPS = new Set<string>(['sum', 'count', 'min', 'max', 'avg']);
const COMPARISONS = new Set<string>(['==', '!=', '>', '>=', '<', '<=']);
const UNSUPPORTED_FUNCS = new Set([
  'sum_over_time',
  'avg_over_time',
  'max_over_time',
  'min_over_time',
  'quantile_over_time',
  'first_over_time',
  'last_over_time',
  'absent_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'rate_counter',
  'topk',
  'bottomk',
  'stddev',
  'stdvar',
  'sort',
  'sort_desc',
  'label_replace',
]);

/** Binding power of binary operators, loosest first (as PromQL and LogQL rank them). */
const PRECEDENCE: Record<string, number> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '>': 3,
  '>=': 3,
  '<': 3,
  '<=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  '^': 6,
};

/** Parse a LogQL query into its syntax tree; throws `LogQLParseError` with Loki's wording. */
export function parseQuery(src: string): Expr {
  const c = new Cursor(src);
  const expr = parseBinary(c, 1);
  if (c.peek().kind !== 'eof') c.unexpected();
  return expr;
}

/** Parse the operand of something that needs a metric (an aggregation, a parenthesis, an operator). */
function metric(c: Cursor, expr: Expr): MetricExpr {
  if (expr.kind === 'log') c.unexpected();
  return expr;
}

function binaryOpAt(c: Cursor): Token | undefined {
  const t = c.peek();
  if ((t.kind === 'op' || t.kind === 'ident') && t.text in PRECEDENCE) return t;
  return undefined;
}

function parseBinary(c: Cursor, minPrec: number): Expr {
  let left = parseUnary(c);
  // Each operator of a chain puts the tree one level deeper.
  let levels = 0;
  for (let op = binaryOpAt(c); op && PRECEDENCE[op.text] >= minPrec; op = binaryOpAt(c)) {
    const prec = PRECEDENCE[op.text];
    if (left.kind === 'log') c.unexpected();
    c.enter(op);
    levels++;
    c.next();
    const returnBool = COMPARISONS.has(op.text) && c.accept('bool');
    // `^` is right-associative; the rest bind left.
    const right = metric(c, parseBinary(c, op.text === '^' ? prec : prec + 1));
    left = { kind: 'binary', op: op.text as BinaryOp, returnBool, left, right };
  }
  c.leave(levels);
  return left;
}

function parseUnary(c: Cursor): Expr {
  const sign = c.peek();
  if (!c.is('+') && !c.is('-')) return parsePrimary(c);
  c.next();
  c.enter(sign);
  const inner = metric(c, parseUnary(c));
  c.leave();
  if (sign.text === '+') return inner;
  if (inner.kind === 'number') return { kind: 'number', value: -inner.value };
  return { kind: 'binary', op: '*', returnBool: false, left: inner, right: { kind: 'number', value: -1 } };
}

function parsePrimary(c: Cursor): Expr {
  const t = c.peek();
  if (t.kind === 'number') {
    c.next();
    return { kind: 'number', value: t.value! };
  }
  if (c.is('{')) return parseLogExpr(c);
  if (c.is('(')) {
    c.enter();
    c.next();
    const inner = parseBinary(c, 1);
    if (inner.kind === 'log') c.unexpected();
    c.expect(')');
    c.leave();
    return inner;
  }
  if (t.kind === 'ident') {
    if (RANGE_OPS.has(t.text)) return parseRangeAgg(c);
    if (VECTOR_OPS.has(t.text)) return parseVectorAgg(c);
    if (t.text === 'vector') {
      c.next();
      c.expect('(');
      const negative = c.accept('-');
      const n = c.expectKind('number', 'NUMBER');
      c.expect(')');
      return { kind: 'vector', value: negative ? -n.value! : n.value! };
    }
    if (UNSUPPORTED_FUNCS.has(t.text))
      c.failAt(t, `syntax error: unexpected ${t.text}, Sluice does not support it`);
  }
  return c.unexpected();
}

/** `count_over_time({...} | pipeline [5m] offset 1h)`; the range may also follow the selector. */
function parseRangeAgg(c: Cursor): MetricExpr {
  const op = c.next().text as RangeOp;
  c.expect('(');
  const matchers = parseSelector(c);
  let range: { rangeMs: number; offsetMs: number } | undefined;
  if (c.peek().kind === 'range') range = parseRange(c);
  const pipeline = parsePipeline(c);
  if (!range) {
    if (c.peek().kind !== 'range') c.unexpected();
    range = parseRange(c);
  }
  c.expect(')');
  const log: LogExpr = { kind: 'log', matchers, pipeline };
  return { kind: 'range_agg', op, log, ...range };
}

function parseRange(c: Cursor): { rangeMs: number; offsetMs: number } {
  const r = c.next();
  if (r.value! <= 0) c.failAt(r, `syntax error: unexpected RANGE, the range must be positive`);
  let offsetMs = 0;
  if (c.accept('offset')) {
    const negative = c.accept('-');
    const d = c.expectKind('duration', 'DURATION');
    offsetMs = negative ? -d.value! : d.value!;
  }
  return { rangeMs: r.value!, offsetMs };
}

function parseGrouping(c: Cursor): Grouping | undefined {
  const t = c.peek();
  if (!c.is('by') && !c.is('without')) return undefined;
  c.next();
  c.expect('(');
  const labels: string[] = [];
  if (!c.is(')')) {
    do labels.push(c.expectKind('ident', 'IDENTIFIER').text);
    while (c.accept(','));
  }
  c.expect(')', ', or )');
  return { without: t.text === 'without', labels };
}

/** `sum by (a) (expr)` or `sum (expr) by (a)`. */
function parseVectorAgg(c: Cursor): MetricExpr {
  c.enter();
  const op = c.next().text as VectorOp;
  let grouping = parseGrouping(c);
  c.expect('(');
  const inner = metric(c, parseBinary(c, 1));
  c.expect(')');
  c.leave();
  const after = parseGrouping(c);
  if (after && grouping) c.unexpected();
  grouping ??= after;
  return grouping ? { kind: 'vector_agg', op, grouping, inner } : { kind: 'vector_agg', op, inner };
}
