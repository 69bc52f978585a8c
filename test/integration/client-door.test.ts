// The client room's door (src/client/index.ts) against both brokers it serves: Sluice's and Apache
// Kafka (the reference, through scripts/peers/kafka.sh; that half is skipped with the reason when
// it is not installed). The same operations and assertions run against each: topics and their
// configs, produce (keyed, keyless, headers, timestamps, every codec) and read back, ListOffsets,
// group offsets, groups made by a real non-platformatic client (Kafka's Java console consumer),
// internal topics, and the errors an unknown topic gives.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ClientError,
  type Compression,
  type ConsumedRecord,
  GroupReader,
  KafkaAdmin,
  KafkaProducer,
  PartitionReader,
} from '../../src/client/index.js';
import { isSluiceError } from '../../src/errors/index.js';
import { ATTRIBUTES, Fetch, readBatchHeader } from '../../src/protocol/index.js';
import { startKafka } from '../compat/matrix/brokers.js';
import { kafkaTool, peerMissing, repoRoot } from '../compat/peers.js';
import { startTestBroker } from '../helpers/broker-fixture.js';
import { eventually } from '../helpers/waiting.js';
import { WireClient } from '../helpers/wire-client.js';

const noKafka = await peerMissing('kafka-tools');
const CODECS: Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
const KEYS = ['alpha', 'beta', 'gamma', 'delta'];

interface Broker {
  bootstrap: string;
  stop(): Promise<void>;
}

/** Whether `error` is the door's ClientError (a SluiceError) with `code`. */
function clientError(code: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ClientError, `a ClientError, got ${String(error)}`);
    assert.ok(isSluiceError(error));
    assert.equal(error.code, code, error.message);
    return true;
  };
}

/** Polls `reader` until it has returned `count` records. */
async function readAll(reader: PartitionReader, count: number): Promise<ConsumedRecord[]> {
  const records: ConsumedRecord[] = [];
  await eventually(`${count} records`, 15_000, async () => {
    records.push(...(await reader.poll(200)));
    return records.length >= count ? true : undefined;
  });
  return records;
}

async function readTopic(bootstrap: string, topic: string, count: number): Promise<ConsumedRecord[]> {
  const reader = await PartitionReader.open({ bootstrap: [bootstrap], topic, start: 'earliest' });
  try {
    return await readAll(reader, count);
  } finally {
    await reader.close();
  }
}

const text = (b: Buffer | null) => b?.toString('utf8') ?? null;

function doorSuite(name: string, start: () => Promise<Broker>, skip: string | false): void {
  describe(`the client door against ${name}`, { skip, concurrency: 1 }, () => {
    let broker: Broker;
    let admin: KafkaAdmin;
    let producer: KafkaProducer;
    const children: ChildProcess[] = [];

    before(async () => {
      broker = await start();
      admin = new KafkaAdmin({ bootstrap: [broker.bootstrap], clientId: 'door-test' });
      producer = new KafkaProducer({ bootstrap: [broker.bootstrap], clientId: 'door-test' });
    });
    after(async () => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
      await producer?.close();
      await admin?.close();
      await broker?.stop();
    });

    it('creates, describes, lists, configures and deletes topics', async () => {
      await admin.createTopic('door-topic', { partitions: 3, configs: { 'retention.ms': '3600000' } });
      await assert.rejects(admin.createTopic('door-topic', { partitions: 1 }), clientError('CONFLICT'));
      const listed = await admin.listTopics();
      assert.ok(listed.includes('door-topic'), listed.join());
      const topic = await admin.describeTopic('door-topic');
      assert.equal(topic.name, 'door-topic');
      assert.equal(topic.internal, false);
      assert.match(topic.id, /^[A-Za-z0-9_-]{22}$/);
      assert.deepEqual(
        topic.partitions.map((p) => p.partition),
        [0, 1, 2],
      );
      for (const p of topic.partitions) {
        assert.ok(p.leader >= 0);
        assert.deepEqual(p.replicas, [p.leader]);
        assert.deepEqual(p.isr, [p.leader]);
      }
      assert.equal(await admin.partitionCount('door-topic'), 3);

      const configs = new Map((await admin.topicConfigs('door-topic'))?.map((c) => [c.name, c]));
      assert.deepEqual(configs.get('retention.ms'), {
        name: 'retention.ms',
        value: '3600000',
        isDefault: false,
        isSensitive: false,
      });
      assert.equal(configs.get('cleanup.policy')?.value, 'delete');
      assert.equal(configs.get('cleanup.policy')?.isDefault, true);
      await admin.setTopicConfigs('door-topic', { 'retention.ms': '7200000', 'cleanup.policy': 'compact' });
      const altered = new Map((await admin.topicConfigs('door-topic'))?.map((c) => [c.name, c.value]));
      assert.equal(altered.get('retention.ms'), '7200000');
      assert.equal(altered.get('cleanup.policy'), 'compact');

      await admin.deleteTopic('door-topic');
      await eventually('door-topic gone', 10_000, async () =>
        (await admin.listTopics()).includes('door-topic') ? undefined : true,
      );
      await assert.rejects(admin.describeTopic('door-topic'), clientError('NOT_FOUND'));
    });

    it('an unknown topic is NOT_FOUND wherever the door meets it', async () => {
      await assert.rejects(admin.describeTopic('door-missing'), clientError('NOT_FOUND'));
      await assert.rejects(admin.deleteTopic('door-missing'), clientError('NOT_FOUND'));
      await assert.rejects(admin.partitionCount('door-missing'), clientError('NOT_FOUND'));
      // However long open may wait for a topic being created, one nobody created is NOT_FOUND at
      // once (a reader that waited for it would run into the test's timeout instead).
      await assert.rejects(
        PartitionReader.open({
          bootstrap: [broker.bootstrap],
          topic: 'door-missing',
          start: 'earliest',
          readyTimeoutMs: 3_600_000,
        }),
        clientError('NOT_FOUND'),
      );
      assert.deepEqual(
        await admin.listOffsets([{ topic: 'door-missing', partitions: [0] }], 'latest'),
        new Map([['door-missing', new Map()]]),
      );
      await assert.rejects(
        GroupReader.open({
          bootstrap: [broker.bootstrap],
          topic: 'door-missing',
          group: 'door-missing-g',
          start: 'earliest',
        }),
        clientError('NOT_FOUND'),
      );
      await assert.rejects(
        producer.send([{ topic: 'door-missing', value: Buffer.from('x') }]),
        (error: unknown) => error instanceof ClientError,
      );
      assert.ok(!(await admin.listTopics()).includes('door-missing'), 'not auto-created');
    });

    it('produces keyed and keyless records with headers and timestamps, and reads them back', async () => {
      await admin.createTopic('door-records', { partitions: 3 });
      const base = BigInt(Date.now() - 60_000);
      await producer.send(
        KEYS.flatMap((key, i) =>
          [0, 1].map((n) => ({
            topic: 'door-records',
            key: Buffer.from(key),
            value: Buffer.from(`${key}-${n}`),
            headers: new Map([[Buffer.from('n'), Buffer.from(String(n))]]),
            timestamp: base + BigInt(i * 10 + n),
          })),
        ),
      );
      await producer.send(
        [0, 1, 2].map((n) => ({ topic: 'door-records', value: Buffer.from(`keyless-${n}`) })),
      );
      const records = await readTopic(broker.bootstrap, 'door-records', KEYS.length * 2 + 3);
      assert.equal(records.length, KEYS.length * 2 + 3);
      for (const [i, key] of KEYS.entries()) {
        const mine = records.filter((r) => text(r.key) === key).sort((a, b) => Number(a.offset - b.offset));
        assert.deepEqual(
          mine.map((r) => text(r.value)),
          [`${key}-0`, `${key}-1`],
        );
        assert.equal(mine[0]?.partition, mine[1]?.partition, `one partition for key ${key}`);
        assert.deepEqual(
          mine.map((r) => r.timestamp),
          [base + BigInt(i * 10), base + BigInt(i * 10 + 1)],
        );
        assert.deepEqual(
          mine.map((r) => r.headers.map(([k, v]) => [text(k), text(v)])),
          [[['n', '0']], [['n', '1']]],
        );
      }
      const keyless = records.filter((r) => r.key === null);
      assert.deepEqual(keyless.map((r) => text(r.value)).sort(), ['keyless-0', 'keyless-1', 'keyless-2']);
      assert.deepEqual(keyless[0]?.headers, []);
      // Round robin: three keyless records, one per partition.
      assert.deepEqual(keyless.map((r) => r.partition).sort(), [0, 1, 2]);
    });

    it('bug 1: a send right after CreateTopics wrote some partitions twice on Apache Kafka', async () => {
      // The library retries a request whole when one partition failed (its leader not yet known
      // right after CreateTopics); the door's idempotent producer keeps the retry from writing the
      // partitions that had succeeded again.
      for (let i = 0; i < 8; i++) {
        const topic = `door-fresh-send-${i}`;
        await admin.createTopic(topic, { partitions: 3 });
        await producer.send([0, 1, 2].map((partition) => ({ topic, partition, value: Buffer.from('once') })));
        const ends = await admin.listOffsets([{ topic, partitions: [0, 1, 2] }], 'latest');
        assert.deepEqual(Object.fromEntries(ends.get(topic) ?? []), { 0: 1n, 1: 1n, 2: 1n }, topic);
      }
    });

    it('bug 2: idempotent producers of different processes shared producer id 0 on Sluice and lost records', async () => {
      // The library asked InitProducerId to bump producer 0's epoch rather than for a new id; Sluice
      // granted it, so a second producer's batches looked like the first's duplicates and were dropped.
      await admin.createTopic('door-producers', { partitions: 1 });
      for (const name of ['first', 'second', 'third']) {
        const one = new KafkaProducer({ bootstrap: [broker.bootstrap], clientId: name, idempotent: true });
        try {
          await one.send(
            [1, 2].map((n) => ({
              topic: 'door-producers',
              partition: 0,
              value: Buffer.from(`${name}-${n}`),
            })),
          );
        } finally {
          await one.close();
        }
      }
      const records = await readTopic(broker.bootstrap, 'door-producers', 6);
      assert.deepEqual(
        records.map((r) => text(r.value)),
        ['first-1', 'first-2', 'second-1', 'second-2', 'third-1', 'third-2'],
      );
    });

    it('compresses with every codec and reads every codec back', async () => {
      const wire = await WireClient.connect(Number(broker.bootstrap.split(':')[1]));
      try {
        for (const [code, compression] of CODECS.entries()) {
          const topic = `door-codec-${compression}`;
          await admin.createTopic(topic, { partitions: 1 });
          const values = Array.from({ length: 20 }, (_, i) => `${compression} record ${i} `.repeat(10));
          await producer.send(
            values.map((v) => ({ topic, partition: 0, value: Buffer.from(v) })),
            { compression },
          );
          // The codec of the batch as stored, seen with Sluice's own codec.
          const res = await wire.request(Fetch, 12, {
            maxWaitMs: 0,
            minBytes: 1,
            maxBytes: 1 << 20,
            isolationLevel: 0,
            sessionId: 0,
            sessionEpoch: -1,
            topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }],
          });
          const bytes = res.responses[0]?.partitions[0]?.records;
          assert.ok(bytes);
          assert.equal(readBatchHeader(bytes, 0).attributes & ATTRIBUTES.compressionMask, code, compression);
          const records = await readTopic(broker.bootstrap, topic, values.length);
          assert.deepEqual(
            records.map((r) => text(r.value)),
            values,
          );
        }
      } finally {
        wire.close();
      }
    });

    it('lists offsets: earliest, latest and by time', async () => {
      await admin.createTopic('door-times', { partitions: 2 });
      const base = Date.now() - 3_600_000;
      await producer.send(
        [0, 1000, 2000].map((dt, i) => ({
          topic: 'door-times',
          partition: 0,
          value: Buffer.from(`t${i}`),
          timestamp: BigInt(base + dt),
        })),
      );
      const both = [{ topic: 'door-times', partitions: [0, 1] }];
      const at = async (spec: Parameters<KafkaAdmin['listOffsets']>[1]) =>
        Object.fromEntries((await admin.listOffsets(both, spec)).get('door-times') ?? []);
      assert.deepEqual(await at('earliest'), { 0: 0n, 1: 0n });
      assert.deepEqual(await at('latest'), { 0: 3n, 1: 0n });
      assert.deepEqual(await at({ timestamp: base + 1500 }), { 0: 2n, 1: -1n });
      assert.deepEqual(await at({ timestamp: base }), { 0: 0n, 1: -1n });
      assert.deepEqual(await at({ timestamp: base + 10_000 }), { 0: -1n, 1: -1n });

      const reader = await PartitionReader.open({
        bootstrap: [broker.bootstrap],
        topic: 'door-times',
        start: 'latest',
      });
      try {
        assert.deepEqual(Object.fromEntries(reader.positions), { 0: 3n, 1: 0n });
        assert.deepEqual(Object.fromEntries(await reader.startOffsets()), { 0: 0n, 1: 0n });
        reader.seek(0, 1n);
        const rest = await readAll(reader, 2);
        assert.deepEqual(
          rest.map((r) => [r.offset, text(r.value)]),
          [
            [1n, 't1'],
            [2n, 't2'],
          ],
        );
      } finally {
        await reader.close();
      }
    });

    it('reads a topic it has just created', async () => {
      await admin.createTopic('door-fresh', { partitions: 3 });
      const reader = await PartitionReader.open({
        bootstrap: [broker.bootstrap],
        topic: 'door-fresh',
        start: 'earliest',
        justCreated: true,
      });
      try {
        assert.deepEqual([...reader.positions.keys()].sort(), [0, 1, 2]);
        await producer.send([{ topic: 'door-fresh', partition: 2, value: Buffer.from('first') }]);
        const [record] = await readAll(reader, 1);
        assert.equal(text(record?.value ?? null), 'first');
      } finally {
        await reader.close();
      }
    });

    it('commits and reads group offsets, and lists and describes the group', async () => {
      await admin.createTopic('door-offsets', { partitions: 2 });
      await admin.commitGroupOffsets(
        'door-simple',
        new Map([
          [
            'door-offsets',
            new Map([
              [0, 0n],
              [1, 0n],
            ]),
          ],
        ]),
      );
      await admin.commitGroupOffsets('door-simple', new Map([['door-offsets', new Map([[1, 0n]])]]));
      const committed = await admin.committedOffsets(['door-simple', 'door-never']);
      assert.deepEqual(Object.fromEntries(committed.get('door-simple')?.get('door-offsets') ?? []), {
        0: 0n,
        1: 0n,
      });
      assert.deepEqual(committed.get('door-never'), new Map());
      const listed = (await admin.listGroups()).find((g) => g.groupId === 'door-simple');
      assert.equal(listed?.state, 'Empty');
      const described = (await admin.describeGroups(['door-simple'])).get('door-simple');
      assert.equal(described?.state, 'Empty');
      assert.deepEqual(described?.members, []);
      assert.equal((await admin.describeGroups(['door-never'])).get('door-never')?.state, 'Dead');
      const coordinator = await admin.coordinatorOf('door-simple');
      assert.equal(`${coordinator?.host}:${coordinator?.port}`, broker.bootstrap);
    });

    it('reads as a member of a group, commits, and leaves the group Empty with its offsets', async () => {
      await admin.createTopic('door-group', { partitions: 2 });
      await producer.send(
        ['a', 'b', 'c'].map((v, i) => ({ topic: 'door-group', partition: i % 2, value: Buffer.from(v) })),
      );
      const reader = await GroupReader.open({
        bootstrap: [broker.bootstrap],
        topic: 'door-group',
        group: 'door-group-g',
        start: 'earliest',
      });
      try {
        const records: ConsumedRecord[] = [];
        await eventually('3 records as a group member', 20_000, async () => {
          records.push(...(await reader.poll(200)));
          return records.length >= 3 ? true : undefined;
        });
        assert.deepEqual(records.map((r) => text(r.value)).sort(), ['a', 'b', 'c']);
        await reader.commit(records);
        const live = (await admin.describeGroups(['door-group-g'])).get('door-group-g');
        assert.equal(live?.state, 'Stable');
        assert.deepEqual(live?.members[0]?.assignment, [{ topic: 'door-group', partitions: [0, 1] }]);
      } finally {
        await reader.close();
      }
      await eventually('the group Empty', 10_000, async () =>
        (await admin.describeGroups(['door-group-g'])).get('door-group-g')?.state === 'Empty'
          ? true
          : undefined,
      );
      const committed = (await admin.committedOffsets(['door-group-g'])).get('door-group-g');
      assert.deepEqual(Object.fromEntries(committed?.get('door-group') ?? []), { 0: 2n, 1: 1n });
    });

    it("describes a Java consumer's group live and after it left; a key lands where Java puts it", {
      skip: noKafka ?? false,
    }, async () => {
      await admin.createTopic('door-java', { partitions: 3 });
      await kafkaTool(
        'console-producer',
        [
          '--bootstrap-server',
          broker.bootstrap,
          '--topic',
          'door-java',
          '--reader-property',
          'parse.key=true',
          '--reader-property',
          'key.separator=:',
        ],
        { input: KEYS.map((k) => `${k}:java\n`).join('') },
      );
      await producer.send(
        KEYS.map((k) => ({ topic: 'door-java', key: Buffer.from(k), value: Buffer.from('door') })),
      );
      const records = await readTopic(broker.bootstrap, 'door-java', KEYS.length * 2);
      for (const key of KEYS) {
        const where = records
          .filter((r) => text(r.key) === key)
          .map((r) => `${text(r.value)}@${r.partition}`);
        const java = where.find((w) => w.startsWith('java@'))?.slice(5);
        assert.deepEqual(where.sort(), [`door@${java}`, `java@${java}`], `key ${key}`);
      }

      const script = join(repoRoot(), 'scripts', 'peers', 'kafka-tool.sh');
      const consumer = spawn(
        'bash',
        [
          script,
          'console-consumer',
          '--bootstrap-server',
          broker.bootstrap,
          '--topic',
          'door-java',
          '--group',
          'door-java-g',
          '--from-beginning',
          '--command-property',
          'group.protocol=classic',
          '--command-property',
          'client.id=door-java-client',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(consumer);
      const exited = new Promise<void>((resolve) => consumer.once('close', () => resolve()));
      let printed = '';
      consumer.stdout?.on('data', (d: Buffer) => {
        printed += d.toString('utf8');
      });
      const live = await eventually('the Java consumer assigned every partition', 30_000, async () => {
        const group = (await admin.describeGroups(['door-java-g'])).get('door-java-g');
        return group?.state === 'Stable' && group.members[0]?.assignment?.length ? group : undefined;
      });
      assert.equal(live.protocolType, 'consumer');
      assert.ok(live.protocol.length > 0, 'an assignor was chosen');
      assert.equal(live.members.length, 1);
      const [member] = live.members;
      assert.equal(member?.clientId, 'door-java-client');
      assert.match(member?.clientHost ?? '', /127\.0\.0\.1/);
      assert.deepEqual(member?.assignment, [{ topic: 'door-java', partitions: [0, 1, 2] }]);
      const listed = (await admin.listGroups()).find((g) => g.groupId === 'door-java-g');
      assert.equal(listed?.protocolType, 'consumer');
      assert.equal(listed?.state, 'Stable');
      await eventually('the Java consumer printed every record', 20_000, async () =>
        printed.split('\n').filter((l) => l === 'java' || l === 'door').length === KEYS.length * 2
          ? true
          : undefined,
      );

      // Stopped, it commits what it read (auto-commit on close) and leaves the group.
      consumer.kill('SIGTERM');
      await exited;
      const left = await eventually('the group Empty', 10_000, async () => {
        const group = (await admin.describeGroups(['door-java-g'])).get('door-java-g');
        return group?.state === 'Empty' ? group : undefined;
      });
      assert.deepEqual(left.members, []);
      const ends = await admin.listOffsets([{ topic: 'door-java', partitions: [0, 1, 2] }], 'latest');
      const committed = (await admin.committedOffsets(['door-java-g'])).get('door-java-g');
      assert.deepEqual(committed, ends);
    });

    it('sees the internal offsets topic only when asked', async () => {
      const all = await admin.listTopics({ internal: true });
      assert.ok(all.includes('__consumer_offsets'), all.join());
      assert.ok(!(await admin.listTopics()).includes('__consumer_offsets'));
      const offsetsTopic = await admin.describeTopic('__consumer_offsets');
      assert.equal(offsetsTopic.internal, true);
      const partitions = offsetsTopic.partitions.map((p) => p.partition);
      const ends = await admin.listOffsets([{ topic: '__consumer_offsets', partitions }], 'latest');
      const written = [...(ends.get('__consumer_offsets')?.values() ?? [])].reduce((a, b) => a + b, 0n);
      assert.ok(written > 0n, 'the commits above are in it');
    });
  });
}

doorSuite(
  "Sluice's broker",
  async () => {
    const broker = await startTestBroker({ autoCreateTopics: false, defaultPartitions: 3 });
    return { bootstrap: broker.bootstrap, stop: () => broker.dispose() };
  },
  false,
);

doorSuite('Apache Kafka', startKafka, noKafka ?? false);
