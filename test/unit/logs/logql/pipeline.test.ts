import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePipeline, parseQuery } from '../../../../src/logs/logql/index.js';
import type { LogEntry } from '../../../../src/logs/model.js';

const STREAM = { service: 'orders', level: 'info' };

/** Run one line through the pipeline of `{service="orders"} <pipeline>`. */
function run(pipeline: string, line: string, metadata?: Record<string, string>) {
  const e = parseQuery(`{service="orders"} ${pipeline}`);
  if (e.kind !== 'log') throw new Error('not a log query');
  const entry: LogEntry = { timestampNs: 1n, labels: { ...STREAM }, line, metadata };
  return compilePipeline(e.pipeline)(entry);
}

describe('LogQL pipeline: line filters', () => {
  it('contains, not contains, regex and not regex', () => {
    assert.ok(run('|= "boom"', 'a boom here'));
    assert.equal(run('|= "boom"', 'quiet'), undefined);
    assert.equal(run('!= "boom"', 'a boom here'), undefined);
    assert.ok(run('|~ "err(or)?\\\\s+\\\\d+"', 'got error 42'));
    assert.equal(run('!~ "^GET"', 'GET /x'), undefined);
    assert.ok(run('|~ "(?i)WARN"', 'warn: x'), 'inline (?i) flag');
    assert.ok(run('|~ "b"', 'abc'), 'line regexes are not anchored');
  });

  it('`or` alternatives: any for |= and |~, none for != and !~', () => {
    assert.ok(run('|= "a" or "z"', 'xyz'));
    assert.equal(run('|= "a" or "b"', 'xyz'), undefined);
    assert.equal(run('!= "a" or "z"', 'xyz'), undefined);
    assert.ok(run('!= "a" or "b"', 'xyz'));
  });
});

describe('LogQL pipeline: | json', () => {
  it('flattens nested objects with _, sanitizes names, skips arrays and nulls', () => {
    const out = run(
      '| json',
      '{"msg":"hi","status":503,"ok":false,"req":{"method":"GET","user-agent":"curl","x":{"y":1}},"tags":["a"],"n":null,"1st":"v"}',
    );
    assert.deepEqual(out?.labels, {
      ...STREAM,
      msg: 'hi',
      status: '503',
      ok: 'false',
      req_method: 'GET',
      req_user_agent: 'curl',
      req_x_y: '1',
      _1st: 'v',
    });
  });

  it('adds _extracted when a stream label has the name', () => {
    const out = run('| json', '{"level":"error","service":"x"}');
    assert.equal(out?.labels.level, 'info');
    assert.equal(out?.labels.level_extracted, 'error');
    assert.equal(out?.labels.service_extracted, 'x');
  });

  it('marks lines that are not JSON objects with __error__=JSONParserErr and keeps them', () => {
    for (const line of ['not json', '[1,2]', '"s"']) {
      const out = run('| json', line);
      assert.equal(out?.labels.__error__, 'JSONParserErr', line);
      assert.ok(out?.labels.__error_details__);
    }
  });

  it('drops or keeps errored lines by __error__ filters', () => {
    assert.equal(run('| json | __error__=""', 'nope'), undefined);
    assert.ok(run('| json | __error__=""', '{"a":1}'));
    assert.ok(run('| json | __error__="JSONParserErr"', 'nope'));
    assert.equal(run('| json | __error__!="JSONParserErr"', 'nope'), undefined);
    assert.deepEqual(run('| json | drop __error__, __error_details__', 'nope')?.labels, STREAM);
  });

  it('extracts only the given paths with parameters', () => {
    const out = run(
      '| json m="req.method", first="tags[0]", obj="req", none="missing.key"',
      '{"req":{"method":"GET"},"tags":["a","b"]}',
    );
    assert.deepEqual(out?.labels, { ...STREAM, m: 'GET', first: 'a', obj: '{"method":"GET"}', none: '' });
  });
});

describe('LogQL pipeline: | logfmt', () => {
  it('parses bare and quoted values, skips empty ones unless --keep-empty', () => {
    const line = 'ts=2024-01-01 msg="hello \\"world\\"" dur=1.5s flag empty= path=/a/b';
    assert.deepEqual(run('| logfmt', line)?.labels, {
      ...STREAM,
      ts: '2024-01-01',
      msg: 'hello "world"',
      dur: '1.5s',
      path: '/a/b',
    });
    const kept = run('| logfmt --keep-empty', line)?.labels;
    assert.equal(kept?.flag, '');
    assert.equal(kept?.empty, '');
  });

  it('is lenient by default and marks LogfmtParserErr with --strict', () => {
    const bad = 'a=1 ="x" b=2';
    const lenient = run('| logfmt', bad)?.labels;
    assert.equal(lenient?.__error__, undefined);
    assert.deepEqual([lenient?.a, lenient?.b], ['1', '2']);
    const strict = run('| logfmt --strict', bad)?.labels;
    assert.equal(strict?.__error__, 'LogfmtParserErr');
    assert.equal(strict?.a, '1');
    assert.equal(strict?.b, undefined, 'strict stops at the first error');
    assert.equal(run('| logfmt --strict', 'msg="unterminated')?.labels.__error__, 'LogfmtParserErr');
  });

  it('adds _extracted on clashes with stream labels', () => {
    assert.equal(run('| logfmt', 'level=warn')?.labels.level_extracted, 'warn');
  });
});

describe('LogQL pipeline: label filters', () => {
  const line = '{"status":"503","latency":"250ms","size":"2KB","path":"/api/orders","name":"x"}';
  it('numeric comparisons', () => {
    assert.ok(run('| json | status >= 500', line));
    assert.ok(run('| json | status == 503', line));
    assert.ok(run('| json | status = 503', line));
    assert.equal(run('| json | status < 500', line), undefined);
    assert.equal(run('| json | status != 503', line), undefined);
  });

  it('duration and bytes comparisons', () => {
    assert.ok(run('| json | latency > 100ms', line));
    assert.ok(run('| json | latency <= 0.25s', line));
    assert.equal(run('| json | latency > 1s', line), undefined);
    assert.ok(run('| json | size > 1KB', line));
    assert.equal(run('| json | size > 1MB', line), undefined);
  });

  it('string matchers, with absent labels as empty', () => {
    assert.ok(run('| json | path =~ "/api/.*"', line));
    assert.equal(run('| json | path =~ "api"', line), undefined, 'anchored');
    assert.ok(run('| json | missing != "x"', line));
    assert.ok(run('| json | missing = ""', line));
  });

  it('and / or / parentheses', () => {
    assert.ok(run('| json | status >= 500 and path = "/api/orders"', line));
    assert.equal(run('| json | status >= 500 and path = "/other"', line), undefined);
    assert.ok(run('| json | status < 500 or path = "/api/orders"', line));
    assert.ok(run('| json | (status < 500 or name = "x") and latency > 1ms', line));
    assert.equal(run('| json | status < 500, name = "x"', line), undefined);
  });

  it('numeric filters drop lines without the label and mark unconvertible values', () => {
    assert.equal(run('| json | missing > 1', line), undefined);
    const out = run('| json | name > 1', line);
    assert.equal(out?.labels.__error__, 'LabelFilterErr');
    assert.equal(run('| json | name > 1 | __error__=""', line), undefined);
  });

  it('lines already in error pass numeric filters; string filters still apply', () => {
    assert.equal(run('| json | status > 1', 'oops')?.labels.__error__, 'JSONParserErr');
  });

  it('structured metadata shows as labels', () => {
    assert.equal(run('| trace_id="abc"', 'x', { trace_id: 'abc' })?.labels.trace_id, 'abc');
  });
});
