// The schema registry's REST API over HTTP on `sluice start` (in process): every endpoint, every
// Confluent error code it answers, soft and permanent deletes, references, and bad input.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform-fixture.js';
import {
  avroRecord,
  errorCode,
  type SrCall,
  schemaRegistryCaller,
} from '../../helpers/schema-registry-client.js';

let platform: TestPlatform;
let sr: SrCall;

before(async () => {
  platform = await startTestPlatform({ config: { schemas: { maxSchemaBytes: 4096 } } });
  sr = schemaRegistryCaller(platform.http.url);
});
after(() => platform.dispose());

const user1 = avroRecord('User', [{ name: 'name', type: 'string' }]);
const user2 = avroRecord('User', [
  { name: 'name', type: 'string' },
  { name: 'age', type: 'int', default: 0 },
]);

async function expectError(res: Promise<{ status: number; body: unknown }>, status: number, code: number) {
  const r = await res;
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(errorCode(r as never), code, JSON.stringify(r.body));
  assert.equal(typeof (r.body as { message: unknown }).message, 'string');
}

describe('registering and reading', () => {
  test('register answers an id, the same schema again the same id, and the version is readable', async () => {
    const first = await sr('POST', '/subjects/users-value/versions', { schema: user1 });
    assert.equal(first.status, 200);
    assert.match(String(first.contentType), /^application\/vnd\.schemaregistry\.v1\+json/);
    const id = (first.body as { id: number }).id;
    assert.ok(id >= 1);
    // Whitespace differs: still the same schema.
    const again = await sr('POST', '/subjects/users-value/versions', {
      schema: JSON.stringify(JSON.parse(user1), null, 2),
    });
    assert.deepEqual(again.body, { id });
    assert.deepEqual((await sr('GET', '/subjects/users-value/versions')).body, [1]);
    const v1 = await sr('GET', '/subjects/users-value/versions/1');
    assert.deepEqual(v1.body, { subject: 'users-value', version: 1, id, schema: user1 });
    assert.deepEqual((await sr('GET', '/subjects/users-value/versions/latest')).body, v1.body);
    assert.deepEqual((await sr('GET', '/subjects/users-value/versions/-1')).body, v1.body);
    assert.deepEqual((await sr('GET', '/subjects/users-value/versions/1/schema')).body, JSON.parse(user1));
    assert.deepEqual((await sr('GET', `/schemas/ids/${id}`)).body, { schema: user1 });
    assert.deepEqual((await sr('GET', `/schemas/ids/${id}/schema`)).body, JSON.parse(user1));
  });

  test('the same schema under a second subject gets the same id; ids are global and increase', async () => {
    const a = (await sr('POST', '/subjects/other-value/versions', { schema: user1 })).body as { id: number };
    const b = (await sr('POST', '/subjects/users-value/versions', { schema: user1 })).body as { id: number };
    assert.equal(a.id, b.id);
    const c = (await sr('POST', '/subjects/users-value/versions', { schema: user2 })).body as { id: number };
    assert.ok(c.id > a.id);
    assert.deepEqual((await sr('GET', `/schemas/ids/${a.id}/subjects`)).body, ['other-value', 'users-value']);
    assert.deepEqual((await sr('GET', `/schemas/ids/${a.id}/versions`)).body, [
      { subject: 'other-value', version: 1 },
      { subject: 'users-value', version: 1 },
    ]);
    const subjects = (await sr('GET', '/subjects')).body as string[];
    assert.ok(subjects.includes('users-value') && subjects.includes('other-value'));
  });

  test('lookup (POST /subjects/{s}) finds the version of a schema, 40401 and 40403 otherwise', async () => {
    const found = await sr('POST', '/subjects/users-value', { schema: user2 });
    assert.equal(found.status, 200);
    const body = found.body as { subject: string; version: number; id: number; schema: string };
    assert.equal(body.subject, 'users-value');
    assert.equal(body.version, 2);
    await expectError(sr('POST', '/subjects/nobody', { schema: user1 }), 404, 40401);
    await expectError(
      sr('POST', '/subjects/users-value', { schema: avroRecord('User', [{ name: 'x', type: 'long' }]) }),
      404,
      40403,
    );
  });

  test('schema types: JSON and PROTOBUF carry schemaType, /schemas/types lists them', async () => {
    assert.deepEqual(((await sr('GET', '/schemas/types')).body as string[]).sort(), [
      'AVRO',
      'JSON',
      'PROTOBUF',
    ]);
    const json = await sr('POST', '/subjects/j-value/versions', {
      schemaType: 'JSON',
      schema:
        '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"a":{"type":"integer"}}}',
    });
    assert.equal(json.status, 200, JSON.stringify(json.body));
    const id = (json.body as { id: number }).id;
    assert.equal(((await sr('GET', `/schemas/ids/${id}`)).body as { schemaType: string }).schemaType, 'JSON');
    const proto = await sr('POST', '/subjects/p-value/versions', {
      schemaType: 'PROTOBUF',
      schema: 'syntax = "proto3";\npackage demo;\nmessage Order { string id = 1; int64 total = 2; }\n',
    });
    assert.equal(proto.status, 200, JSON.stringify(proto.body));
    const latest = (await sr('GET', '/subjects/p-value/versions/latest')).body as { schemaType: string };
    assert.equal(latest.schemaType, 'PROTOBUF');
    // A field number whose type changes is refused (basic protobuf compatibility).
    await expectError(
      sr('POST', '/subjects/p-value/versions', {
        schemaType: 'PROTOBUF',
        schema: 'syntax = "proto3";\npackage demo;\nmessage Order { string id = 1; string total = 2; }\n',
      }),
      409,
      409,
    );
  });
});

describe('errors', () => {
  test('40401, 40402, 40403 and 42202 for what does not exist or cannot be a version', async () => {
    await expectError(sr('GET', '/subjects/nobody/versions'), 404, 40401);
    await expectError(sr('GET', '/subjects/nobody/versions/1'), 404, 40401);
    await expectError(sr('GET', '/subjects/users-value/versions/99'), 404, 40402);
    await expectError(sr('GET', '/schemas/ids/99999'), 404, 40403);
    for (const bad of ['abc', '0', '1.5', '99999999999']) {
      await expectError(sr('GET', `/subjects/users-value/versions/${bad}`), 422, 42202);
    }
  });

  test('42201 for schemas that do not parse, in every type, and nothing is stored', async () => {
    const before = (await sr('GET', '/subjects')).body;
    await expectError(
      sr('POST', '/subjects/bad/versions', {
        schema: '{"type":"record","name":"X","fields":[{"name":"a","type":"nope"}]}',
      }),
      422,
      42201,
    );
    await expectError(sr('POST', '/subjects/bad/versions', { schema: '{not json' }), 422, 42201);
    await expectError(
      sr('POST', '/subjects/bad/versions', { schemaType: 'JSON', schema: '{"type":"nope"}' }),
      422,
      42201,
    );
    await expectError(
      sr('POST', '/subjects/bad/versions', { schemaType: 'JSON', schema: '[1]' }),
      422,
      42201,
    );
    await expectError(
      sr('POST', '/subjects/bad/versions', { schemaType: 'PROTOBUF', schema: 'message {' }),
      422,
      42201,
    );
    await expectError(
      sr('POST', '/subjects/bad/versions', { schemaType: 'XML', schema: '<a/>' }),
      422,
      42201,
    );
    await expectError(sr('POST', '/subjects/bad/versions', {}), 422, 42201);
    assert.deepEqual((await sr('GET', '/subjects')).body, before);
  });

  test('a broken JSON body is 400, a schema over maxSchemaBytes 42209, a huge body 413; nothing is stored', async () => {
    const before = (await sr('GET', '/subjects')).body;
    await expectError(sr('POST', '/subjects/bad/versions', '{"schema": '), 400, 400);
    const big = avroRecord('Big', [{ name: 'f', type: 'string', doc: 'x'.repeat(5000) }]);
    await expectError(sr('POST', '/subjects/bad/versions', { schema: big }), 422, 42209);
    await expectError(sr('POST', '/subjects/bad/versions', { schema: 'y'.repeat(200_000) }), 413, 413);
    assert.deepEqual((await sr('GET', '/subjects')).body, before);
    const health = await platform.get('/actuator/health');
    assert.equal(
      ((await health.json()) as { components: { schemaRegistry: { status: string } } }).components
        .schemaRegistry.status,
      'UP',
    );
  });

  test('42203 for an unknown compatibility level, 42204 for an unknown mode', async () => {
    await expectError(sr('PUT', '/config', { compatibility: 'SIDEWAYS' }), 422, 42203);
    await expectError(sr('PUT', '/mode', { mode: 'SOMETIMES' }), 422, 42204);
  });
});

describe('config and mode', () => {
  test('global config defaults to BACKWARD; a subject level is set, read, defaulted and deleted', async () => {
    assert.deepEqual((await sr('GET', '/config')).body, { compatibilityLevel: 'BACKWARD' });
    await expectError(sr('GET', '/config/users-value'), 404, 40408);
    assert.deepEqual((await sr('GET', '/config/users-value?defaultToGlobal=true')).body, {
      compatibilityLevel: 'BACKWARD',
    });
    assert.deepEqual((await sr('PUT', '/config/users-value', { compatibility: 'full' })).body, {
      compatibility: 'FULL',
    });
    assert.deepEqual((await sr('GET', '/config/users-value')).body, { compatibilityLevel: 'FULL' });
    assert.deepEqual((await sr('DELETE', '/config/users-value')).body, { compatibilityLevel: 'FULL' });
    await expectError(sr('GET', '/config/users-value'), 404, 40408);
    assert.deepEqual((await sr('PUT', '/config', { compatibility: 'NONE' })).body, { compatibility: 'NONE' });
    assert.deepEqual((await sr('DELETE', '/config')).body, { compatibilityLevel: 'NONE' });
    assert.deepEqual((await sr('GET', '/config')).body, { compatibilityLevel: 'BACKWARD' });
  });

  test('READONLY refuses writes with 42205; READWRITE allows them again; IMPORT keeps given ids', async () => {
    assert.deepEqual((await sr('GET', '/mode')).body, { mode: 'READWRITE' });
    assert.deepEqual((await sr('PUT', '/mode/users-value', { mode: 'READONLY' })).body, { mode: 'READONLY' });
    assert.deepEqual((await sr('GET', '/mode/users-value')).body, { mode: 'READONLY' });
    await expectError(sr('POST', '/subjects/users-value/versions', { schema: user2 }), 422, 42205);
    await expectError(sr('DELETE', '/subjects/users-value/versions/1'), 422, 42205);
    assert.deepEqual((await sr('DELETE', '/mode/users-value')).body, { mode: 'READONLY' });
    await expectError(sr('GET', '/mode/users-value'), 404, 40409);
    // IMPORT on a registry holding subjects needs force; then ids and versions given are kept.
    assert.deepEqual((await sr('PUT', '/mode/imported', { mode: 'IMPORT' })).body, { mode: 'IMPORT' });
    const imported = await sr('POST', '/subjects/imported/versions', {
      schema: '"string"',
      id: 5000,
      version: 7,
    });
    assert.deepEqual(imported.body, { id: 5000 });
    assert.deepEqual((await sr('GET', '/subjects/imported/versions')).body, [7]);
    await expectError(sr('PUT', '/mode', { mode: 'IMPORT' }), 422, 42205);
    await expectError(sr('POST', '/subjects/users-value/versions', { schema: '"int"', id: 77 }), 422, 42205);
  });
});

describe('deletes', () => {
  test('soft then permanent: 40404, 40405, 40406, 40407 in the order Confluent answers them', async () => {
    await sr('PUT', '/config/del-value', { compatibility: 'NONE' });
    await sr('POST', '/subjects/del-value/versions', { schema: '"string"' });
    await sr('POST', '/subjects/del-value/versions', { schema: '"int"' });
    await sr('POST', '/subjects/del-value/versions', { schema: '"long"' });
    await expectError(sr('DELETE', '/subjects/del-value/versions/1?permanent=true'), 404, 40407);
    assert.deepEqual((await sr('DELETE', '/subjects/del-value/versions/1')).body, 1);
    await expectError(sr('DELETE', '/subjects/del-value/versions/1'), 404, 40406);
    await expectError(sr('GET', '/subjects/del-value/versions/1'), 404, 40402);
    assert.equal((await sr('GET', '/subjects/del-value/versions/1?deleted=true')).status, 200);
    assert.deepEqual((await sr('GET', '/subjects/del-value/versions')).body, [2, 3]);
    assert.deepEqual((await sr('GET', '/subjects/del-value/versions?deleted=true')).body, [1, 2, 3]);
    assert.deepEqual((await sr('DELETE', '/subjects/del-value/versions/1?permanent=true')).body, 1);
    assert.deepEqual((await sr('GET', '/subjects/del-value/versions?deleted=true')).body, [2, 3]);

    await expectError(sr('DELETE', '/subjects/del-value?permanent=true'), 404, 40405);
    assert.deepEqual((await sr('DELETE', '/subjects/del-value')).body, [2, 3]);
    await expectError(sr('DELETE', '/subjects/del-value'), 404, 40404);
    await expectError(sr('GET', '/subjects/del-value/versions'), 404, 40401);
    assert.ok(!((await sr('GET', '/subjects')).body as string[]).includes('del-value'));
    assert.ok(((await sr('GET', '/subjects?deleted=true')).body as string[]).includes('del-value'));
    assert.deepEqual((await sr('DELETE', '/subjects/del-value?permanent=true')).body, [2, 3]);
    assert.ok(!((await sr('GET', '/subjects?deleted=true')).body as string[]).includes('del-value'));
    await expectError(sr('DELETE', '/subjects/del-value'), 404, 40401);
  });
});

describe('references', () => {
  test('an Avro schema refers to a type of another subject; the referenced version cannot be deleted', async () => {
    const address = JSON.stringify({
      type: 'record',
      name: 'Address',
      namespace: 'shop',
      fields: [{ name: 'city', type: 'string' }],
    });
    const addr = (await sr('POST', '/subjects/address/versions', { schema: address })).body as { id: number };
    const customer = JSON.stringify({
      type: 'record',
      name: 'Customer',
      namespace: 'shop',
      fields: [{ name: 'home', type: 'shop.Address' }],
    });
    const references = [{ name: 'shop.Address', subject: 'address', version: 1 }];
    const cust = await sr('POST', '/subjects/customer-value/versions', { schema: customer, references });
    assert.equal(cust.status, 200, JSON.stringify(cust.body));
    const id = (cust.body as { id: number }).id;
    assert.notEqual(id, addr.id);
    assert.deepEqual((await sr('GET', `/schemas/ids/${id}`)).body, { references, schema: customer });
    assert.deepEqual((await sr('GET', '/subjects/address/versions/1/referencedby')).body, [id]);
    // Without its reference the type is unknown: 42201; a missing referenced version: 42201.
    await expectError(sr('POST', '/subjects/customer2/versions', { schema: customer }), 422, 42201);
    await expectError(
      sr('POST', '/subjects/customer2/versions', {
        schema: customer,
        references: [{ name: 'shop.Address', subject: 'address', version: 9 }],
      }),
      422,
      42201,
    );
    await expectError(sr('DELETE', '/subjects/address/versions/1'), 422, 42206);
    // Compatibility resolves references too: a breaking change to the customer is refused.
    const broken = JSON.stringify({
      type: 'record',
      name: 'Customer',
      namespace: 'shop',
      fields: [
        { name: 'home', type: 'shop.Address' },
        { name: 'n', type: 'int' },
      ],
    });
    await expectError(
      sr('POST', '/subjects/customer-value/versions', { schema: broken, references }),
      409,
      409,
    );
  });

  test('a JSON Schema refers to another by its reference name', async () => {
    const money = '{"type":"object","properties":{"amount":{"type":"number"}},"required":["amount"]}';
    await sr('POST', '/subjects/money/versions', { schemaType: 'JSON', schema: money });
    const order = '{"type":"object","properties":{"total":{"$ref":"money.json"}}}';
    const res = await sr('POST', '/subjects/order-value/versions', {
      schemaType: 'JSON',
      schema: order,
      references: [{ name: 'money.json', subject: 'money', version: 1 }],
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    await expectError(
      sr('POST', '/subjects/order2/versions', { schemaType: 'JSON', schema: order }),
      422,
      42201,
    );
  });
});

describe('compatibility endpoint', () => {
  test('answers is_compatible, with messages when verbose', async () => {
    const ok = await sr('POST', '/compatibility/subjects/users-value/versions/latest', { schema: user2 });
    assert.deepEqual(ok.body, { is_compatible: true });
    const breaking = avroRecord('User', [{ name: 'name', type: 'int' }]);
    const no = await sr('POST', '/compatibility/subjects/users-value/versions/latest?verbose=true', {
      schema: breaking,
    });
    const body = no.body as { is_compatible: boolean; messages: string[] };
    assert.equal(body.is_compatible, false);
    assert.ok(body.messages.length > 0);
    assert.ok(body.messages.some((m) => m.includes("compatibility: 'BACKWARD'")));
    assert.deepEqual(
      (await sr('POST', '/compatibility/subjects/users-value/versions', { schema: user2 })).body,
      { is_compatible: true },
    );
    await expectError(sr('POST', '/compatibility/subjects/nobody/versions/1', { schema: user2 }), 404, 40401);
    await expectError(
      sr('POST', '/compatibility/subjects/users-value/versions/9', { schema: user2 }),
      404,
      40402,
    );
    await expectError(
      sr('POST', '/compatibility/subjects/users-value/versions/x', { schema: user2 }),
      422,
      42202,
    );
  });
});

describe('metrics', () => {
  test('registrations, subjects and requests by outcome are exported', async () => {
    const text = await (await platform.get('/metrics')).text();
    assert.match(text, /sluice_schema_registry_registered_total [1-9]/);
    assert.match(text, /sluice_schema_registry_subjects [1-9]/);
    assert.match(text, /sluice_schema_registry_requests_total\{outcome="client_error"\} [1-9]/);
    assert.match(text, /sluice_schema_registry_caught_up 1/);
  });
});
