// sluice/metrics in a Node service: a real @platformatic/kafka producer, instrumented, counts
// exactly what the broker acknowledged, times each send, and counts failures.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { Registry } from 'prom-client';
import { instrumentProducer, KafkaClientMetrics } from '../../src/metrics/client/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { sampleValue } from '../helpers/platform-fixture.js';

describe('client metrics helper (sluice/metrics)', () => {
  let broker: TestBroker;
  before(async () => {
    broker = await startTestBroker({ autoCreateTopics: false });
    await broker.core.logs.createTopic('orders', 2, {});
  });
  after(() => broker?.dispose());

  it('counts produced messages per topic, times sends and counts failures', async () => {
    const registry = new Registry();
    const metrics = new KafkaClientMetrics({ registry, service: 'orders-api' });
    const producer = instrumentProducer(
      new Producer({
        clientId: 'client-metrics-test',
        bootstrapBrokers: [broker.bootstrap],
        serializers: stringSerializers,
        retries: 0,
        autocreateTopics: false,
      }),
      metrics,
    );
    try {
      for (let i = 0; i < 3; i++) {
        await producer.send({
          messages: [
            { topic: 'orders', key: `k${i}`, value: 'a' },
            { topic: 'orders', key: 'x', value: 'b' },
          ],
        });
      }
      await assert.rejects(producer.send({ messages: [{ topic: 'missing-topic', value: 'c' }] }));
      metrics.messagesConsumed('orders', 'billing', 4);

      const text = await registry.metrics();
      const labels = { service: 'orders-api', topic: 'orders' };
      assert.equal(sampleValue(text, 'sluice_client_messages_produced_total', labels), 6);
      assert.equal(sampleValue(text, 'sluice_client_send_duration_seconds_count', labels), 3);
      assert.equal(
        sampleValue(text, 'sluice_client_send_errors_total', {
          service: 'orders-api',
          topic: 'missing-topic',
        }),
        1,
      );
      assert.equal(
        sampleValue(text, 'sluice_client_messages_produced_total', {
          service: 'orders-api',
          topic: 'missing-topic',
        }),
        undefined,
      );
      assert.equal(
        sampleValue(text, 'sluice_client_messages_consumed_total', {
          service: 'orders-api',
          topic: 'orders',
          group: 'billing',
        }),
        4,
      );
      // The broker saw the same six.
      const end =
        (broker.core.partition('orders', 0)?.logEndOffset ?? 0) +
        (broker.core.partition('orders', 1)?.logEndOffset ?? 0);
      assert.equal(end, 6);
    } finally {
      await producer.close();
    }
  });

  it('shares metrics between instances on one registry', () => {
    const registry = new Registry();
    const a = new KafkaClientMetrics({ registry, service: 'a' });
    const b = new KafkaClientMetrics({ registry, service: 'b' });
    a.messagesProduced('t', 2);
    b.messagesProduced('t', 3);
    return registry.metrics().then((text) => {
      assert.equal(
        sampleValue(text, 'sluice_client_messages_produced_total', { service: 'a', topic: 't' }),
        2,
      );
      assert.equal(
        sampleValue(text, 'sluice_client_messages_produced_total', { service: 'b', topic: 't' }),
        3,
      );
    });
  });
});
