// The registry speaks only the Kafka protocol to its events topic, so Apache Kafka can hold it: the
// topic is created compacted, a restart rebuilds the registry, an instance that renews after the
// restart stays while one that stopped is evicted by the usual rules (judged from the rebuild, on a
// manual clock), and `sluice registry` runs alone against it. Against a real Kafka 4.3.1 (skipped
// with the reason where Java or the reference Kafka is missing).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { KafkaAdmin } from '../../../src/client/index.js';
import { type Clock, systemClock } from '../../../src/clock/index.js';
import { HealthRegistry } from '../../../src/platform/index.js';
import {
  DEFAULT_REGISTRY_CONFIG,
  type RunningRegistry,
  startServiceRegistry,
} from '../../../src/registry/index.js';
import { type RunningBroker, startKafka } from '../../compat/matrix/brokers.js';
import { peerMissing } from '../../compat/peers.js';
import { collect, spawnCli, stop } from '../../helpers/cli-process.js';
import { eurekaCaller, springInstance } from '../../helpers/eureka.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { eventually } from '../../helpers/waiting.js';

const missing = await peerMissing('kafka-tools');
const TOPIC = DEFAULT_REGISTRY_CONFIG.topic;

describe('service registry on Apache Kafka', { skip: missing ?? false }, () => {
  let kafka: RunningBroker;
  const logger = pino({ level: process.env.SLUICE_TEST_LOG ?? 'silent' });

  async function open(clock: Clock = systemClock, selfPreservation = true) {
    const app = Fastify();
    const registry = startServiceRegistry({
      bootstrap: kafka.bootstrap,
      config: { ...DEFAULT_REGISTRY_CONFIG, useReadOnlyCache: false, selfPreservation },
      logger,
      registry: new Registry(),
      health: new HealthRegistry(),
      app,
      clock,
    });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    await registry.rebuilt;
    return { app, registry, eureka: eurekaCaller(`${url}/eureka`) };
  }
  const close = async (r: { app: FastifyInstance; registry: RunningRegistry }) => {
    await r.app.close();
    await r.registry.close();
  };

  before(async () => {
    kafka = await startKafka();
  });
  after(() => kafka?.stop());

  it('creates a compacted topic, rebuilds after a restart, and evicts by the usual rules from there', async () => {
    const first = await open();
    try {
      for (const id of ['alive', 'stopped', 'cancelled'])
        assert.equal(
          (await first.eureka('POST', '/apps/SVC', { body: springInstance('svc', id, 8080) })).status,
          204,
        );
      assert.equal((await first.eureka('DELETE', '/apps/SVC/cancelled')).status, 200);
    } finally {
      await close(first);
    }
    const admin = new KafkaAdmin({ bootstrap: [kafka.bootstrap], clientId: 'registry-test' });
    try {
      const configs = await admin.topicConfigs(TOPIC);
      assert.equal(configs?.find((c) => c.name === 'cleanup.policy')?.value, 'compact,delete');
      assert.equal(configs?.find((c) => c.name === 'retention.ms')?.value, String(7 * 24 * 3_600_000));
      assert.equal((await admin.describeTopic(TOPIC)).partitions.length, 1);
    } finally {
      await admin.close();
    }

    const clock = new ManualClock();
    const second = await open(clock, false);
    try {
      const ids = async () => {
        const r = await second.eureka('GET', '/apps/SVC');
        const body = r.json as { application: { instance: { instanceId: string }[] } } | undefined;
        return body?.application.instance.map((i) => i.instanceId).sort() ?? [];
      };
      assert.deepEqual(await ids(), ['alive', 'stopped']);
      // Renewals are judged from the rebuild: 60 s later nobody has expired...
      await clock.advance(30_000);
      assert.equal((await second.eureka('PUT', '/apps/SVC/alive?status=UP')).status, 200);
      await clock.advance(30_000);
      assert.deepEqual(await ids(), ['alive', 'stopped']);
      // ...and at the eviction run after 90 s without a renewal, the one that stopped is gone.
      assert.equal((await second.eureka('PUT', '/apps/SVC/alive?status=UP')).status, 200);
      await clock.advance(60_000);
      assert.deepEqual(await ids(), ['alive']);
      assert.equal((await second.eureka('PUT', '/apps/SVC/stopped?status=UP')).status, 404);
      await second.registry.eventsWritten();
    } finally {
      await close(second);
    }
    const third = await open();
    try {
      const r = (await third.eureka('GET', '/apps/')).json as { applications: { apps__hashcode: string } };
      assert.equal(r.applications.apps__hashcode, 'UP_1_');
    } finally {
      await close(third);
    }
  });

  it('`sluice registry` serves the same API alone, with its state on Kafka', async () => {
    const child = spawnCli(['registry', '--bootstrap', kafka.bootstrap, '--port', '0']);
    const done = collect(child, 120_000);
    let out = '';
    child.stdout?.on('data', (c: Buffer | string) => {
      out += String(c);
    });
    try {
      const url = await eventually(
        'the registry to listen',
        60_000,
        async () => /listening on (\S+)/.exec(out)?.[1],
      );
      const eureka = eurekaCaller(`${url}/eureka`);
      assert.equal(
        (await eureka('POST', '/apps/ALONE', { body: springInstance('alone', 'a1', 9000) })).status,
        204,
      );
      const apps = (await eureka('GET', '/apps/ALONE')).json as { application: { instance: unknown[] } };
      assert.equal(apps.application.instance.length, 1);
      // The instances registered in the first test, rebuilt from the same topic.
      assert.equal((await eureka('GET', '/apps/SVC/alive')).status, 200);
      const health = (await (await fetch(`${url}/actuator/health`)).json()) as { status: string };
      assert.equal(health.status, 'UP');
    } finally {
      await stop(child);
    }
    const result = await done;
    assert.match(result.stderr, /SIGTERM received, closing/);
  });
});
