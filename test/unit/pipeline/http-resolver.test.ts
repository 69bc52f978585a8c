// The runtime's SchemaResolver over Confluent's REST API, against a small HTTP server answering as
// a registry does: schemas by id and by subject, Avro's missing schemaType, 404 as NOT_FOUND (the
// message is dead-lettered), other failures as a registry that did not answer (retried).

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { isSluiceError } from '../../../src/errors/index.js';
import { HttpSchemaResolver } from '../../../src/pipeline/index.js';

describe('HttpSchemaResolver', () => {
  let server: Server;
  let base = '';
  const asked: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      asked.push(req.url ?? '');
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/schemas/ids/1') return send(200, { schema: '{"type":"string"}' });
      if (req.url === '/schemas/ids/2') return send(200, { schemaType: 'JSON', schema: '{"type":"object"}' });
      if (req.url === '/subjects/orders-value/versions/latest')
        return send(200, { subject: 'orders-value', version: 3, id: 2, schemaType: 'JSON', schema: '{}' });
      if (req.url === '/subjects/a%2Fb/versions/1') return send(200, { id: 9, schema: '"int"' });
      if (req.url === '/schemas/ids/3')
        return send(200, {
          schemaType: 'PROTOBUF',
          references: [{ name: 'shop/money.proto', subject: 'money', version: 2 }],
          schema: 'orders',
        });
      if (req.url === '/subjects/money/versions/2?deleted=true')
        return send(200, {
          id: 4,
          schemaType: 'PROTOBUF',
          references: [{ name: 'shop/currency.proto', subject: 'currency', version: 1 }],
          schema: 'money',
        });
      if (req.url === '/subjects/currency/versions/1?deleted=true')
        return send(200, { id: 5, schemaType: 'PROTOBUF', schema: 'currency' });
      if (req.url === '/schemas/ids/6')
        return send(200, {
          schemaType: 'PROTOBUF',
          references: [{ name: 'x.proto', subject: 'gone', version: 1 }],
          schema: 'x',
        });
      if (req.url === '/schemas/ids/500') return send(500, { error_code: 50001, message: 'store down' });
      return send(404, { error_code: 40403, message: 'Schema not found' });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads schemas by id and by subject; Avro when no schemaType is given', async () => {
    const resolver = new HttpSchemaResolver(base);
    assert.deepEqual(await resolver.byId(1), { id: 1, schemaType: 'AVRO', schema: '{"type":"string"}' });
    assert.deepEqual(await resolver.byId(2), { id: 2, schemaType: 'JSON', schema: '{"type":"object"}' });
    assert.deepEqual(await resolver.bySubject('orders-value', 'latest'), {
      id: 2,
      schemaType: 'JSON',
      schema: '{}',
    });
    assert.deepEqual(await resolver.bySubject('a/b', 1), { id: 9, schemaType: 'AVRO', schema: '"int"' });
    assert.ok(asked.includes('/subjects/a%2Fb/versions/1'), 'the subject is escaped in the path');
  });

  it('fetches what a schema references, and what those reference, by subject and version', async () => {
    const resolver = new HttpSchemaResolver(base);
    assert.deepEqual(await resolver.byId(3), {
      id: 3,
      schemaType: 'PROTOBUF',
      schema: 'orders',
      references: [
        {
          name: 'shop/money.proto',
          schema: 'money',
          references: [{ name: 'shop/currency.proto', schema: 'currency', references: [] }],
        },
      ],
    });
    await assert.rejects(
      resolver.byId(6),
      (e) =>
        isSluiceError(e, 'NOT_FOUND') && /reference 'x\.proto' \(subject 'gone' version 1\)/.test(e.message),
    );
  });

  it('404 is NOT_FOUND; a 500, an unreachable registry or none yet are UNAVAILABLE', async () => {
    const resolver = new HttpSchemaResolver(base);
    await assert.rejects(
      resolver.byId(77),
      (e) => isSluiceError(e, 'NOT_FOUND') && /schema id 77/.test(e.message),
    );
    await assert.rejects(resolver.byId(500), (e) => isSluiceError(e, 'UNAVAILABLE') && /500/.test(e.message));
    await assert.rejects(new HttpSchemaResolver(() => '').byId(1), (e) => isSluiceError(e, 'UNAVAILABLE'));
    await assert.rejects(
      new HttpSchemaResolver('http://127.0.0.1:1').byId(1),
      (e) => !isSluiceError(e, 'NOT_FOUND'),
    );
  });
});
