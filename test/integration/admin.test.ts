// Topic administration (CreateTopics, CreatePartitions, DeleteRecords, DeleteTopics) judged by
// real clients — KafkaJS, @platformatic/kafka, Apache Kafka's kafka-topics.sh — and, for exact
// error codes and "nothing changed" checks, by our wire client.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { Kafka, logLevel } from 'kafkajs';
import {
  CreatePartitions,
  CreateTopics,
  DeleteRecords,
  DeleteTopics,
  ErrorCode,
  Fetch,
  InitProducerId,
  ListOffsets,
  Metadata,
  Produce,
} from '../../src/protocol/index.js';
import { kafkaTool, peerMissing } from '../compat/peers.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { buildBatch } from '../helpers/records.js';
import { eventually } from '../helpers/waiting.js';
import { WireClient } from '../helpers/wire-client.js';

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** Our ids are Kafka's base64url form; @platformatic/kafka shows them as dashed hex. */
function dashedUuid(id: string | undefined): string {
  const hex = Buffer.from(id ?? '', 'base64url').toString('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join('-');
}

describe('topic administration', { concurrency: 1 }, () => {
  let broker: TestBroker;
  let client: WireClient;

  before(async () => {
    broker = await startTestBroker({ autoCreateTopics: false, defaultPartitions: 2 });
    client = await WireClient.connect(broker.port);
  });
  after(async () => {
    client.close();
    await broker.dispose();
  });

  const topicNames = () =>
    broker.core.logs
      .topics()
      .map((t) => t.name)
      .sort();

  function kafkajs() {
    return new Kafka({ clientId: 'admin-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
  }

  async function produce(topic: string, partition: number, values: string[]) {
    const res = await client.request(Produce, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [
        {
          name: topic,
          partitionData: [{ index: partition, records: buildBatch(values.map((value) => ({ value }))) }],
        },
      ],
    });
    return res.responses[0].partitionResponses[0];
  }

  async function createV7(topics: Record<string, unknown>[], validateOnly = false) {
    const full = topics.map((t) => ({
      numPartitions: 1,
      replicationFactor: 1,
      assignments: [],
      configs: [],
      ...t,
    }));
    return client.request(CreateTopics, 7, { topics: full as never, timeoutMs: 5000, validateOnly });
  }

  describe('KafkaJS admin', () => {
    it('creates, lists, grows, trims and deletes a topic', async () => {
      const admin = kafkajs().admin();
      await admin.connect();
      try {
        const created = await admin.createTopics({
          topics: [
            {
              topic: 'kjs-orders',
              numPartitions: 3,
              configEntries: [{ name: 'retention.ms', value: '3600000' }],
            },
          ],
        });
        assert.equal(created, true);
        assert.equal(
          await admin.createTopics({ topics: [{ topic: 'kjs-orders' }] }),
          false,
          'exists already',
        );
        assert.ok((await admin.listTopics()).includes('kjs-orders'));
        assert.deepEqual(broker.core.logs.topic('kjs-orders')?.configs, { 'retention.ms': '3600000' });

        await admin.createPartitions({ topicPartitions: [{ topic: 'kjs-orders', count: 5 }] });
        const meta = await admin.fetchTopicMetadata({ topics: ['kjs-orders'] });
        assert.equal(meta.topics[0].partitions.length, 5);
        await assert.rejects(
          admin.createPartitions({ topicPartitions: [{ topic: 'kjs-orders', count: 4 }] }),
          (err: { type?: string }) => err.type === 'INVALID_PARTITIONS',
        );

        const producer = kafkajs().producer();
        await producer.connect();
        await producer.send({
          topic: 'kjs-orders',
          messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}`, partition: 4 })),
        });
        await producer.disconnect();
        await admin.deleteTopicRecords({ topic: 'kjs-orders', partitions: [{ partition: 4, offset: '4' }] });
        let offsets = await admin.fetchTopicOffsets('kjs-orders');
        assert.deepEqual(
          offsets.find((o) => o.partition === 4),
          { partition: 4, offset: '10', high: '10', low: '4' },
        );
        await admin.deleteTopicRecords({ topic: 'kjs-orders', partitions: [{ partition: 4, offset: '-1' }] });
        offsets = await admin.fetchTopicOffsets('kjs-orders');
        assert.equal(offsets.find((o) => o.partition === 4)?.low, '10', '-1 means the high watermark');

        await admin.deleteTopics({ topics: ['kjs-orders'] });
        assert.ok(!(await admin.listTopics()).includes('kjs-orders'));
        await assert.rejects(admin.fetchTopicMetadata({ topics: ['kjs-orders'] }));
      } finally {
        await admin.disconnect();
      }
    });
  });

  describe('@platformatic/kafka Admin', () => {
    it('creates topics with configs, lists, grows, trims and deletes them', async () => {
      const admin = new Admin({ clientId: 'admin-test', bootstrapBrokers: [broker.bootstrap] });
      try {
        const created = await admin.createTopics({
          topics: ['plt-a', 'plt-b'],
          partitions: 2,
          replicas: 1,
          configs: [{ name: 'cleanup.policy', value: 'compact' }],
        });
        assert.deepEqual(
          created.map((t) => [t.name, t.partitions, t.replicas, t.configuration['cleanup.policy']]),
          [
            ['plt-a', 2, 1, 'compact'],
            ['plt-b', 2, 1, 'compact'],
          ],
        );
        assert.equal(
          created[0].id,
          dashedUuid(broker.core.logs.topic('plt-a')?.id),
          'the id Metadata reports',
        );
        assert.equal(created[0].configuration['retention.ms'], '604800000', 'defaults are listed too');
        const listed = await admin.listTopics();
        assert.ok(listed.includes('plt-a') && listed.includes('plt-b'));

        await admin.createPartitions({ topics: [{ name: 'plt-a', count: 4 }] });
        assert.equal(broker.core.logs.topic('plt-a')?.partitions, 4);

        assert.equal((await produce('plt-a', 3, ['a', 'b', 'c'])).errorCode, ErrorCode.NONE);
        const trimmed = await admin.deleteRecords({
          topics: [{ name: 'plt-a', partitions: [{ partition: 3, offset: 2n }] }],
        });
        assert.deepEqual(trimmed, [{ name: 'plt-a', partitions: [{ partition: 3, lowWatermark: 2n }] }]);

        await admin.deleteTopics({ topics: ['plt-a', 'plt-b'] });
        assert.deepEqual(
          (await admin.listTopics()).filter((t) => t.startsWith('plt-')),
          [],
        );
      } finally {
        await admin.close();
      }
    });
  });

  describe("Apache Kafka's kafka-topics.sh", () => {
    it('creates, describes, alters, lists and deletes a topic', async (t) => {
      if (await peerMissing('kafka-tools')) {
        t.skip('Apache Kafka tools not installed: run scripts/peers/install-kafka.sh');
        return;
      }
      const bs = ['--bootstrap-server', broker.bootstrap];
      const topics = async (args: string[]) =>
        (await kafkaTool('topics', [...bs, ...args])).stdout.toString();
      const created = await topics([
        '--create',
        '--topic',
        'java-events',
        '--partitions',
        '2',
        '--replication-factor',
        '1',
        '--config',
        'retention.ms=120000',
      ]);
      assert.match(created, /Created topic java-events/);
      await topics(['--alter', '--topic', 'java-events', '--partitions', '3']);
      const described = await topics(['--describe', '--topic', 'java-events']);
      assert.match(described, /PartitionCount: 3/);
      assert.match(described, /ReplicationFactor: 1/);
      assert.match(described, /retention\.ms=120000/);
      assert.ok(described.includes(`TopicId: ${broker.core.logs.topic('java-events')?.id}`), described);
      assert.ok((await topics(['--list'])).split('\n').includes('java-events'));
      await topics(['--delete', '--topic', 'java-events']);
      assert.equal(broker.core.logs.topic('java-events'), undefined);
    });
  });

  describe('CreateTopics errors (wire)', () => {
    it('refuses bad names, existing topics, bad counts and bad replication with Kafka codes; creates nothing', async () => {
      await broker.core.logs.createTopic('existing', 1, {});
      await broker.core.logs.createTopic('dot_ted', 1, {});
      const before = topicNames();
      const res = await createV7([
        { name: '' },
        { name: 'has space' },
        { name: '..' },
        { name: 'x'.repeat(250) },
        { name: 'existing' },
        { name: 'dot.ted' },
        { name: 'zero-partitions', numPartitions: 0 },
        { name: 'minus-two', numPartitions: -2 },
        { name: 'rf-three', replicationFactor: 3 },
        { name: 'rf-zero', replicationFactor: 0 },
        {
          name: 'assigned-elsewhere',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [{ partitionIndex: 0, brokerIds: [7] }],
        },
        {
          name: 'assigned-twice',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [{ partitionIndex: 0, brokerIds: [1, 1] }],
        },
        {
          name: 'assigned-gap',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [{ partitionIndex: 1, brokerIds: [1] }],
        },
        {
          name: 'assigned-with-count',
          numPartitions: 1,
          assignments: [{ partitionIndex: 0, brokerIds: [1] }],
        },
        { name: 'bad-value', configs: [{ name: 'retention.ms', value: 'soon' }] },
        { name: 'unknown-key', configs: [{ name: 'retention.hours', value: '1' }] },
        { name: 'null-value', configs: [{ name: 'retention.ms', value: null }] },
        { name: 'twice' },
        { name: 'twice' },
      ]);
      const byName = Object.fromEntries(res.topics.map((t) => [t.name, t]));
      const code = (name: string) => byName[name]?.errorCode;
      for (const name of ['', 'has space', '..', 'x'.repeat(250)]) {
        assert.equal(code(name), ErrorCode.INVALID_TOPIC_EXCEPTION, `name "${name.slice(0, 10)}"`);
        assert.ok(byName[name].errorMessage, 'a reason comes with it');
      }
      assert.equal(code('existing'), ErrorCode.TOPIC_ALREADY_EXISTS);
      assert.equal(byName.existing.errorMessage, "Topic 'existing' already exists.");
      assert.equal(code('dot.ted'), ErrorCode.INVALID_TOPIC_EXCEPTION);
      assert.match(byName['dot.ted'].errorMessage ?? '', /collides with existing topic: dot_ted/);
      assert.equal(code('zero-partitions'), ErrorCode.INVALID_PARTITIONS);
      assert.equal(code('minus-two'), ErrorCode.INVALID_PARTITIONS);
      assert.equal(code('rf-three'), ErrorCode.INVALID_REPLICATION_FACTOR);
      assert.match(byName['rf-three'].errorMessage ?? '', /only 1 broker/);
      assert.equal(code('rf-zero'), ErrorCode.INVALID_REPLICATION_FACTOR);
      assert.equal(code('assigned-elsewhere'), ErrorCode.INVALID_REPLICA_ASSIGNMENT);
      assert.equal(code('assigned-twice'), ErrorCode.INVALID_REPLICA_ASSIGNMENT);
      assert.equal(code('assigned-gap'), ErrorCode.INVALID_REPLICA_ASSIGNMENT);
      assert.equal(code('assigned-with-count'), ErrorCode.INVALID_REQUEST);
      assert.equal(code('bad-value'), ErrorCode.INVALID_CONFIG);
      assert.match(byName['bad-value'].errorMessage ?? '', /retention\.ms/);
      assert.equal(code('unknown-key'), ErrorCode.INVALID_CONFIG);
      assert.match(byName['unknown-key'].errorMessage ?? '', /retention\.hours/);
      assert.equal(code('null-value'), ErrorCode.INVALID_CONFIG);
      assert.equal(
        res.topics.filter((t) => t.name === 'twice').length,
        1,
        'a repeated name is answered once',
      );
      assert.equal(code('twice'), ErrorCode.INVALID_REQUEST);
      for (const t of res.topics) {
        assert.equal(t.numPartitions, -1);
        assert.equal(t.topicId, ZERO_UUID);
      }
      assert.deepEqual(topicNames(), before, 'nothing was created');
    });

    it('validateOnly checks and describes without creating', async () => {
      const res = await createV7(
        [
          {
            name: 'dry-run',
            numPartitions: -1,
            replicationFactor: -1,
            configs: [{ name: 'segment.bytes', value: '1048576' }],
          },
          { name: 'dry-bad', numPartitions: 0 },
        ],
        true,
      );
      const [ok, bad] = res.topics;
      assert.equal(ok.errorCode, ErrorCode.NONE);
      assert.equal(ok.numPartitions, 2, 'the broker default');
      assert.equal(ok.replicationFactor, 1);
      assert.deepEqual(
        ok.configs?.find((c) => c.name === 'segment.bytes'),
        { name: 'segment.bytes', value: '1048576', readOnly: false, configSource: 1, isSensitive: false },
      );
      assert.equal(bad.errorCode, ErrorCode.INVALID_PARTITIONS);
      assert.equal(broker.core.logs.topic('dry-run'), undefined);
    });

    it('v7 answers the topic id, counts and every config with its source', async () => {
      const res = await createV7([
        {
          name: 'v7-topic',
          numPartitions: -1,
          replicationFactor: -1,
          configs: [{ name: 'max.message.bytes', value: '5000' }],
        },
        {
          name: 'v7-assigned',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [0, 1, 2].map((i) => ({ partitionIndex: i, brokerIds: [1] })),
        },
      ]);
      const [t, assigned] = res.topics;
      assert.equal(t.errorCode, ErrorCode.NONE);
      assert.equal(t.errorMessage, null);
      assert.equal(t.topicId, broker.core.logs.topic('v7-topic')?.id);
      assert.equal(t.numPartitions, 2);
      assert.equal(t.replicationFactor, 1);
      const source = Object.fromEntries((t.configs ?? []).map((c) => [c.name, [c.value, c.configSource]]));
      assert.deepEqual(source['max.message.bytes'], ['5000', 1]);
      assert.deepEqual(source['retention.ms'], ['604800000', 5]);
      assert.deepEqual(source['cleanup.policy'], ['delete', 5]);
      assert.equal(assigned.errorCode, ErrorCode.NONE);
      assert.equal(broker.core.logs.topic('v7-assigned')?.partitions, 3);

      const meta = await client.request(Metadata, 12, { topics: [{ name: 'v7-topic', topicId: ZERO_UUID }] });
      assert.equal(meta.topics[0].topicId, t.topicId);
    });

    it('v0 (no error messages) still creates and refuses', async () => {
      const res = await client.request(CreateTopics, 0, {
        topics: [
          { name: 'v0-topic', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
          { name: 'v0-topic', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
          { name: 'v0-other', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
        ],
        timeoutMs: 5000,
      });
      assert.deepEqual(
        res.topics.map((t) => [t.name, t.errorCode]),
        [
          ['v0-topic', ErrorCode.INVALID_REQUEST],
          ['v0-other', ErrorCode.NONE],
        ],
      );
      assert.equal(broker.core.logs.topic('v0-topic'), undefined);
    });
  });

  describe('CreatePartitions errors (wire)', () => {
    it("refuses unknown topics, non-increases and foreign assignments with Kafka's messages", async () => {
      await broker.core.logs.createTopic('grow', 2, {});
      const res = await client.request(CreatePartitions, 3, {
        topics: [
          { name: 'nope', count: 3, assignments: null },
          { name: 'grow', count: 2, assignments: null },
          { name: 'dup', count: 2, assignments: null },
          { name: 'dup', count: 3, assignments: null },
        ],
        timeoutMs: 5000,
        validateOnly: false,
      });
      const byName = Object.fromEntries(res.results.map((r) => [r.name, r]));
      assert.equal(byName.nope.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      assert.equal(byName.grow.errorCode, ErrorCode.INVALID_PARTITIONS);
      assert.equal(byName.grow.errorMessage, 'Topic already has 2 partition(s).');
      assert.equal(byName.dup.errorCode, ErrorCode.INVALID_REQUEST);

      const shrink = await client.request(CreatePartitions, 3, {
        topics: [{ name: 'grow', count: 1, assignments: null }],
        timeoutMs: 5000,
      });
      assert.equal(shrink.results[0].errorCode, ErrorCode.INVALID_PARTITIONS);
      assert.equal(
        shrink.results[0].errorMessage,
        'The topic grow currently has 2 partition(s); 1 would not be an increase.',
      );

      for (const assignments of [
        [{ brokerIds: [9] }],
        [{ brokerIds: [1] }, { brokerIds: [1] }],
        [{ brokerIds: [] }],
      ]) {
        const r = await client.request(CreatePartitions, 1, {
          topics: [{ name: 'grow', count: 3, assignments }],
          timeoutMs: 5000,
        });
        assert.equal(
          r.results[0].errorCode,
          ErrorCode.INVALID_REPLICA_ASSIGNMENT,
          JSON.stringify(assignments),
        );
      }
      const dry = await client.request(CreatePartitions, 3, {
        topics: [{ name: 'grow', count: 4, assignments: [{ brokerIds: [1] }, { brokerIds: [1] }] }],
        timeoutMs: 5000,
        validateOnly: true,
      });
      assert.equal(dry.results[0].errorCode, ErrorCode.NONE);
      assert.equal(broker.core.logs.topic('grow')?.partitions, 2, 'nothing changed so far');

      const grown = await client.request(CreatePartitions, 0, {
        topics: [{ name: 'grow', count: 3, assignments: [{ brokerIds: [1] }] }],
        timeoutMs: 5000,
      });
      assert.equal(grown.results[0].errorCode, ErrorCode.NONE);
      assert.equal(broker.core.logs.topic('grow')?.partitions, 3);
      assert.equal((await produce('grow', 2, ['new partition'])).errorCode, ErrorCode.NONE);
    });
  });

  describe('DeleteRecords (wire)', () => {
    it('moves the log start, refuses offsets past the high watermark and unknown partitions', async () => {
      await broker.core.logs.createTopic('trim', 1, {});
      await produce('trim', 0, ['a', 'b', 'c', 'd', 'e']);
      const del = (partitions: { partitionIndex: number; offset: number }[], name = 'trim', version = 2) =>
        client.request(DeleteRecords, version, { topics: [{ name, partitions }], timeoutMs: 5000 });

      const beyond = await del([{ partitionIndex: 0, offset: 6 }]);
      assert.deepEqual(beyond.topics[0].partitions[0], {
        partitionIndex: 0,
        lowWatermark: -1,
        errorCode: ErrorCode.OFFSET_OUT_OF_RANGE,
      });
      assert.equal(broker.core.partition('trim', 0)?.logStartOffset, 0, 'nothing deleted');
      const below = await del([{ partitionIndex: 0, offset: -2 }]);
      assert.equal(below.topics[0].partitions[0].errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);

      const trimmed = await del([{ partitionIndex: 0, offset: 3 }], 'trim', 0);
      assert.deepEqual(trimmed.topics[0].partitions[0], { partitionIndex: 0, lowWatermark: 3, errorCode: 0 });
      const earlier = await del([{ partitionIndex: 0, offset: 1 }]);
      assert.equal(earlier.topics[0].partitions[0].lowWatermark, 3, 'the start never moves back');

      const earliest = await client.request(ListOffsets, 7, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [
          { name: 'trim', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -2 }] },
        ],
      });
      assert.equal(earliest.topics[0].partitions[0].offset, 3);

      const all = await del([{ partitionIndex: 0, offset: -1 }]);
      assert.equal(all.topics[0].partitions[0].lowWatermark, 5);
      const unknown = await del([{ partitionIndex: 1, offset: 0 }]);
      assert.equal(unknown.topics[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const noTopic = await del([{ partitionIndex: 0, offset: 0 }], 'no-such-topic');
      assert.equal(noTopic.topics[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    });
  });

  describe('DeleteTopics (wire)', () => {
    it('deletes by name (v1) and by id (v6); unknown names and ids get their own codes', async () => {
      const a = await broker.core.logs.createTopic('del-a', 1, {});
      await broker.core.logs.createTopic('del-b', 1, {});
      const byName = await client.request(DeleteTopics, 1, {
        topicNames: ['del-b', 'del-ghost'],
        timeoutMs: 5000,
      });
      assert.deepEqual(byName.responses.map((r) => [r.name, r.errorCode]).sort(), [
        ['del-b', ErrorCode.NONE],
        ['del-ghost', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ]);
      const ghostId = 'AAAAAAAAAAAAAAAAAAAAAQ';
      const byId = await client.request(DeleteTopics, 6, {
        topics: [
          { name: null, topicId: a.id },
          { name: null, topicId: ghostId },
          { name: 'x', topicId: ghostId },
          { name: null, topicId: ZERO_UUID },
        ],
        timeoutMs: 5000,
      });
      const answers = byId.responses.map((r) => [r.name, r.topicId, r.errorCode]);
      assert.deepEqual(
        answers.find((r) => r[1] === a.id),
        ['del-a', a.id, ErrorCode.NONE],
      );
      assert.deepEqual(
        answers.find((r) => r[1] === ghostId && r[0] === null),
        [null, ghostId, ErrorCode.UNKNOWN_TOPIC_ID],
      );
      assert.deepEqual(
        answers.find((r) => r[0] === 'x'),
        ['x', ghostId, ErrorCode.INVALID_REQUEST],
      );
      assert.deepEqual(
        answers.find((r) => r[1] === ZERO_UUID),
        [null, ZERO_UUID, ErrorCode.INVALID_REQUEST],
      );
      assert.equal(broker.core.logs.topic('del-a'), undefined);
      assert.equal(broker.core.logs.topic('del-b'), undefined);
    });

    it('wakes a fetch waiting on the deleted topic', async () => {
      const t = await broker.core.logs.createTopic('del-waiting', 1, {});
      const fetcher = await WireClient.connect(broker.port);
      try {
        // maxWaitMs is far beyond the wire client's 10 s request timeout: only the delete can answer.
        const pending = fetcher.request(Fetch, 13, {
          maxWaitMs: 600_000,
          minBytes: 1,
          topics: [
            { topicId: t.id, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] },
          ],
        });
        await eventually('the fetch to wait on the topic', 10_000, async () =>
          broker.core.appends.waitingOn('del-waiting-0') > 0 ? true : undefined,
        );
        const del = await client.request(DeleteTopics, 6, {
          topics: [{ name: 'del-waiting', topicId: ZERO_UUID }],
        });
        assert.equal(del.responses[0].errorCode, ErrorCode.NONE);
        const res = await pending;
        assert.equal(res.responses[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_ID);
      } finally {
        fetcher.close();
      }
    });

    it('forgets idempotent producer state, so a re-created topic starts sequences afresh', async () => {
      await broker.core.logs.createTopic('del-idem', 1, {});
      const init = await client.request(InitProducerId, 4, {
        transactionalId: null,
        transactionTimeoutMs: 60000,
        producerId: -1,
        producerEpoch: -1,
      });
      const pid = { producerId: init.producerId, producerEpoch: init.producerEpoch };
      const send = (baseSequence: number) =>
        client.request(Produce, 9, {
          transactionalId: null,
          acks: -1,
          timeoutMs: 5000,
          topicData: [
            {
              name: 'del-idem',
              partitionData: [
                { index: 0, records: buildBatch([{ value: 'v' }, { value: 'w' }], { ...pid, baseSequence }) },
              ],
            },
          ],
        });
      assert.equal((await send(0)).responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
      assert.equal((await send(2)).responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
      await client.request(DeleteTopics, 6, { topics: [{ name: 'del-idem', topicId: ZERO_UUID }] });
      await broker.core.logs.createTopic('del-idem', 1, {});
      const again = (await send(0)).responses[0].partitionResponses[0];
      assert.equal(again.errorCode, ErrorCode.NONE);
      assert.equal(again.baseOffset, 0, 'a fresh log, not a duplicate of the old one');
    });
  });
});
