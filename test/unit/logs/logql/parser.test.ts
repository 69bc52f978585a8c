import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Expr, LogQLParseError, type MetricExpr, parseQuery } from '../../../../src/logs/logql/index.js';

function parseError(q: string): LogQLParseError {
  try {
    parseQuery(q);
  } catch (err) {
    assert.ok(err instanceof LogQLParseError, `not a parse error: ${err}`);
    return err;
  }
  assert.fail(`parsed: ${q}`);
}

/** A compact rendering of metric trees, to check precedence. */
function show(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'vector':
      return `vector(${e.value})`;
    case 'binary':
      return `(${show(e.left)} ${e.op}${e.returnBool ? ' bool' : ''} ${show(e.right)})`;
    case 'vector_agg':
      return `${e.op}${e.grouping ? `${e.grouping.without ? ' without' : ' by'}(${e.grouping.labels})` : ''}[${show(e.inner)}]`;
    case 'range_agg':
      return `${e.op}[${e.rangeMs}ms${e.offsetMs ? ` offset ${e.offsetMs}ms` : ''}]`;
    case 'log':
      return 'log';
  }
}

describe('LogQL parser: log queries', () => {
  it('parses selectors with every matcher operator and exposes them for a label index', () => {
    const e = parseQuery('{service="orders", level!="debug", host=~"web-\\\\d+", env!~`dev|test`}');
    assert.equal(e.kind, 'log');
    if (e.kind !== 'log') return;
    assert.deepEqual(
      e.matchers.map((m) => [m.name, m.op, m.value]),
      [
        ['service', '=', 'orders'],
        ['level', '!=', 'debug'],
        ['host', '=~', 'web-\\d+'],
        ['env', '!~', 'dev|test'],
      ],
    );
    assert.ok(e.matchers[2].regex!.test('web-12'));
    assert.ok(!e.matchers[2].regex!.test('xweb-12'), 'label regexes are anchored');
  });

  it('parses line filters, chained `or`, parsers and label filters in order', () => {
    const e = parseQuery(
      '{app="x"} |= "error" or "fatal" != `debug` |~ "(?i)time.?out" | json | status >= 500 and latency > 1m30s or size <= 5MB | logfmt --strict --keep-empty | level="error"',
    );
    if (e.kind !== 'log') return assert.fail('not a log query');
    assert.deepEqual(
      e.pipeline.map((s) => s.kind),
      ['line_filter', 'line_filter', 'line_filter', 'json', 'label_filter', 'logfmt', 'label_filter'],
    );
    assert.deepEqual(e.pipeline[0], { kind: 'line_filter', op: '|=', values: ['error', 'fatal'] });
    const re = e.pipeline[2];
    assert.ok(
      re.kind === 'line_filter' && re.regexes![0].test('TIMEOUT'),
      '(?i) becomes a case-insensitive flag',
    );
    const lf = e.pipeline[4];
    assert.ok(lf.kind === 'label_filter');
    // `and` binds tighter than `or`.
    assert.deepEqual(lf.expr, {
      kind: 'or',
      left: {
        kind: 'and',
        left: { kind: 'number', name: 'status', op: '>=', value: 500 },
        right: { kind: 'duration', name: 'latency', op: '>', value: 90_000 },
      },
      right: { kind: 'bytes', name: 'size', op: '<=', value: 5_000_000 },
    });
    assert.deepEqual(e.pipeline[5], { kind: 'logfmt', strict: true, keepEmpty: true });
  });

  it('treats `,` and juxtaposition as `and`, and honours parentheses', () => {
    const e = parseQuery('{a="b"} | x="1", y="2" z="3" | (x="1" or y="2") and z="3"');
    if (e.kind !== 'log') return assert.fail();
    const [first, second] = e.pipeline;
    assert.ok(first.kind === 'label_filter' && first.expr.kind === 'and' && first.expr.left.kind === 'and');
    assert.ok(second.kind === 'label_filter' && second.expr.kind === 'and' && second.expr.left.kind === 'or');
  });

  it('parses `| json` with extraction paths, and drop/keep', () => {
    const e = parseQuery(
      '{a="b"} | json first="servers[0]", ua="request.headers[\\"User-Agent\\"]" | drop __error__, x',
    );
    if (e.kind !== 'log') return assert.fail();
    assert.deepEqual(e.pipeline[0], {
      kind: 'json',
      params: [
        { label: 'first', path: ['servers', 0] },
        { label: 'ua', path: ['request', 'headers', 'User-Agent'] },
      ],
    });
    assert.deepEqual(e.pipeline[1], { kind: 'drop', names: ['__error__', 'x'] });
  });
});

describe('LogQL parser: metric queries', () => {
  const cases: Array<[string, string]> = [
    ['vector(1)+vector(1)', '(vector(1) + vector(1))'],
    ['sum by (level) (count_over_time({service="x"} [1m]))', 'sum by(level)[count_over_time[60000ms]]'],
    ['sum(rate({a="b"} |= "x" [5m])) without (host)', 'sum without(host)[rate[300000ms]]'],
    ['count_over_time({a="b"}[1h] offset 30m)', 'count_over_time[3600000ms offset 1800000ms]'],
    ['bytes_over_time({a="b"}[10s] | json)', 'bytes_over_time[10000ms]'],
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['(1 + 2) * 3', '((1 + 2) * 3)'],
    ['2 ^ 3 ^ 2', '(2 ^ (3 ^ 2))'],
    ['10 - 4 - 3', '((10 - 4) - 3)'],
    ['rate({a="b"}[1m]) > bool 2 * 3', '(rate[60000ms] > bool (2 * 3))'],
    [
      'max(bytes_rate({a="b"}[1m])) / min(count_over_time({a="b"}[1m])) % 7',
      '((max[bytes_rate[60000ms]] / min[count_over_time[60000ms]]) % 7)',
    ],
    ['-avg(rate({a="b"}[1m]))', '(avg[rate[60000ms]] * -1)'],
    ['count_over_time({a="b"}[1m]) or vector(0)', '(count_over_time[60000ms] or vector(0))'],
  ];
  for (const [q, want] of cases) {
    it(q, () => assert.equal(show(parseQuery(q) as MetricExpr), want));
  }
});

describe('LogQL parser: errors read like Loki', () => {
  const cases: Array<[string, string]> = [
    ['{app}', 'parse error at line 1, col 5: syntax error: unexpected }, expecting = or =~ or !~ or !='],
    ['{}', 'parse error at line 1, col 2: syntax error: unexpected }, expecting IDENTIFIER'],
    ['sum({job="mysql"})', 'parse error at line 1, col 18: syntax error: unexpected )'],
    ['{a="b"}[5m]', 'parse error at line 1, col 8: syntax error: unexpected RANGE'],
    ['{a="b"} |= ', 'parse error at line 1, col 12: syntax error: unexpected $end, expecting STRING'],
    ['count_over_time({a="b"})', 'parse error at line 1, col 24: syntax error: unexpected )'],
    ['{a="b"}\n| x >', 'parse error at line 2, col 6: syntax error: unexpected $end'],
    ['{a="unterminated}', 'parse error at line 1, col 4: literal not terminated'],
    [
      '{app=~".*"}',
      'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will',
    ],
  ];
  for (const [q, want] of cases) {
    it(JSON.stringify(q), () => assert.equal(parseError(q).message, want));
  }

  it('carries line and column', () => {
    const e = parseError('{a="b"} | json\n  | foo >= bar');
    assert.deepEqual([e.line, e.col], [2, 12]);
  });

  it('rejects invalid regular expressions at their position', () => {
    assert.match(
      parseError('{a="b"} |~ "(unclosed"').message,
      /^parse error at line 1, col 12: error parsing regexp/,
    );
  });

  it('names stages Sluice does not support', () => {
    assert.match(
      parseError('{a="b"} | line_format "{{.x}}"').message,
      /col 11: syntax error: unexpected line_format/,
    );
  });
});
