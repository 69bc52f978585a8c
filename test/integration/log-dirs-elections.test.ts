// DescribeLogDirs (kafka-log-dirs.sh, consoles' topic sizes) and ElectLeaders
// (kafka-leader-election.sh) answered as a single Kafka node answers them.
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeLogDirs, ElectLeaders, ErrorCode, Produce } from '../../src/protocol/index.js';
import { kafkaTool, peerMissing } from '../compat/peers.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { buildBatch } from '../helpers/records.js';
import { WireClient } from '../helpers/wire-client.js';

describe('DescribeLogDirs and ElectLeaders', { concurrency: 1 }, () => {
  let broker: TestBroker;
  let client: WireClient;

  before(async () => {
    broker = await startTestBroker({ autoCreateTopics: false });
    await broker.core.logs.createTopic('sized', 2, {});
    await broker.core.logs.createTopic('other', 1, {});
    client = await WireClient.connect(broker.port);
    const res = await client.request(Produce, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: 'sized', partitionData: [{ index: 1, records: buildBatch([{ value: 'x' }]) }] }],
    });
    assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
  });
  after(async () => {
    client.close();
    await broker.dispose();
  });

  const logDir = () => resolve(broker.core.options.dataDir);

  it('DescribeLogDirs v4 reports the data dir, partition sizes and the volume', async () => {
    const res = await client.request(DescribeLogDirs, 4, {
      topics: [
        { topic: 'sized', partitions: [0, 1, 7] },
        { topic: 'missing', partitions: [0] },
      ],
    });
    assert.equal(res.errorCode, ErrorCode.NONE);
    assert.equal(res.results.length, 1);
    const [dir] = res.results;
    assert.equal(dir.errorCode, ErrorCode.NONE);
    assert.equal(dir.logDir, logDir());
    assert.ok(dir.totalBytes > 0 && dir.usableBytes >= 0 && dir.usableBytes <= dir.totalBytes);
    // Partitions this node does not hold (sized-7, missing-0) are left out, as Kafka does.
    assert.deepEqual(dir.topics, [
      {
        name: 'sized',
        partitions: [
          { partitionIndex: 0, partitionSize: 0, offsetLag: 0, isFutureKey: false },
          {
            partitionIndex: 1,
            partitionSize: broker.core.partition('sized', 1)?.size,
            offsetLag: 0,
            isFutureKey: false,
          },
        ],
      },
    ]);
    assert.ok((broker.core.partition('sized', 1)?.size ?? 0) > 0);
  });

  it('DescribeLogDirs with null topics lists every partition (v0 and v4)', async () => {
    for (const version of [0, 4]) {
      const res = await client.request(DescribeLogDirs, version, { topics: null });
      const names = res.results[0].topics.map((t) => `${t.name}:${t.partitions.length}`).sort();
      assert.ok(names.includes('sized:2') && names.includes('other:1'), names.join(','));
    }
  });

  it('ElectLeaders: named partitions need no election; unknown ones are refused', async () => {
    for (const electionType of [0, 1]) {
      const res = await client.request(ElectLeaders, 2, {
        electionType,
        topicPartitions: [
          { topic: 'sized', partitions: [0, 5] },
          { topic: 'missing', partitions: [0] },
        ],
        timeoutMs: 1000,
      });
      assert.equal(res.errorCode, ErrorCode.NONE);
      assert.deepEqual(res.replicaElectionResults, [
        {
          topic: 'sized',
          partitionResult: [
            {
              partitionId: 0,
              errorCode: ErrorCode.ELECTION_NOT_NEEDED,
              errorMessage: 'Leader election not needed for topic partition.',
            },
            {
              partitionId: 5,
              errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              errorMessage: 'No such partition as sized-5',
            },
          ],
        },
        {
          topic: 'missing',
          partitionResult: [
            {
              partitionId: 0,
              errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
              errorMessage: 'No such topic as missing',
            },
          ],
        },
      ]);
    }
  });

  it('ElectLeaders for all partitions lists topics without rows; v0 works; bad type is refused', async () => {
    const all = await client.request(ElectLeaders, 1, { electionType: 0, topicPartitions: null });
    assert.equal(all.errorCode, ErrorCode.NONE);
    const sized = all.replicaElectionResults.find((r) => r.topic === 'sized');
    assert.deepEqual(sized, { topic: 'sized', partitionResult: [] });
    const v0 = await client.request(ElectLeaders, 0, {
      topicPartitions: [{ topic: 'other', partitions: [0] }],
    });
    assert.equal(v0.replicaElectionResults[0].partitionResult[0].errorCode, ErrorCode.ELECTION_NOT_NEEDED);
    const bad = await client.request(ElectLeaders, 2, { electionType: 7, topicPartitions: null });
    assert.equal(bad.errorCode, ErrorCode.INVALID_REQUEST);
  });

  describe("Apache Kafka's tools", () => {
    it('kafka-log-dirs.sh --describe shows each partition and its size', async (t) => {
      const missing = await peerMissing('kafka-tools');
      if (missing) return t.skip(missing);
      const out = (
        await kafkaTool('log-dirs', [
          '--bootstrap-server',
          broker.bootstrap,
          '--describe',
          '--topic-list',
          'sized',
        ])
      ).stdout.toString();
      const json = JSON.parse(out.trim().split('\n').at(-1) ?? '');
      const [entry] = json.brokers;
      assert.equal(entry.broker, broker.core.nodeId);
      assert.equal(entry.logDirs[0].logDir, logDir());
      assert.equal(entry.logDirs[0].error, null);
      const sizes = Object.fromEntries(
        entry.logDirs[0].partitions.map((p: { partition: string; size: number }) => [p.partition, p.size]),
      );
      assert.deepEqual(sizes, { 'sized-0': 0, 'sized-1': broker.core.partition('sized', 1)?.size });
    });

    it('kafka-leader-election.sh: nothing to do for all partitions, "already elected" for one', async (t) => {
      const missing = await peerMissing('kafka-tools');
      if (missing) return t.skip(missing);
      const elect = async (args: string[]) =>
        (
          await kafkaTool('leader-election', ['--bootstrap-server', broker.bootstrap, ...args])
        ).stdout.toString();
      assert.equal((await elect(['--election-type', 'preferred', '--all-topic-partitions'])).trim(), '');
      assert.match(
        await elect(['--election-type', 'unclean', '--topic', 'sized', '--partition', '1']),
        /Valid replica already elected for partitions sized-1/,
      );
      await assert.rejects(
        elect(['--election-type', 'preferred', '--topic', 'missing', '--partition', '0']),
        /No such topic as missing/,
      );
    });
  });
});
