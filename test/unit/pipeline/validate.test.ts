// The validate step: JSON Schema inline (draft-07, 2020-12) or by subject; messages framed with the
// Confluent wire format (id in the value or in the __value_schema_id header) checked against the
// schema they name, JSON, Avro and Protobuf; bad input gets a reason, never a crash.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import avro from 'avsc';
import protobuf from 'protobufjs';
import {
  frameValue,
  processMessage,
  VALUE_SCHEMA_ID_HEADER,
  writeMessageIndexes,
} from '../../../src/pipeline/index.js';
import { MemoryRegistry, message, pipeline } from './fixtures.js';

const ORDER_SCHEMA = {
  type: 'object',
  required: ['id', 'amount'],
  properties: { id: { type: 'string' }, amount: { type: 'number', minimum: 0 } },
};

function withStep(step: string) {
  return `
name: p
source: {topics: [in]}
steps: [${step}, {type: insertField, staticField: checked, staticValue: true}]
routes: {exchange: fanout, bindings: [{to: out}]}
unmatched: drop
`;
}

async function run(step: string, m: ReturnType<typeof message>, registry?: MemoryRegistry) {
  return processMessage(await pipeline(withStep(step), registry), m);
}

const raw = (bytes: Buffer, headers: [string, Buffer][] = []) => {
  const m = message(undefined, { raw: bytes });
  return headers.length === 0 ? m : m.with({ headers });
};

describe('validate with an inline JSON Schema', () => {
  const step = `{type: validate, schema: ${JSON.stringify(ORDER_SCHEMA)}}`;

  it('passes a valid message on, its bytes untouched until a later step changes them', async () => {
    const result = await run(step, message({ id: 'o-1', amount: 5 }));
    assert.equal(result.error, undefined);
    assert.deepEqual(JSON.parse(result.outputs[0].message.value!.toString()), {
      id: 'o-1',
      amount: 5,
      checked: true,
    });
  });

  it('says where the value breaks the schema', async () => {
    const result = await run(step, message({ id: 'o-1', amount: -1 }));
    assert.equal(result.error?.stage, 'validate');
    assert.equal(result.error?.reason, 'schema violation: /amount must be >= 0');
    assert.equal(result.error?.retriable, false);
    const missing = await run(step, message({ id: 'o-1' }));
    assert.equal(missing.error?.reason, "schema violation: the value must have required property 'amount'");
  });

  it('a value that is not JSON is a validation error with the parser’s reason', async () => {
    const result = await run(step, raw(Buffer.from('{"id": "o-1", amount: 5}')));
    assert.equal(result.error?.stage, 'validate');
    assert.equal(result.error?.step, 0);
    assert.match(result.error?.reason ?? '', /^the value is not JSON: /);
    const binary = await run(step, raw(Buffer.from([0xff, 0xfe, 0x41])));
    assert.match(binary.error?.reason ?? '', /^the value is not JSON/);
  });

  it('bug: a schema pattern that backtracks (^(a+)+$) held the thread for ever on one message; RE2 answers at once', {
    timeout: 60_000,
  }, async () => {
    const schema = { type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' } } };
    const redos = `{type: validate, schema: ${JSON.stringify(schema)}}`;
    // JavaScript's backtracking engine doubles its work with each 'a': years at 60.
    const result = await run(redos, message({ s: `${'a'.repeat(60)}!` }));
    assert.equal(result.error?.stage, 'validate');
    assert.match(result.error?.reason ?? '', /must match pattern/);
    const ok = await run(redos, message({ s: 'aaaa' }));
    assert.equal(ok.error, undefined);
    const keys = `{type: validate, schema: ${JSON.stringify({ type: 'object', patternProperties: { '^(x+)+$': { type: 'number' } } })}}`;
    const bad = await run(keys, message({ [`${'x'.repeat(60)}`]: 'not a number' }));
    assert.match(bad.error?.reason ?? '', /must be number/);
  });

  it('a pattern outside RE2 (a lookahead) is refused when the pipeline is compiled', async () => {
    const look = `{type: validate, schema: ${JSON.stringify({ type: 'string', pattern: '^(?=a)a$' })}}`;
    await assert.rejects(() => run(look, message('a')));
  });

  it('uses draft 2020-12 when $schema says so (prefixItems), draft-07 otherwise', async () => {
    const schema2020 = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'array',
      prefixItems: [{ type: 'string' }, { type: 'number' }],
      items: false,
    };
    const step2020 = `{type: validate, schema: ${JSON.stringify(schema2020)}}`;
    const fanout = (s: string) => `
name: p
source: {topics: [in]}
steps: [${s}]
routes: {exchange: fanout, bindings: [{to: out}]}
unmatched: drop
`;
    const p = await pipeline(fanout(step2020));
    assert.equal((await processMessage(p, message(['a', 1]))).error, undefined);
    assert.equal(
      (await processMessage(p, message(['a', 1, 2]))).error?.reason,
      'schema violation: the value must NOT have more than 2 items',
    );
    const draft7 = await pipeline(
      fanout(`{type: validate, schema: {type: array, items: [{type: string}], additionalItems: false}}`),
    );
    assert.equal(
      (await processMessage(draft7, message(['a', 'b']))).error?.reason,
      'schema violation: the value must NOT have more than 1 items',
    );
  });

  it('a 1 MB message is validated and transformed', async () => {
    const big = { id: 'o-big', amount: 1, blob: 'x'.repeat(1024 * 1024) };
    const result = await run(step, message(big));
    assert.equal(result.error, undefined);
    const out = JSON.parse(result.outputs[0].message.value!.toString());
    assert.equal(out.blob.length, 1024 * 1024);
    assert.equal(out.checked, true);
  });
});

describe('validate by schema registry subject', () => {
  it('resolves the subject at load and validates against it', async () => {
    const registry = new MemoryRegistry();
    registry.register('orders-value', 'JSON', JSON.stringify(ORDER_SCHEMA));
    const step = '{type: validate, subject: orders-value}';
    assert.equal((await run(step, message({ id: 'a', amount: 1 }), registry)).error, undefined);
    assert.equal(
      (await run(step, message({ id: 'a', amount: 'x' }), registry)).error?.reason,
      'schema violation: /amount must be number',
    );
  });

  it('an unknown subject or version is refused at load, naming the key', async () => {
    const registry = new MemoryRegistry();
    registry.register('orders-value', 'JSON', '{}');
    await assert.rejects(pipeline(withStep('{type: validate, subject: nope}'), registry), {
      message: "pipelines.p.steps[0].subject: subject 'nope' version latest: not found",
    });
    await assert.rejects(
      pipeline(withStep('{type: validate, subject: orders-value, version: 2}'), registry),
      {
        message: "pipelines.p.steps[0].subject: subject 'orders-value' version 2: not found",
      },
    );
    await assert.rejects(pipeline(withStep('{type: validate, subject: orders-value}')), {
      message: "pipelines.p.steps[0].subject: subject 'orders-value': no schema registry is configured",
    });
  });
});

describe('validate framed messages (Confluent wire format)', () => {
  it('JSON Schema: the id in the value names the schema; a configured schema checks too', async () => {
    const registry = new MemoryRegistry();
    const id = registry.register('orders-value', 'JSON', JSON.stringify(ORDER_SCHEMA));
    const framed = frameValue(id, Buffer.from(JSON.stringify({ id: 'o-1', amount: 3 })));
    assert.deepEqual([...framed.subarray(0, 5)], [0, 0, 0, 0, id]);
    const plain = await run('{type: validate}', raw(framed), registry);
    assert.equal(plain.error, undefined);
    assert.deepEqual(JSON.parse(plain.outputs[0].message.value!.toString()), {
      id: 'o-1',
      amount: 3,
      checked: true,
    });

    const bad = await run(
      '{type: validate}',
      raw(frameValue(id, Buffer.from('{"id":"o-1","amount":-3}'))),
      registry,
    );
    assert.equal(bad.error?.reason, 'schema violation: /amount must be >= 0');
    const stricter = `{type: validate, schema: {type: object, properties: {amount: {maximum: 2}}}}`;
    assert.equal(
      (await run(stricter, raw(framed), registry)).error?.reason,
      'schema violation: /amount must be <= 2',
    );
  });

  it('passes a framed message with no later change on with its frame, byte for byte', async () => {
    const registry = new MemoryRegistry();
    const id = registry.register('s', 'JSON', '{"type":"object"}');
    const framed = frameValue(id, Buffer.from('{"a":1}'));
    const p = await pipeline(
      `
name: p
source: {topics: [in]}
steps: [{type: validate}]
routes: {exchange: direct, routingKey: {field: a}, bindings: [{key: '1', to: out}]}
unmatched: drop
`,
      registry,
    );
    const result = await processMessage(p, raw(framed));
    assert.equal(result.outputs[0].topic, 'out');
    assert.ok(result.outputs[0].message.value!.equals(framed));
  });

  it('an unknown schema id goes to the dead letters (not retriable); a registry down is retriable', async () => {
    const registry = new MemoryRegistry();
    const unknown = await run('{type: validate}', raw(frameValue(99, Buffer.from('{}'))), registry);
    assert.equal(unknown.error?.reason, 'unknown schema id 99');
    assert.equal(unknown.error?.retriable, false);
    const id = registry.register('s', 'JSON', '{}');
    registry.down = true;
    const down = await run('{type: validate}', raw(frameValue(id, Buffer.from('{}'))), registry);
    assert.equal(down.error?.retriable, true);
    assert.match(down.error?.reason ?? '', /^schema id 1: the schema registry failed: connect ECONNREFUSED/);
    registry.down = false;
    assert.equal(
      (await run('{type: validate}', raw(frameValue(id, Buffer.from('{}'))), registry)).error,
      undefined,
    );
  });

  it('a truncated frame and a message naming no schema get their reasons', async () => {
    const registry = new MemoryRegistry();
    assert.equal(
      (await run('{type: validate}', raw(Buffer.from([0, 0, 1])), registry)).error?.reason,
      'the value has magic byte 0 but 2 bytes of schema id (4 needed)',
    );
    assert.match(
      (await run('{type: validate}', message({ a: 1 }), registry)).error?.reason ?? '',
      /^the message names no schema \(no Confluent framing, no __value_schema_id header\) and the step has none$/,
    );
  });

  it('Avro: decoded with the writer schema; later steps read it as JSON', async () => {
    const schema = {
      type: 'record',
      name: 'Order',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'amount', type: 'double' },
        { name: 'tags', type: { type: 'array', items: 'string' } },
      ],
    };
    const registry = new MemoryRegistry();
    const id = registry.register('orders-value', 'AVRO', JSON.stringify(schema));
    const type = avro.Type.forSchema(schema as avro.Schema);
    const bytes = frameValue(id, type.toBuffer({ id: 'o-9', amount: 2.5, tags: ['a'] }));
    const result = await run('{type: validate}', raw(bytes), registry);
    assert.equal(result.error, undefined);
    assert.deepEqual(JSON.parse(result.outputs[0].message.value!.toString()), {
      id: 'o-9',
      amount: 2.5,
      tags: ['a'],
      checked: true,
    });
    const truncated = await run('{type: validate}', raw(bytes.subarray(0, bytes.length - 3)), registry);
    assert.match(truncated.error?.reason ?? '', /^not a valid Avro Order: /);
  });

  it('Protobuf: the message indexes pick the type, in the value or with the id in the header', async () => {
    const proto = `
syntax = "proto3";
package shop;
message Order { string id = 1; int64 cents = 2; }
message Refund { string order_id = 1; message Line { int32 n = 1; } repeated Line lines = 2; }
`;
    const registry = new MemoryRegistry();
    const id = registry.register('orders-value', 'PROTOBUF', proto);
    const root = protobuf.parse(proto, { keepCase: true }).root;
    const Order = root.lookupType('shop.Order');
    const Refund = root.lookupType('shop.Refund');
    const Line = root.lookupType('shop.Refund.Line');

    const order = Buffer.from(Order.encode(Order.create({ id: 'o-1', cents: 1234 })).finish());
    const framed = frameValue(id, order, [0]);
    assert.equal(framed[5], 0, '[0] is written as a single 0x00');
    const first = await run('{type: validate}', raw(framed), registry);
    assert.equal(first.error, undefined);
    assert.deepEqual(JSON.parse(first.outputs[0].message.value!.toString()), {
      id: 'o-1',
      cents: '1234',
      checked: true,
    });

    const refund = Buffer.from(Refund.encode(Refund.create({ order_id: 'o-1', lines: [{ n: 2 }] })).finish());
    const second = await run('{type: validate}', raw(frameValue(id, refund, [1])), registry);
    assert.deepEqual(JSON.parse(second.outputs[0].message.value!.toString()), {
      order_id: 'o-1',
      lines: [{ n: 2 }],
      checked: true,
    });

    const line = Buffer.from(Line.encode(Line.create({ n: 5 })).finish());
    const header = Buffer.concat([frameValue(id, Buffer.alloc(0)), writeMessageIndexes([1, 0])]);
    const nested = await run('{type: validate}', raw(line, [[VALUE_SCHEMA_ID_HEADER, header]]), registry);
    assert.equal(nested.error, undefined);
    assert.deepEqual(JSON.parse(nested.outputs[0].message.value!.toString()), { n: 5, checked: true });

    const missing = await run('{type: validate}', raw(frameValue(id, order, [7])), registry);
    assert.equal(missing.error?.reason, 'no message type at index [7]');
  });

  it('JSON with the id in the __value_schema_id header and the value unframed', async () => {
    const registry = new MemoryRegistry();
    const id = registry.register('s', 'JSON', JSON.stringify(ORDER_SCHEMA));
    const header = frameValue(id, Buffer.alloc(0));
    const ok = await run(
      '{type: validate}',
      raw(Buffer.from('{"id":"a","amount":1}'), [[VALUE_SCHEMA_ID_HEADER, header]]),
      registry,
    );
    assert.equal(ok.error, undefined);
    const guid = Buffer.concat([Buffer.from([1]), Buffer.alloc(16, 0xab)]);
    const byGuid = await run(
      '{type: validate}',
      raw(Buffer.from('{}'), [[VALUE_SCHEMA_ID_HEADER, guid]]),
      registry,
    );
    assert.equal(
      byGuid.error?.reason,
      'schema GUID abababab-abab-abab-abab-abababababab: the schema registry does not look up GUIDs',
    );
  });

  it('each id is looked up once', async () => {
    const registry = new MemoryRegistry();
    const id = registry.register('s', 'JSON', '{}');
    const p = await pipeline(withStep('{type: validate}'), registry);
    for (let i = 0; i < 5; i++) await processMessage(p, raw(frameValue(id, Buffer.from(`{"n":${i}}`))));
    assert.equal(registry.lookups, 1);
  });
});
