// JSONata transform and filter steps: exact outputs, the bindings an expression reads, the time and
// depth limits that stop an expression that never ends, and RE2 for regular expressions.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { processMessage } from '../../../src/pipeline/index.js';
import { headersOf, jsonOf, message, pipeline } from './fixtures.js';

function yaml(steps: string, limits = '') {
  return `
name: p
source: {topics: [in]}
steps: ${steps}
routes: {exchange: fanout, bindings: [{to: out}]}
unmatched: drop
${limits}`;
}

async function run(steps: string, m: ReturnType<typeof message>, limits?: string) {
  return processMessage(await pipeline(yaml(steps, limits)), m);
}

describe('transform', () => {
  it('writes the expression’s result as the new value', async () => {
    const steps = `
  - type: transform
    expression: |
      {
        "order": id,
        "total": $sum(lines.(qty * price)),
        "skus": lines.sku
      }`;
    const m = message({
      id: 'o-1',
      lines: [
        { sku: 'a', qty: 2, price: 1.5 },
        { sku: 'b', qty: 1, price: 4 },
      ],
    });
    const result = await run(steps, m);
    assert.deepEqual(jsonOf(result.outputs[0].message), { order: 'o-1', total: 7, skus: ['a', 'b'] });
  });

  it('reads $key, $headers, $topic, $partition, $offset and $timestamp', async () => {
    const steps = `[{type: transform, expression: '{"k": $key, "h": $headers.trace, "at": [$topic, $partition, $offset, $timestamp]}'}]`;
    const m = message({}, { key: 'k1', headers: [['trace', 't-9']], timestamp: 5 });
    const result = await run(steps, m);
    assert.deepEqual(jsonOf(result.outputs[0].message), { k: 'k1', h: 't-9', at: ['orders', 2, 41, 5] });
    assert.deepEqual(headersOf(result.outputs[0].message), [['trace', 't-9']]);
  });

  it('an expression that selects nothing, or fails, is a transform error', async () => {
    const nothing = await run(`[{type: transform, expression: 'missing.field'}]`, message({ a: 1 }));
    assert.deepEqual(nothing.error, {
      stage: 'transform',
      reason: 'the expression selected nothing (no value to write)',
      step: 0,
      stepType: 'transform',
      retriable: false,
    });
    const failing = await run(`[{type: transform, expression: '$number(a)'}]`, message({ a: 'x' }));
    assert.match(failing.error?.reason ?? '', /^JSONata error D3030 at position \d+: /);
  });

  it('an expression that never ends is stopped by the time limit', async () => {
    const steps = `[{type: transform, expression: '($loop := function($n) { $loop($n + 1) }; $loop(0))'}]`;
    const result = await run(steps, message({}), 'limits: {expressionTimeout: 50ms}');
    assert.equal(result.error?.stage, 'transform');
    assert.match(
      result.error?.reason ?? '',
      /^JSONata error D1012 .*: Evaluation timeout after 50 milliseconds/,
    );
  });

  it('a recursion that only deepens is stopped by the depth limit', async () => {
    const steps = `[{type: transform, expression: '($f := function($n) { 1 + $f($n + 1) }; $f(0))'}]`;
    const result = await run(steps, message({}));
    assert.match(result.error?.reason ?? '', /^JSONata error D1011 .*: Stack overflow/);
  });

  it('regular expressions run on RE2: linear time on a pattern that backtracks for ever in JavaScript', async () => {
    const steps = `[{type: transform, expression: '$contains(s, /^(a+)+$/)'}]`;
    const result = await run(steps, message({ s: `${'a'.repeat(5000)}!` }));
    assert.equal(result.error, undefined);
    assert.equal(jsonOf(result.outputs[0].message), false);
    const groups = await run(
      `[{type: transform, expression: '$match(s, /(\\w)(\\d)/).groups'}]`,
      message({ s: 'a1 b2' }),
    );
    assert.deepEqual(jsonOf(groups.outputs[0].message), ['a', '1', 'b', '2']);
    const replaced = await run(
      `[{type: transform, expression: '$replace(s, /o/i, "0")'}]`,
      message({ s: 'fOo' }),
    );
    assert.equal(jsonOf(replaced.outputs[0].message), 'f00');
  });

  it('a regex RE2 cannot run is refused at load', async () => {
    await assert.rejects(
      pipeline(yaml(`[{type: transform, expression: '$match(s, /(?=a)b/)'}]`)),
      (err: Error) => {
        assert.match(
          err.message,
          /^pipelines\.p\.steps\[0\]\.expression: regular expression \/\(\?=a\)b\/ is not RE2: /,
        );
        return true;
      },
    );
  });
});

describe('filter', () => {
  const steps = `[{type: filter, expression: 'amount > 100 and status = "paid"'}]`;

  it('keeps messages for which the predicate holds, drops the others with the reason', async () => {
    const kept = await run(steps, message({ amount: 150, status: 'paid' }));
    assert.equal(kept.outputs.length, 1);
    const dropped = await run(steps, message({ amount: 150, status: 'open' }));
    assert.deepEqual(dropped.outputs, []);
    assert.deepEqual(dropped.filtered, {
      step: 0,
      reason: 'filter amount > 100 and status = "paid" is false',
    });
    assert.equal(dropped.error, undefined);
  });

  it('reads the predicate’s result as JSONata’s $boolean does', async () => {
    const keep = async (expression: string, value: unknown) =>
      (await run(`[{type: filter, expression: '${expression}'}]`, message(value))).filtered === undefined;
    assert.equal(await keep('missing', {}), false);
    assert.equal(await keep('name', { name: '' }), false);
    assert.equal(await keep('name', { name: 'x' }), true);
    assert.equal(await keep('n', { n: 0 }), false);
    assert.equal(await keep('tags', { tags: [false, 1] }), true);
    assert.equal(await keep('obj', { obj: {} }), false);
  });
});
