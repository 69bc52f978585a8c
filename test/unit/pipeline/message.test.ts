// The message model: bytes kept until a step changes the value, JSON parsed once, headers in order.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PipelineMessage } from '../../../src/pipeline/index.js';

const base = (value: Buffer | null) =>
  new PipelineMessage({
    key: Buffer.from('k'),
    value,
    headers: [
      ['a', Buffer.from('1')],
      ['a', Buffer.from('2')],
    ],
    timestamp: 7,
    source: { topic: 't', partition: 1, offset: 9n },
  });

describe('PipelineMessage', () => {
  it('parses the value once and keeps its bytes', () => {
    const bytes = Buffer.from('{"a": 1}');
    const m = base(bytes);
    assert.equal(m.json(), m.json());
    assert.deepEqual(m.json(), { ok: true, value: { a: 1 } });
    assert.equal(m.value, bytes);
    assert.equal(m.with({ key: null }).value, bytes, 'a key change keeps the value bytes');
    assert.equal(m.withDecoded({ b: 2 }).value, bytes, 'a decoded view keeps the bytes');
    assert.deepEqual(m.withDecoded({ b: 2 }).json(), { ok: true, value: { b: 2 } });
  });

  it('writes a new value as JSON once, when first read', () => {
    const m = base(Buffer.from('{}'))
      .withJson({ x: [1, 'y'] })
      .with({ timestamp: 8 });
    const first = m.value;
    assert.equal(first?.toString(), '{"x":[1,"y"]}');
    assert.equal(m.value, first);
    assert.equal(m.timestamp, 8);
    assert.equal(base(null).withJson(null).value?.toString(), 'null');
  });

  it('reads a tombstone as null, and says why other values are not JSON', () => {
    assert.deepEqual(base(null).json(), { ok: true, value: null });
    assert.deepEqual(base(Buffer.from([0, 0, 0, 0, 1, 123])).json(), {
      ok: false,
      reason: 'the value is framed with a schema id (Confluent wire format), not plain JSON',
    });
    const text = base(Buffer.from('hello')).json();
    assert.equal(text.ok, false);
    assert.match((text as { reason: string }).reason, /^the value is not JSON: Unexpected token/);
  });

  it('header() is the last value of a name, as Kafka’s lastHeader', () => {
    assert.equal(base(null).header('a')?.toString(), '2');
    assert.equal(base(null).header('b'), undefined);
  });
});
