// The Connect-style steps, each with its exact output: values, keys, headers and timestamps are
// kept unless the step changes them.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { processMessage } from '../../../src/pipeline/index.js';
import { headersOf, jsonOf, message, pipeline } from './fixtures.js';

/** Runs one step (YAML flow mapping) on a message; the output message or the error's reason. */
async function step(stepYaml: string, m = message({ id: 7, user: { name: 'Ann', email: 'ann@x.io' } })) {
  const p = await pipeline(`
name: p
source: {topics: [in]}
steps: [${stepYaml}]
routes: {exchange: fanout, bindings: [{to: out}]}
unmatched: drop
`);
  const result = await processMessage(p, m);
  if (result.error !== undefined) return { error: result.error.reason, failure: result.error };
  return { out: result.outputs[0]?.message };
}

async function value(stepYaml: string, m?: ReturnType<typeof message>) {
  const { out, error } = await step(stepYaml, m);
  assert.equal(error, undefined);
  return jsonOf(out!);
}

describe('insertField', () => {
  it('adds a static field and the record metadata', async () => {
    const m = message({ id: 1 }, { timestamp: 1_700_000_123_456 });
    assert.deepEqual(
      await value(
        '{type: insertField, staticField: source, staticValue: web, topicField: meta.topic, partitionField: meta.partition, offsetField: meta.offset, timestampField: ts}',
        m,
      ),
      { id: 1, source: 'web', meta: { topic: 'orders', partition: 2, offset: 41 }, ts: 1_700_000_123_456 },
    );
  });

  it('needs an object value and staticField with staticValue', async () => {
    assert.equal(
      (await step('{type: insertField, topicField: t}', message([1, 2]))).error,
      'insertField needs the value to be a JSON object, got an array',
    );
    await assert.rejects(
      step('{type: insertField, staticField: s}'),
      /pipelines\.p\.steps\[0\]\.staticValue: staticField and staticValue go together/,
    );
  });
});

describe('replaceField', () => {
  it('exclude drops fields (nested too), renames moves them', async () => {
    assert.deepEqual(
      await value('{type: replaceField, exclude: [user.email], renames: {id: orderId, user.name: customer}}'),
      {
        orderId: 7,
        user: {},
        customer: 'Ann',
      },
    );
  });

  it('include keeps only the named top-level fields', async () => {
    assert.deepEqual(await value('{type: replaceField, include: [id]}'), { id: 7 });
  });
});

describe('maskField', () => {
  it('masks with the empty value of each type, or the replacement', async () => {
    const m = message({ n: 12, s: 'secret', b: true, o: { x: 1 }, a: [1], z: null });
    assert.deepEqual(await value('{type: maskField, fields: [n, s, b, o, a, z, missing]}', m), {
      n: 0,
      s: '',
      b: false,
      o: {},
      a: [],
      z: null,
    });
    assert.deepEqual(await value("{type: maskField, fields: [user.email], replacement: '****'}"), {
      id: 7,
      user: { name: 'Ann', email: '****' },
    });
  });
});

describe('valueToKey and extractField', () => {
  it('valueToKey makes the key a JSON object of the fields; the value is kept byte for byte', async () => {
    const m = message({ id: 7, user: { name: 'Ann' } });
    const { out } = await step('{type: valueToKey, fields: [id, user.name]}', m);
    assert.equal(out?.key?.toString(), '{"id":7,"user.name":"Ann"}');
    assert.equal(out?.value, m.value);
  });

  it('valueToKey with a missing field is an error', async () => {
    assert.equal(
      (await step('{type: valueToKey, fields: [nope]}')).error,
      "valueToKey: field 'nope' is missing",
    );
  });

  it('extractField takes a field of the value, or of the key (strings as their text)', async () => {
    assert.deepEqual(await value('{type: extractField, field: user}'), { name: 'Ann', email: 'ann@x.io' });
    const { out } = await step(
      '{type: extractField, field: id, from: key}',
      message({}, { key: '{"id":"k-1"}' }),
    );
    assert.equal(out?.key?.toString(), 'k-1');
    assert.equal(
      (await step('{type: extractField, field: nope}')).error,
      "extractField: the value has no field 'nope'",
    );
  });
});

describe('insertHeader and dropHeaders', () => {
  it('insertHeader appends (as Connect), or replaces; from a literal or a field', async () => {
    const m = message(
      { id: 7 },
      {
        headers: [
          ['a', '1'],
          ['h', 'old'],
        ],
      },
    );
    assert.deepEqual(headersOf((await step('{type: insertHeader, header: h, value: new}', m)).out!), [
      ['a', '1'],
      ['h', 'old'],
      ['h', 'new'],
    ]);
    assert.deepEqual(
      headersOf((await step('{type: insertHeader, header: h, field: id, replace: true}', m)).out!),
      [
        ['a', '1'],
        ['h', '7'],
      ],
    );
  });

  it('dropHeaders removes every value of the named headers, the rest in order', async () => {
    const m = message(
      {},
      {
        headers: [
          ['a', '1'],
          ['b', '2'],
          ['a', '3'],
          ['c', '4'],
        ],
      },
    );
    assert.deepEqual(headersOf((await step('{type: dropHeaders, headers: [a, zz]}', m)).out!), [
      ['b', '2'],
      ['c', '4'],
    ]);
  });
});

describe('cast', () => {
  it('casts fields to the Connect types', async () => {
    const m = message({ a: '42', b: 3.9, c: 'true', d: 1, e: 0.1, f: { x: 1 }, g: '-7' });
    assert.deepEqual(
      await value(
        '{type: cast, spec: {a: int32, b: int64, c: boolean, d: string, e: float32, f: string, g: int}}',
        m,
      ),
      { a: 42, b: 3, c: true, d: '1', e: Math.fround(0.1), f: '{"x":1}', g: -7 },
    );
  });

  it('refuses text that is no number, and integers out of range', async () => {
    assert.equal(
      (await step('{type: cast, spec: {a: int8}}', message({ a: 'abc' }))).error,
      `cast: field 'a': cannot cast "abc" to a number`,
    );
    assert.equal(
      (await step('{type: cast, spec: {a: int8}}', message({ a: 200 }))).error,
      "cast: field 'a': 200 is out of the range of int8",
    );
    assert.equal(
      (await step('{type: cast, spec: {a: boolean}}', message({ a: 'yes' }))).error,
      `cast: field 'a': cannot cast "yes" to boolean`,
    );
  });

  it('casts the whole value', async () => {
    assert.equal(await value('{type: cast, spec: float64}', message('2.5')), 2.5);
  });
});

describe('flatten', () => {
  it('joins nested names with the delimiter, arrays kept', async () => {
    const m = message({ a: { b: { c: 1 }, d: [1, { e: 2 }] }, f: 3 });
    assert.deepEqual(await value('{type: flatten}', m), { 'a.b.c': 1, 'a.d': [1, { e: 2 }], f: 3 });
    assert.deepEqual(await value("{type: flatten, delimiter: '_'}", m), {
      a_b_c: 1,
      a_d: [1, { e: 2 }],
      f: 3,
    });
  });
});

describe('timestampConverter', () => {
  const ms = Date.UTC(2024, 1, 29, 13, 5, 9, 42);

  it('unix ms to ISO 8601, and to a SimpleDateFormat pattern (UTC)', async () => {
    assert.deepEqual(
      await value('{type: timestampConverter, field: at, targetType: string}', message({ at: ms })),
      {
        at: '2024-02-29T13:05:09.042Z',
      },
    );
    const pattern = `{type: timestampConverter, field: at, targetType: string, format: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"}`;
    assert.deepEqual(await value(pattern, message({ at: ms })), { at: '2024-02-29T13:05:09.042Z' });
    assert.deepEqual(
      await value(
        "{type: timestampConverter, field: at, targetType: string, format: 'dd/MM/yy HH:mm'}",
        message({ at: ms }),
      ),
      {
        at: '29/02/24 13:05',
      },
    );
  });

  it('strings (ISO or a pattern) and other precisions to unix', async () => {
    assert.deepEqual(
      await value(
        '{type: timestampConverter, field: at, targetType: unix}',
        message({ at: '2024-02-29T13:05:09.042Z' }),
      ),
      { at: ms },
    );
    assert.deepEqual(
      await value(
        "{type: timestampConverter, field: at, targetType: unix, format: 'yyyy-MM-dd HH:mm:ss XXX', unixPrecision: seconds}",
        message({ at: '2024-02-29 15:05:09 +02:00' }),
      ),
      { at: Math.floor(ms / 1000) },
    );
    assert.deepEqual(
      await value(
        '{type: timestampConverter, targetType: string, unixPrecision: microseconds}',
        message(ms * 1000),
      ),
      '2024-02-29T13:05:09.042Z',
    );
  });

  it('refuses dates that do not exist or do not follow the pattern; a bad pattern at load', async () => {
    const bad = await step(
      "{type: timestampConverter, field: at, targetType: unix, format: 'yyyy-MM-dd'}",
      message({ at: '2023-02-29' }),
    );
    assert.equal(
      bad.error,
      "timestampConverter: field 'at': '2023-02-29' is not a date in format yyyy-MM-dd",
    );
    await assert.rejects(
      step("{type: timestampConverter, targetType: unix, format: 'yyyy-QQ'}"),
      /steps\[0\]\.format: 'QQ' is not supported/,
    );
  });
});

describe('every step', () => {
  it('keeps key, headers, timestamp and source', async () => {
    const m = message({ id: 1, a: { b: 2 } }, { key: 'k', headers: [['h', 'v']], timestamp: 123 });
    for (const s of [
      '{type: flatten}',
      '{type: cast, spec: {id: string}}',
      "{type: transform, expression: '$'}",
    ]) {
      const { out } = await step(s, m);
      assert.equal(out?.key?.toString(), 'k');
      assert.deepEqual(headersOf(out!), [['h', 'v']]);
      assert.equal(out?.timestamp, 123);
      assert.deepEqual(out?.source, m.source);
    }
  });

  it('a step failing says its stage, step index and type', async () => {
    const p = await pipeline(`
name: p
source: {topics: [in]}
steps: [{type: flatten}, {type: cast, spec: {a: int8}}]
routes: {exchange: fanout, bindings: [{to: out}]}
unmatched: drop
`);
    const result = await processMessage(p, message({ a: 'x' }));
    assert.deepEqual(result.error, {
      stage: 'transform',
      reason: `cast: field 'a': cannot cast "x" to a number`,
      step: 1,
      stepType: 'cast',
      retriable: false,
    });
    assert.deepEqual(result.outputs, []);
  });
});
