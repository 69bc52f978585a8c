// The schema registry speaks only the Kafka protocol to its store, so Apache Kafka can hold
// `_schemas`: registration, ids shared across subjects, a refused incompatible schema, deletes and
// a restart that reads the same state back, against a real Kafka 4.3.1 (skipped with the reason
// where Java or the reference Kafka is missing).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { HealthRegistry } from '../../../src/platform/index.js';
import {
  DEFAULT_SCHEMAS_CONFIG,
  type RunningRegistry,
  startSchemaRegistry,
} from '../../../src/schemas/index.js';
import { type RunningBroker, startKafka } from '../../compat/matrix/brokers.js';
import { peerMissing } from '../../compat/peers.js';
import { avroRecord, errorCode, schemaRegistryCaller } from '../../helpers/schema-registry-client.js';

const missing = await peerMissing('kafka-tools');

describe('schema registry on Apache Kafka', { skip: missing ?? false }, () => {
  let kafka: RunningBroker;
  const logger = pino({ level: process.env.SLUICE_TEST_LOG ?? 'silent' });

  async function open(): Promise<{ app: FastifyInstance; registry: RunningRegistry; url: string }> {
    const app = Fastify();
    const registry = startSchemaRegistry({
      bootstrap: kafka.bootstrap,
      config: DEFAULT_SCHEMAS_CONFIG,
      logger,
      registry: new Registry(),
      health: new HealthRegistry(),
      app,
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    return { app, registry, url };
  }
  const stop = async (r: { app: FastifyInstance; registry: RunningRegistry }) => {
    await r.app.close();
    await r.registry.close();
  };

  before(async () => {
    kafka = await startKafka();
  });
  after(() => kafka?.stop());

  it('registers, refuses, deletes, and reads the same state back after a restart', async () => {
    const v1 = avroRecord('Item', [{ name: 'sku', type: 'string' }]);
    const v2 = avroRecord('Item', [
      { name: 'sku', type: 'string' },
      { name: 'qty', type: 'int', default: 0 },
    ]);
    let running = await open();
    let sr = schemaRegistryCaller(running.url);
    let snapshot: unknown;
    try {
      const a = (await sr('POST', '/subjects/items-value/versions', { schema: v1 })).body as { id: number };
      const b = (await sr('POST', '/subjects/copy-value/versions', { schema: v1 })).body as { id: number };
      assert.equal(a.id, b.id);
      assert.equal((await sr('POST', '/subjects/items-value/versions', { schema: v2 })).status, 200);
      const refused = await sr('POST', '/subjects/items-value/versions', {
        schema: avroRecord('Item', [{ name: 'sku', type: 'long' }]),
      });
      assert.equal(refused.status, 409);
      assert.equal(errorCode(refused), 409);
      const json = await sr('POST', '/subjects/j-value/versions', {
        schemaType: 'JSON',
        schema: '{"type":"object","properties":{"a":{"type":"string"}}}',
      });
      assert.equal(json.status, 200);
      assert.deepEqual((await sr('DELETE', '/subjects/copy-value')).body, [1]);
      assert.deepEqual((await sr('DELETE', '/subjects/copy-value?permanent=true')).body, [1]);
      await sr('PUT', '/config/items-value', { compatibility: 'FULL' });
      snapshot = {
        subjects: (await sr('GET', '/subjects?deleted=true')).body,
        items: (await sr('GET', '/subjects/items-value/versions/latest')).body,
        config: (await sr('GET', '/config/items-value')).body,
        byId: (await sr('GET', `/schemas/ids/${a.id}/versions`)).body,
      };
      assert.deepEqual((snapshot as { subjects: string[] }).subjects, ['items-value', 'j-value']);
    } finally {
      await stop(running);
    }
    running = await open();
    sr = schemaRegistryCaller(running.url);
    try {
      assert.deepEqual(
        {
          subjects: (await sr('GET', '/subjects?deleted=true')).body,
          items: (await sr('GET', '/subjects/items-value/versions/latest')).body,
          config: (await sr('GET', '/config/items-value')).body,
          byId: (await sr('GET', '/schemas/ids/1/versions')).body,
        },
        snapshot,
      );
    } finally {
      await stop(running);
    }
  });
});
