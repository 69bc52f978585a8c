// Confluent's JSON Schema compatibility rules, one test each: `reader` must accept every document
// `writer` allows (BACKWARD: new reader, old writer; FORWARD: the other way round).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type JsonNode, jsonReadProblems } from '../../../src/schemas/formats/json-compat.js';

const kinds = (reader: JsonNode, writer: JsonNode) =>
  jsonReadProblems(reader, writer).map((p) => p.split(':')[0]);
const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  ...extra,
});

test('identical schemas are compatible', () => {
  const s = obj({ a: { type: 'string' } }, { required: ['a'] });
  assert.deepEqual(kinds(s, s), []);
});

test('type widening integer → number is compatible; number → integer narrows', () => {
  assert.deepEqual(kinds({ type: 'number' }, { type: 'integer' }), []);
  assert.deepEqual(kinds({ type: 'integer' }, { type: 'number' }), ['TYPE_CHANGED']);
});

test('a changed type is incompatible; a union grown is compatible, shrunk is narrowed', () => {
  assert.deepEqual(kinds({ type: 'string' }, { type: 'boolean' }), ['TYPE_CHANGED']);
  assert.deepEqual(kinds({ type: ['string', 'null'] }, { type: 'string' }), []);
  assert.deepEqual(kinds({ type: 'string' }, { type: ['string', 'null'] }), ['TYPE_NARROWED']);
});

test('adding a property to an open content model is incompatible, to a closed one compatible', () => {
  const openOld = obj({ a: { type: 'string' } });
  const closedOld = obj({ a: { type: 'string' } }, { additionalProperties: false });
  const added = obj({ a: { type: 'string' }, b: { type: 'integer' } });
  assert.deepEqual(kinds(added, openOld), ['PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL']);
  assert.deepEqual(kinds(added, closedOld), []);
});

test('removing a property from an open content model is compatible, from a closed one incompatible', () => {
  const old = obj({ a: { type: 'string' }, b: { type: 'integer' } });
  assert.deepEqual(kinds(obj({ a: { type: 'string' } }), old), []);
  assert.deepEqual(kinds(obj({ a: { type: 'string' } }, { additionalProperties: false }), old), [
    'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
    'ADDITIONAL_PROPERTIES_REMOVED',
  ]);
});

test('a removed property must fit the reader’s additionalProperties schema', () => {
  const old = obj({ a: { type: 'string' }, b: { type: 'integer' } });
  assert.deepEqual(
    kinds(obj({ a: { type: 'string' } }, { additionalProperties: { type: 'number' } }), old).includes(
      'TYPE_CHANGED',
    ),
    false,
  );
  assert.ok(
    kinds(obj({ a: { type: 'string' } }, { additionalProperties: { type: 'string' } }), old).includes(
      'TYPE_CHANGED',
    ),
  );
});

test('closing an open content model is incompatible; opening a closed one is compatible', () => {
  const s = { a: { type: 'string' } };
  assert.deepEqual(kinds(obj(s, { additionalProperties: false }), obj(s)), ['ADDITIONAL_PROPERTIES_REMOVED']);
  assert.deepEqual(kinds(obj(s), obj(s, { additionalProperties: false })), []);
});

test('a newly required property is incompatible; dropping a requirement is compatible', () => {
  const s = { a: { type: 'string' }, b: { type: 'string' } };
  assert.deepEqual(kinds(obj(s, { required: ['a', 'b'] }), obj(s, { required: ['a'] })), [
    'REQUIRED_PROPERTY_ADDED',
  ]);
  assert.deepEqual(kinds(obj(s, { required: ['a'] }), obj(s, { required: ['a', 'b'] })), []);
});

test('an enum extended is compatible, narrowed or added is not', () => {
  assert.deepEqual(kinds({ enum: ['a', 'b', 'c'] }, { enum: ['a', 'b'] }), []);
  assert.deepEqual(kinds({ enum: ['a'] }, { enum: ['a', 'b'] }), ['ENUM_ARRAY_NARROWED']);
  assert.deepEqual(kinds({ type: 'string', enum: ['a'] }, { type: 'string' }), ['ENUM_ARRAY_ADDED']);
});

test('bounds: a looser maximum/maxLength is compatible, a tighter or new one is not', () => {
  assert.deepEqual(kinds({ type: 'string', maxLength: 10 }, { type: 'string', maxLength: 5 }), []);
  assert.deepEqual(kinds({ type: 'string', maxLength: 5 }, { type: 'string', maxLength: 10 }), [
    'MAX_LENGTH_DECREASED',
  ]);
  assert.deepEqual(kinds({ type: 'string', maxLength: 5 }, { type: 'string' }), ['MAX_LENGTH_ADDED']);
  assert.deepEqual(kinds({ type: 'integer', minimum: 5 }, { type: 'integer', minimum: 0 }), [
    'MINIMUM_INCREASED',
  ]);
  assert.deepEqual(kinds({ type: 'integer', minimum: 0 }, { type: 'integer', minimum: 5 }), []);
  assert.deepEqual(kinds({ type: 'array', minItems: 2 }, { type: 'array' }), ['MIN_ITEMS_ADDED']);
  assert.deepEqual(kinds({ type: 'string', pattern: '^a' }, { type: 'string' }), ['PATTERN_ADDED']);
});

test('array items and nested properties are checked recursively, with their path', () => {
  const problems = jsonReadProblems(
    { type: 'array', items: obj({ n: { type: 'integer' } }) },
    { type: 'array', items: obj({ n: { type: 'number' } }) },
  );
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /^TYPE_CHANGED: .*#\/items\/properties\/n/);
});

test('local $refs are followed on both sides', () => {
  const reader = {
    $defs: { n: { type: 'string' } },
    type: 'object',
    properties: { a: { $ref: '#/$defs/n' } },
  };
  const writer = {
    definitions: { n: { type: 'integer' } },
    type: 'object',
    properties: { a: { $ref: '#/definitions/n' } },
  };
  assert.deepEqual(kinds(reader, writer), ['TYPE_CHANGED']);
});

test('oneOf/anyOf: each writer branch must fit a reader branch', () => {
  const reader = { oneOf: [{ type: 'string' }, { type: 'integer' }] };
  assert.deepEqual(kinds(reader, { oneOf: [{ type: 'string' }] }), []);
  assert.deepEqual(kinds({ oneOf: [{ type: 'string' }] }, reader), ['SUM_TYPE_NARROWED']);
});

test('true and false schemas: a reader of true accepts all, a reader of false nothing', () => {
  assert.deepEqual(kinds(true, { type: 'string' }), []);
  assert.deepEqual(kinds(false, { type: 'string' }), ['SCHEMA_NARROWED']);
  assert.deepEqual(kinds({ type: 'string' }, false), []);
});
