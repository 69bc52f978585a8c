// Issue 2's proof with real clients we did not write: each one produces 100,000 keyed messages
// over 6 partitions to an in-process broker, and reads back; per-key order must hold.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Producer } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import {
  confluentConsume,
  confluentProduce,
  kafkapyConsume,
  kafkapyProduce,
  kcatConsume,
  kcatProduce,
  type PeerRecord,
  type ProduceMessage,
  peerMissing,
} from '../compat/peers.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';

const TOTAL = 100_000;
const KEYS = 100;
const PARTITIONS = 6;
const BIG = 1_000_000;
// librdkafka counts a message's overhead against message.max.bytes (default 1,000,000).
const LIBRDKAFKA_BIG = { 'message.max.bytes': 1_048_588 };

function keyed(): ProduceMessage[] {
  return Array.from({ length: TOTAL }, (_, i) => ({ key: `key-${i % KEYS}`, value: String(i) }));
}

/** Every message once; each key on one partition; within a key, values rise with offsets. */
function assertPerKeyOrder(records: PeerRecord[]) {
  assert.equal(records.length, TOTAL, 'message count');
  const byPartition = new Map<number, PeerRecord[]>();
  for (const r of records) byPartition.set(r.partition, [...(byPartition.get(r.partition) ?? []), r]);
  assert.ok(byPartition.size > 1, 'keys should spread over partitions');
  const partitionOfKey = new Map<string, number>();
  const lastValueOfKey = new Map<string, number>();
  const seen = new Set<number>();
  for (const list of byPartition.values()) {
    list.sort((a, b) => a.offset - b.offset);
    for (const r of list) {
      const key = String(r.key);
      const value = Number(String(r.value));
      assert.equal(partitionOfKey.get(key) ?? r.partition, r.partition, `key ${key} split across partitions`);
      partitionOfKey.set(key, r.partition);
      assert.ok(
        value > (lastValueOfKey.get(key) ?? -1),
        `key ${key}: ${value} after ${lastValueOfKey.get(key)}`,
      );
      lastValueOfKey.set(key, value);
      seen.add(value);
    }
  }
  assert.equal(seen.size, TOTAL, 'every value exactly once');
}

describe('real clients against an in-process broker', { concurrency: 1 }, () => {
  let broker: TestBroker;
  let skipPeers: string | null;

  before(async () => {
    broker = await startTestBroker();
    skipPeers =
      (await peerMissing('kcat')) ??
      (await peerMissing('confluent-kafka')) ??
      (await peerMissing('kafka-python'));
  });
  after(() => broker.dispose());

  async function topic(name: string, partitions = PARTITIONS) {
    await broker.core.logs.createTopic(name, partitions, {});
    return name;
  }

  const producers: Array<[string, (topic: string, messages: ProduceMessage[]) => Promise<unknown>]> = [
    [
      'kcat (librdkafka, idempotent)',
      (t, messages) =>
        kcatProduce(broker.bootstrap, {
          topic: t,
          messages,
          acks: 'all',
          config: { 'enable.idempotence': true, ...LIBRDKAFKA_BIG },
          timeoutMs: 120_000,
        }),
    ],
    [
      'confluent-kafka (Python, idempotent)',
      (t, messages) =>
        confluentProduce(broker.bootstrap, {
          topic: t,
          messages,
          acks: 'all',
          config: { 'enable.idempotence': true, 'queue.buffering.max.messages': 200_000, ...LIBRDKAFKA_BIG },
          timeoutMs: 120_000,
        }),
    ],
    [
      'kafka-python',
      (t, messages) =>
        kafkapyProduce(broker.bootstrap, { topic: t, messages, acks: 'all', timeoutMs: 240_000 }),
    ],
    [
      'KafkaJS (idempotent)',
      async (t, messages) => {
        const kafka = new Kafka({
          clientId: 'kafkajs-proof',
          brokers: [broker.bootstrap],
          logLevel: logLevel.NOTHING,
        });
        const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
        await producer.connect();
        try {
          for (let i = 0; i < messages.length; i += 2000) {
            const slice = messages
              .slice(i, i + 2000)
              .map((m) => ({ key: m.key as string, value: m.value as string }));
            await producer.send({ topic: t, acks: -1, messages: slice });
          }
        } finally {
          await producer.disconnect();
        }
      },
    ],
    [
      '@platformatic/kafka (idempotent)',
      async (t, messages) => {
        const producer = new Producer({
          clientId: 'platformatic-proof',
          bootstrapBrokers: [broker.bootstrap],
          idempotent: true,
          acks: -1,
          autocreateTopics: false,
        });
        try {
          for (let i = 0; i < messages.length; i += 2000) {
            const slice = messages.slice(i, i + 2000).map((m) => ({
              topic: t,
              key: Buffer.from(m.key as string),
              value: Buffer.from(m.value as string),
            }));
            await producer.send({ messages: slice });
          }
        } finally {
          await producer.close();
        }
      },
    ],
  ];

  for (const [name, produce] of producers) {
    it(`${name}: 100,000 keyed messages over 6 partitions keep per-key order`, async (t) => {
      if (skipPeers) return t.skip(skipPeers);
      const target = await topic(`keyed-${name.split(' ')[0].replace(/[^a-z]/gi, '')}`);
      await produce(target, keyed());
      const records = await kcatConsume(broker.bootstrap, {
        topic: target,
        count: TOTAL,
        timeoutMs: 120_000,
      });
      assertPerKeyOrder(records);
    });
  }

  it('confluent-kafka and kafka-python each read 100,000 messages back in per-key order', async (t) => {
    if (skipPeers) return t.skip(skipPeers);
    const target = 'keyed-kcat';
    assertPerKeyOrder(
      await confluentConsume(broker.bootstrap, { topic: target, count: TOTAL, timeoutMs: 120_000 }),
    );
    assertPerKeyOrder(
      await kafkapyConsume(broker.bootstrap, { topic: target, count: TOTAL, timeoutMs: 240_000 }),
    );
  });

  it('every client produces a 1 MB message with default topic configs, and librdkafka and Python clients read them', async (t) => {
    if (skipPeers) return t.skip(skipPeers);
    const target = await topic('big', 1);
    const value = Buffer.alloc(BIG, 0x61);
    for (const [, produce] of producers) await produce(target, [{ key: 'big', value }]);
    const expectAll = (records: PeerRecord[]) => {
      assert.equal(records.length, producers.length);
      for (const r of records) assert.equal(r.value?.length, BIG);
    };
    expectAll(
      await kcatConsume(broker.bootstrap, {
        topic: target,
        count: producers.length,
        config: { 'fetch.message.max.bytes': 2_000_000 },
      }),
    );
    expectAll(await confluentConsume(broker.bootstrap, { topic: target, count: producers.length }));
    expectAll(await kafkapyConsume(broker.bootstrap, { topic: target, count: producers.length }));
  });
});
