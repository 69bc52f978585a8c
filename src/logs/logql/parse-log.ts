import type { CompareOp, LabelFilterExpr, LineFilterOp, LogExpr, Matcher, MatchOp, Stage } from './ast.js';
import type { Cursor } from './cursor.js';
import { LogQLParseError } from './errors.js';
import type { Token } from './lexer.js';
import { compileRegex, type LogRegex } from './regex.js';

const MATCH_OPS = new Set(['=', '!=', '=~', '!~']);
const LINE_FILTER_OPS = new Set(['|=', '!=', '|~', '!~']);
const FILTER_OPS = new Set(['=', '!=', '=~', '!~', '==', '>', '>=', '<', '<=']);
const UNSUPPORTED_STAGES = new Set([
  'line_format',
  'label_format',
  'unwrap',
  'regexp',
  'pattern',
  'decolorize',
  'unpack',
]);

/** Longest part of a bad pattern quoted back in an error (RE2 quotes the whole rest of it). */
const MAX_QUOTED = 100;

function regexOf(c: Cursor, at: Token, source: string, anchored: boolean): LogRegex {
  try {
    return compileRegex(source, anchored);
  } catch (err) {
    let detail = (err as Error).message;
    if (!detail.startsWith('error parsing regexp')) detail = `error parsing regexp: ${detail}`;
    if (detail.length > MAX_QUOTED + 40) detail = `${detail.slice(0, MAX_QUOTED + 40)}...`;
    return c.failAt(at, detail);
  }
}

function matcher(c: Cursor, name: Token, op: MatchOp, value: Token): Matcher {
  const m: Matcher = { name: name.text, op, value: value.text };
  if (op === '=~' || op === '!~') m.regex = regexOf(c, value, value.text, true);
  return m;
}

/** `{name="value", ...}`: at least one matcher that cannot match the empty value, as Loki demands. */
export function parseSelector(c: Cursor): Matcher[] {
  c.expect('{');
  const matchers: Matcher[] = [];
  do {
    const name = c.expectKind('ident', 'IDENTIFIER');
    if (!MATCH_OPS.has(c.peek().text) || c.peek().kind !== 'op') c.unexpected('= or =~ or !~ or !=');
    const op = c.next().text as MatchOp;
    matchers.push(matcher(c, name, op, c.expectKind('string', 'STRING')));
  } while (c.accept(','));
  c.expect('}', ', or }');
  const selective = matchers.some(
    (m) => (m.op === '=' && m.value !== '') || (m.op === '=~' && !m.regex!.test('')),
  );
  if (!selective) {
    throw new LogQLParseError(
      'queries require at least one regexp or equality matcher that does not have an empty-compatible value. ' +
        'For instance, app=~".*" does not meet this requirement, but app=~".+" will',
    );
  }
  return matchers;
}

/** A selector and its pipeline: `{app="x"} |= "err" | json | status >= 500`. */
export function parseLogExpr(c: Cursor): LogExpr {
  const matchers = parseSelector(c);
  return { kind: 'log', matchers, pipeline: parsePipeline(c) };
}

export function parsePipeline(c: Cursor): Stage[] {
  const stages: Stage[] = [];
  for (;;) {
    const t = c.peek();
    if (t.kind === 'op' && LINE_FILTER_OPS.has(t.text)) stages.push(parseLineFilter(c));
    else if (c.is('|')) {
      c.next();
      stages.push(parseStage(c));
    } else if (c.is('|>'))
      c.failAt(t, 'syntax error: unexpected |>, pattern line filters are not supported by Sluice');
    else return stages;
  }
}

function parseLineFilter(c: Cursor): Stage {
  const op = c.next().text as LineFilterOp;
  const tokens = [c.expectKind('string', 'STRING')];
  while (c.is('or') && c.peek(1).kind === 'string') {
    c.next();
    tokens.push(c.next());
  }
  const values = tokens.map((t) => t.text);
  if (op === '|~' || op === '!~') {
    return { kind: 'line_filter', op, values, regexes: tokens.map((t) => regexOf(c, t, t.text, false)) };
  }
  return { kind: 'line_filter', op, values };
}

function parseStage(c: Cursor): Stage {
  const t = c.peek();
  // `json`, `logfmt`, `drop`, `keep` are stage names unless used as a label name in a filter.
  const isWord = t.kind === 'ident' && !(c.peek(1).kind === 'op' && FILTER_OPS.has(c.peek(1).text));
  if (isWord && t.text === 'json') return parseJson(c);
  if (isWord && t.text === 'logfmt') return parseLogfmt(c);
  if (isWord && (t.text === 'drop' || t.text === 'keep')) {
    c.next();
    const names = [c.expectKind('ident', 'IDENTIFIER').text];
    while (c.accept(',')) names.push(c.expectKind('ident', 'IDENTIFIER').text);
    return { kind: t.text, names };
  }
  if (isWord && UNSUPPORTED_STAGES.has(t.text))
    c.failAt(t, `syntax error: unexpected ${t.text}, Sluice does not support this stage`);
  return { kind: 'label_filter', expr: parseLabelFilterOr(c) };
}

function parseJson(c: Cursor): Stage {
  c.next();
  const params: Array<{ label: string; path: Array<string | number> }> = [];
  if (c.peek().kind === 'ident' && c.is('=', 1)) {
    do {
      const label = c.expectKind('ident', 'IDENTIFIER');
      c.expect('=');
      const expr = c.expectKind('string', 'STRING');
      const path = parseJsonPath(expr.text);
      if (!path) c.failAt(expr, `cannot parse expression [${expr.text}]`);
      params.push({ label: label.text, path });
    } while (c.accept(','));
  }
  return { kind: 'json', params };
}

/** `a.b[0]["c d"]` into `['a', 'b', 0, 'c d']`. */
export function parseJsonPath(expr: string): Array<string | number> | undefined {
  const path: Array<string | number> = [];
  const re = /\s*(?:\.?([A-Za-z_$@][\w$@-]*)|\[\s*(\d+)\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\])/y;
  let i = 0;
  while (i < expr.length) {
    re.lastIndex = i;
    const m = re.exec(expr);
    if (!m || (path.length === 0 && expr[i] === '.')) return undefined;
    path.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : JSON.parse(`"${m[3]}"`)));
    i = re.lastIndex;
  }
  return path.length > 0 ? path : undefined;
}

function parseLogfmt(c: Cursor): Stage {
  c.next();
  let strict = false;
  let keepEmpty = false;
  while (c.is('-') && c.is('-', 1)) {
    c.next();
    c.next();
    const flag = c.next();
    let name = flag.text;
    if (name === 'keep' && c.is('-') && c.peek(1).text === 'empty') {
      c.next();
      c.next();
      name = 'keep-empty';
    }
    if (name === 'strict') strict = true;
    else if (name === 'keep-empty') keepEmpty = true;
    else c.failAt(flag, `invalid logfmt flag: --${name}`);
  }
  return { kind: 'logfmt', strict, keepEmpty };
}

// Chains and parentheses count towards the query's nesting limit (see Cursor.enter): the
// evaluator walks these trees recursively.
function parseLabelFilterOr(c: Cursor): LabelFilterExpr {
  let left = parseLabelFilterAnd(c);
  let levels = 0;
  while (c.is('or')) {
    c.enter();
    levels++;
    c.next();
    left = { kind: 'or', left, right: parseLabelFilterAnd(c) };
  }
  c.leave(levels);
  return left;
}

function parseLabelFilterAnd(c: Cursor): LabelFilterExpr {
  let left = parseLabelFilterAtom(c);
  let levels = 0;
  for (;;) {
    const t = c.peek();
    if (c.is('and') || c.is(',')) c.next();
    // Juxtaposed filters (`| a="x" b="y"`) also mean `and`.
    else if (!(t.kind === 'ident' && FILTER_OPS.has(c.peek(1).text) && c.peek(1).kind === 'op')) {
      c.leave(levels);
      return left;
    }
    c.enter(t);
    levels++;
    left = { kind: 'and', left, right: parseLabelFilterAtom(c) };
  }
}

function parseLabelFilterAtom(c: Cursor): LabelFilterExpr {
  if (c.is('(')) {
    c.enter();
    c.next();
    const inner = parseLabelFilterOr(c);
    c.expect(')');
    c.leave();
    return inner;
  }
  const name = c.expectKind('ident', 'IDENTIFIER');
  const opTok = c.peek();
  if (opTok.kind !== 'op' || !FILTER_OPS.has(opTok.text)) c.unexpected();
  c.next();
  const op = opTok.text;
  const negative = c.accept('-');
  const v = c.peek();
  if (v.kind === 'string' && !negative && MATCH_OPS.has(op)) {
    c.next();
    return { kind: 'string', matcher: matcher(c, name, op as MatchOp, v) };
  }
  if ((v.kind === 'number' || v.kind === 'duration' || v.kind === 'bytes') && op !== '=~' && op !== '!~') {
    c.next();
    const kind = v.kind === 'duration' ? 'duration' : v.kind === 'bytes' ? 'bytes' : 'number';
    const cmp = (op === '=' ? '==' : op) as CompareOp;
    return { kind, name: name.text, op: cmp, value: negative ? -v.value! : v.value! };
  }
  return c.unexpected();
}
