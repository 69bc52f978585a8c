// Confluent's own npm client (@confluentinc/schemaregistry) against Sluice's registry: register,
// read back by subject and by id, and its Avro and JSON Schema serdes (Confluent's wire framing:
// magic byte 0, the 4-byte schema id, the payload) round-trip through the registry.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  AvroDeserializer,
  AvroSerializer,
  JsonDeserializer,
  JsonSerializer,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform-fixture.js';

let platform: TestPlatform;
let client: SchemaRegistryClient;

before(async () => {
  platform = await startTestPlatform();
  client = new SchemaRegistryClient({ baseURLs: [platform.http.url], cacheCapacity: 100 });
});
after(() => platform.dispose());

const orderAvro = JSON.stringify({
  type: 'record',
  name: 'Order',
  namespace: 'shop',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'total', type: 'double' },
  ],
});

function frameId(bytes: Buffer): number {
  assert.equal(bytes[0], 0, 'magic byte 0');
  return bytes.readUInt32BE(1);
}

test('register, getLatestSchemaMetadata and getBySubjectAndId', async () => {
  const id = await client.register('orders-value', { schemaType: 'AVRO', schema: orderAvro });
  assert.ok(id >= 1);
  const latest = await client.getLatestSchemaMetadata('orders-value');
  assert.equal(latest.id, id);
  assert.equal(latest.version, 1);
  assert.deepEqual(JSON.parse(latest.schema!), JSON.parse(orderAvro));
  const byId = await client.getBySubjectAndId('orders-value', id);
  assert.deepEqual(JSON.parse(byId.schema), JSON.parse(orderAvro));
  assert.equal(await client.getId('orders-value', { schemaType: 'AVRO', schema: orderAvro }), id);
  assert.deepEqual(await client.getAllSubjects(), ['orders-value']);
  assert.deepEqual(await client.getAllVersions('orders-value'), [1]);
});

test('an incompatible registration is refused with 409 through the client', async () => {
  const breaking = JSON.stringify({
    type: 'record',
    name: 'Order',
    namespace: 'shop',
    fields: [{ name: 'id', type: 'int' }],
  });
  await assert.rejects(
    client.register('orders-value', { schemaType: 'AVRO', schema: breaking }),
    (err: Error & { status?: number; errorCode?: number }) => {
      assert.equal(err.status, 409, String(err));
      return true;
    },
  );
  const ok = await client.testSubjectCompatibility('orders-value', { schemaType: 'AVRO', schema: orderAvro });
  assert.equal(ok, true);
});

test('Avro serde: a value serialized with the registered schema deserializes to the same value', async () => {
  const ser = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true });
  const des = new AvroDeserializer(client, SerdeType.VALUE, {});
  const order = { id: 'o-1', total: 12.5 };
  const bytes = await ser.serialize('orders', order);
  assert.equal(frameId(bytes), (await client.getLatestSchemaMetadata('orders-value')).id);
  assert.deepEqual({ ...(await des.deserialize('orders', bytes)) }, order);
});

test('Avro serde with auto-registration registers the schema it derives', async () => {
  const ser = new AvroSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: true });
  const des = new AvroDeserializer(client, SerdeType.VALUE, {});
  const bytes = await ser.serialize('events', { kind: 'click', at: 3 });
  const id = frameId(bytes);
  assert.equal((await client.getLatestSchemaMetadata('events-value')).id, id);
  assert.deepEqual({ ...(await des.deserialize('events', bytes)) }, { kind: 'click', at: 3 });
});

test('JSON Schema serde: register, serialize (validated), deserialize', async () => {
  const schema = JSON.stringify({
    type: 'object',
    properties: { sku: { type: 'string' }, qty: { type: 'integer' } },
    required: ['sku', 'qty'],
  });
  const id = await client.register('stock-value', { schemaType: 'JSON', schema });
  const ser = new JsonSerializer(client, SerdeType.VALUE, { useLatestVersion: true, validate: true });
  const des = new JsonDeserializer(client, SerdeType.VALUE, { validate: true });
  const bytes = await ser.serialize('stock', { sku: 'A-1', qty: 4 });
  assert.equal(frameId(bytes), id);
  assert.deepEqual(await des.deserialize('stock', bytes), { sku: 'A-1', qty: 4 });
  await assert.rejects(ser.serialize('stock', { sku: 'A-1' }), /Invalid message/);
});
