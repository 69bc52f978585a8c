// Protobuf schemas in both forms Confluent's clients use (.proto text, base64 FileDescriptorProto):
// loading with references and well-known imports, message indexes, `format=serialized`, identity
// by meaning, and the compatibility rules, one test each.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as descriptorModule from 'protobufjs/ext/descriptor.js';
import { parseProtobuf } from '../../../src/schemas/formats/protobuf.js';
import { isSerializedProto, loadProto } from '../../../src/schemas/index.js';

const descriptor = ((descriptorModule as { default?: unknown }).default ??
  descriptorModule) as typeof descriptorModule;

const COMMON =
  'syntax = "proto3"; package shop.common; message Money { string currency = 1; int64 units = 2; }';
const ORDERS = `syntax = "proto3";
package shop;
import "shop/common.proto";
import "google/protobuf/timestamp.proto";
message Order {
  string id = 1;
  shop.common.Money total = 2;
  map<string, string> tags = 3;
  repeated Line lines = 4;
  google.protobuf.Timestamp placed_at = 5;
  message Line { string sku = 1; int32 qty = 2; }
}
message Refund { string order_id = 1; }
`;
const common = { name: 'shop/common.proto', schema: COMMON, references: [] };

const problems = (reader: string, writer: string) => {
  const parse = (text: string) => parseProtobuf(text, [], []);
  return parse(reader)
    .readProblems(parse(writer))
    .map((p) => p.split(':')[0]);
};

test('a .proto text and its serialized descriptor load alike and are one schema', () => {
  const text = loadProto(ORDERS, [common]);
  const serialized = text.serialized();
  assert.ok(isSerializedProto(serialized));
  assert.ok(!isSerializedProto(ORDERS));
  const fromBytes = loadProto(serialized, [{ ...common, schema: loadProto(COMMON, []).serialized() }]);
  assert.equal(fromBytes.form, 'serialized');
  assert.equal(fromBytes.canonical(), text.canonical());
  const file = descriptor.FileDescriptorProto.decode(Buffer.from(serialized, 'base64')) as unknown as {
    package: string;
    dependency: string[];
    messageType: Array<{ name: string; nestedType: Array<{ name: string }> }>;
  };
  assert.equal(file.package, 'shop');
  assert.deepEqual(file.dependency, ['shop/common.proto', 'google/protobuf/timestamp.proto']);
  assert.deepEqual(
    file.messageType.map((m) => [m.name, m.nestedType.map((n) => n.name)]),
    [
      ['Order', ['TagsEntry', 'Line']],
      ['Refund', []],
    ],
  );
});

test('message indexes: top-level in order, then nested, map entries counted, the same in both forms', () => {
  const text = loadProto(ORDERS, [common]);
  const bytes = loadProto(text.serialized(), [common]);
  for (const loaded of [text, bytes]) {
    assert.equal(loaded.messageAt([0])?.fullName, '.shop.Order');
    assert.equal(loaded.messageAt([1])?.fullName, '.shop.Refund');
    assert.equal(loaded.messageAt([0, 0]), undefined, 'the map entry is no message of its own');
    assert.equal(loaded.messageAt([0, 1])?.fullName, '.shop.Order.Line');
    assert.equal(loaded.messageAt([2]), undefined);
  }
});

test('a well-known import is taken from protobufjs unless a reference provides it', () => {
  const timestamp = {
    name: 'google/protobuf/timestamp.proto',
    schema:
      'syntax = "proto3"; package google.protobuf; message Timestamp { int64 seconds = 1; int32 nanos = 2; }',
    references: [],
  };
  const loaded = loadProto(ORDERS, [common, timestamp]);
  assert.ok(loaded.root.lookupType('google.protobuf.Timestamp'));
});

test('a type that resolves nowhere, or bytes that are no descriptor, are invalid schemas (42201)', () => {
  assert.throws(
    () => parseProtobuf(ORDERS, [], []),
    (err: Error & { errorCode?: number }) =>
      err.errorCode === 42201 && /shop\.common\.Money/.test(err.message),
  );
  assert.throws(
    () => parseProtobuf('CgAS/w==', [], []),
    (err: Error & { errorCode?: number }) => err.errorCode === 42201,
  );
});

const V1 = 'syntax = "proto3"; message A { string id = 1; int64 amount = 2; repeated string tags = 3; }';

test('a new field, a renamed field and a removed field are compatible (a reader skips what it does not know)', () => {
  assert.deepEqual(
    problems(
      'syntax = "proto3"; message A { string id = 1; int64 amount = 2; repeated string tags = 3; bool x = 4; }',
      V1,
    ),
    [],
  );
  assert.deepEqual(
    problems(
      'syntax = "proto3"; message A { string key = 1; int64 amount = 2; repeated string tags = 3; }',
      V1,
    ),
    [],
  );
  assert.deepEqual(
    problems('syntax = "proto3"; message A { string id = 1; repeated string tags = 3; }', V1),
    [],
  );
});

test('a field number whose type changes is incompatible', () => {
  assert.deepEqual(
    problems(
      'syntax = "proto3"; message A { string id = 1; string amount = 2; repeated string tags = 3; }',
      V1,
    ),
    ['FIELD_TYPE_CHANGED'],
  );
});

test('a field between repeated and singular is incompatible', () => {
  assert.deepEqual(
    problems('syntax = "proto3"; message A { string id = 1; int64 amount = 2; string tags = 3; }', V1),
    ['FIELD_KIND_CHANGED'],
  );
});

test('a field that keeps its name under another number is incompatible', () => {
  assert.deepEqual(
    problems(
      'syntax = "proto3"; message A { string id = 1; int64 amount = 5; repeated string tags = 3; }',
      V1,
    ),
    ['FIELD_NUMBER_CHANGED'],
  );
});

test('a message that disappears is incompatible', () => {
  const two = `${V1} message B { string x = 1; }`;
  assert.deepEqual(problems(V1, two), ['MESSAGE_REMOVED']);
});
