// The config server speaks only the Kafka protocol to its topics, so Apache Kafka can hold them:
// values set and served, the bus event published in Spring Cloud Bus's shape, and a restart that
// reads the same values back, against a real Kafka 4.3.1 (skipped with the reason where Java or
// the reference Kafka is missing).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import {
  DEFAULT_CONFIG_SERVER_CONFIG,
  type RunningConfigServer,
  startConfigServer,
} from '../../../src/configserver/index.js';
import { installHttpErrorHandler } from '../../../src/errors/index.js';
import { HealthRegistry } from '../../../src/platform/index.js';
import { type RunningBroker, startKafka } from '../../compat/matrix/brokers.js';
import { peerMissing } from '../../compat/peers.js';
import { BusTail, call, headerMap, setProperty } from './config-helpers.js';

const missing = await peerMissing('kafka-tools');

describe('config server on Apache Kafka', { skip: missing ?? false }, () => {
  let kafka: RunningBroker;
  const logger = pino({ level: process.env.SLUICE_TEST_LOG ?? 'silent' });

  async function open(): Promise<{ app: FastifyInstance; server: RunningConfigServer; url: string }> {
    const app = Fastify();
    installHttpErrorHandler(app);
    const server = startConfigServer({
      bootstrap: kafka.bootstrap,
      config: DEFAULT_CONFIG_SERVER_CONFIG,
      logger,
      registry: new Registry(),
      health: new HealthRegistry(),
      app,
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    await server.caughtUp;
    return { app, server, url };
  }
  const close = async (r: { app: FastifyInstance; server: RunningConfigServer }) => {
    await r.app.close();
    await r.server.close();
  };

  before(async () => {
    kafka = await startKafka();
  });
  after(() => kafka?.stop());

  it('stores, serves, announces on springCloudBus and reads the same values back after a restart', async () => {
    let running = await open();
    let snapshot: unknown;
    try {
      const bus = await BusTail.open(kafka.bootstrap);
      try {
        const set = await setProperty(running.url, 'orders', 'dev', 'greeting', { value: 'hello kafka' });
        assert.equal(set.status, 200, set.text);
        const shared = await setProperty(running.url, 'application', 'default', 'region', { value: 'eu' });
        assert.equal(shared.status, 200, shared.text);
        const [first, second] = await bus.take(2, 30_000);
        assert.equal(first?.key, null);
        assert.deepEqual(headerMap(first as NonNullable<typeof first>), {
          contentType: 'application/json',
          spring_json_header_types: '{"contentType":"java.lang.String"}',
        });
        const event = JSON.parse(first?.value?.toString() ?? '{}') as Record<string, unknown>;
        assert.deepEqual(Object.keys(event), [
          'type',
          'destinationService',
          'id',
          'originService',
          'timestamp',
        ]);
        assert.equal(event.type, 'RefreshRemoteApplicationEvent');
        assert.equal(event.destinationService, 'orders:**');
        assert.equal(JSON.parse(second?.value?.toString() ?? '{}').destinationService, '**');
      } finally {
        await bus.close();
      }
      const env = await call(`${running.url}/config/orders/dev`);
      assert.equal(env.status, 200, env.text);
      snapshot = env.json;
      assert.deepEqual((snapshot as { propertySources: unknown[] }).propertySources, [
        { name: 'orders-dev', source: { greeting: 'hello kafka' } },
        { name: 'application', source: { region: 'eu' } },
      ]);
    } finally {
      await close(running);
    }
    running = await open();
    try {
      assert.deepEqual((await call(`${running.url}/config/orders/dev`)).json, snapshot);
      const history = (await call(`${running.url}/api/config/history?application=orders`)).json as {
        changes: { key: string; value: string }[];
      };
      assert.deepEqual(
        history.changes.map((c) => [c.key, c.value]),
        [['greeting', 'hello kafka']],
      );
    } finally {
      await close(running);
    }
  });
});
