import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { ErrorCode, Fetch, ListOffsets, Metadata, Produce } from '../../src/protocol/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { buildBatch, decodeBatches } from '../helpers/records.js';
import { eventually } from '../helpers/waiting.js';
import { WireClient } from '../helpers/wire-client.js';

describe('fetch and list offsets', () => {
  let broker: TestBroker;
  let client: WireClient;

  before(async () => {
    broker = await startTestBroker();
    await broker.core.logs.createTopic('f', 2, {});
    client = await WireClient.connect(broker.port);
  });
  after(async () => {
    client.close();
    await broker.dispose();
  });

  const produce = (partition: number, records: Buffer) =>
    client.request(Produce, 9, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name: 'f', partitionData: [{ index: partition, records }] }],
    });

  const fetch = (
    c: WireClient,
    partition: number,
    fetchOffset: number,
    opts: { maxWaitMs?: number; maxBytes?: number } = {},
  ) =>
    c.request(Fetch, 12, {
      maxWaitMs: opts.maxWaitMs ?? 0,
      minBytes: 1,
      maxBytes: opts.maxBytes ?? 1 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic: 'f', partitions: [{ partition, fetchOffset, partitionMaxBytes: 1 << 20 }] }],
    });

  it('long-polls until an append arrives, then answers at once', async () => {
    const waiter = await WireClient.connect(broker.port);
    // maxWaitMs is far beyond the wire client's 10 s request timeout: only the append can answer.
    const pending = fetch(waiter, 1, 0, { maxWaitMs: 600_000 });
    await eventually('the fetch to wait on partition 1', 10_000, async () =>
      broker.core.appends.waitingOn('f-1') > 0 ? true : undefined,
    );
    await produce(1, buildBatch([{ key: 'k', value: 'woke' }]));
    const res = await pending;
    waiter.close();
    const records = decodeBatches(res.responses[0].partitions[0].records ?? Buffer.alloc(0));
    assert.equal(String(records[0].value), 'woke');
  });

  it('returns empty after maxWaitMs when nothing arrives', async () => {
    const end = broker.core.partition('f', 0)?.logEndOffset ?? 0;
    const started = Date.now();
    const res = await fetch(client, 0, end, { maxWaitMs: 300 });
    assert.ok(Date.now() - started >= 250);
    assert.equal(res.responses[0].partitions[0].errorCode, ErrorCode.NONE);
    assert.equal(res.responses[0].partitions[0].records?.length ?? 0, 0);
  });

  it('returns at least one whole batch even when it exceeds maxBytes', async () => {
    const big = buildBatch([{ value: Buffer.alloc(10_000, 7) }]);
    const { responses } = await produce(0, big);
    const offset = responses[0].partitionResponses[0].baseOffset;
    const res = await fetch(client, 0, offset, { maxBytes: 100 });
    const records = decodeBatches(res.responses[0].partitions[0].records ?? Buffer.alloc(0));
    assert.equal(records.length, 1);
    assert.equal(records[0].value?.length, 10_000);
  });

  it('answers OFFSET_OUT_OF_RANGE past the end and fetches by topic id from v13', async () => {
    const res = await fetch(client, 0, 1_000_000);
    assert.equal(res.responses[0].partitions[0].errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
    const md = await client.request(Metadata, 12, {
      topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'f' }],
    });
    const topicId = md.topics[0].topicId;
    const again = await client.request(Metadata, 12, {
      topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'f' }],
    });
    assert.equal(again.topics[0].topicId, topicId, 'topic ids are stable');
    const byId = await client.request(Fetch, 13, {
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topicId, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }],
    });
    assert.equal(byId.responses[0].topicId, topicId);
    assert.ok((byId.responses[0].partitions[0].records?.length ?? 0) > 0);
    const unknown = await client.request(Fetch, 13, {
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topicId: 'AAAAAAAAAAAAAAAAAAAAAQ',
          partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 }],
        },
      ],
    });
    assert.equal(unknown.responses[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_ID);
  });

  it('lists earliest, latest, max-timestamp and by-timestamp offsets', async () => {
    await broker.core.logs.createTopic('times', 1, {});
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 5; i++) {
      await client.request(Produce, 9, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 1000,
        topicData: [
          {
            name: 'times',
            partitionData: [
              { index: 0, records: buildBatch([{ value: `v${i}`, timestamp: t0 + i * 1000 }]) },
            ],
          },
        ],
      });
    }
    const ask = async (timestamp: number) => {
      const res = await client.request(ListOffsets, 7, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [{ name: 'times', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }],
      });
      return res.topics[0].partitions[0];
    };
    assert.equal((await ask(-2)).offset, 0);
    assert.equal((await ask(-1)).offset, 5);
    const max = await ask(-3);
    assert.deepEqual([max.offset, max.timestamp], [4, t0 + 4000]);
    const mid = await ask(t0 + 2500);
    assert.deepEqual([mid.offset, mid.timestamp], [3, t0 + 3000]);
    assert.equal((await ask(t0 + 99_000)).offset, -1);
  });

  it('answers by-timestamp and max-timestamp per record inside one batch, compressed or not', async () => {
    const t0 = Date.now() - 3_600_000;
    const ask = async (topic: string, timestamp: number) => {
      const res = await client.request(ListOffsets, 7, {
        replicaId: -1,
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }],
      });
      const p = res.topics[0].partitions[0];
      return [p.offset, p.timestamp];
    };
    await broker.core.logs.createTopic('one-batch', 1, {});
    const stored = await client.request(Produce, 9, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [
        {
          name: 'one-batch',
          partitionData: [
            {
              index: 0,
              records: buildBatch([0, 1, 2, 3, 4].map((i) => ({ value: `v${i}`, timestamp: t0 + i * 1000 }))),
            },
          ],
        },
      ],
    });
    assert.equal(stored.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
    assert.deepEqual(await ask('one-batch', t0 + 2500), [3, t0 + 3000]);
    assert.deepEqual(await ask('one-batch', -3), [4, t0 + 4000]);

    const kafka = new Kafka({ clientId: 'ts', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'gzip-batch',
      compression: CompressionTypes.GZIP,
      messages: [0, 1, 2, 3, 4].map((i) => ({ value: `v${i}`.repeat(50), timestamp: String(t0 + i * 1000) })),
    });
    await producer.disconnect();
    assert.deepEqual(await ask('gzip-batch', t0 + 1500), [2, t0 + 2000]);
    assert.deepEqual(await ask('gzip-batch', -3), [4, t0 + 4000]);
  });

  it('spends maxBytes on whole batches in request order across partitions', async () => {
    await broker.core.logs.createTopic('budget', 2, {});
    const batch = () => buildBatch([{ value: Buffer.alloc(1000, 1) }]);
    for (const partition of [0, 1]) {
      for (let i = 0; i < 3; i++) {
        await client.request(Produce, 9, {
          transactionalId: null,
          acks: 1,
          timeoutMs: 1000,
          topicData: [{ name: 'budget', partitionData: [{ index: partition, records: batch() }] }],
        });
      }
    }
    const size = batch().length;
    const res = await client.request(Fetch, 12, {
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: size * 4 + 10,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: 'budget',
          partitions: [0, 1].map((partition) => ({ partition, fetchOffset: 0, partitionMaxBytes: 1 << 20 })),
        },
      ],
    });
    const counts = res.responses[0].partitions.map((p) => decodeBatches(p.records ?? Buffer.alloc(0)).length);
    assert.deepEqual(counts, [3, 1], 'partition 0 whole, partition 1 what still fits');
  });
});
