// The internal API later issues (metrics, console) build on: committed offset, log end and lag
// per group and partition, and expiry of an empty group's offsets.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, OffsetCommit, Produce } from '../../src/protocol/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { buildBatch } from '../helpers/records.js';
import { WireClient } from '../helpers/wire-client.js';

describe('group lag and offset expiry', () => {
  let broker: TestBroker;
  let client: WireClient;
  before(async () => {
    broker = await startTestBroker();
    await broker.core.logs.createTopic('lagged', 2, {});
    client = await WireClient.connect(broker.port);
  });
  after(async () => {
    client.close();
    await broker.dispose();
  });

  const produce = (partition: number, count: number) =>
    client.request(Produce, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 1000,
      topicData: [
        {
          name: 'lagged',
          partitionData: [
            {
              index: partition,
              records: buildBatch(Array.from({ length: count }, (_, i) => ({ value: `m${i}` }))),
            },
          ],
        },
      ],
    });

  const commit = async (group: string, offsets: [number, number][]) => {
    const res = await client.request(OffsetCommit, 8, {
      groupId: group,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        {
          name: 'lagged',
          partitions: offsets.map(([partitionIndex, committedOffset]) => ({
            partitionIndex,
            committedOffset,
            committedLeaderEpoch: -1,
            committedMetadata: null,
          })),
        },
      ],
    });
    for (const p of res.topics[0].partitions) assert.equal(p.errorCode, ErrorCode.NONE);
  };

  it('reports committed offset, log end offset and lag per partition', async () => {
    await produce(0, 10);
    await produce(1, 4);
    await commit('billing', [
      [0, 7],
      [1, 4],
    ]);
    const lag = broker.core.groups.lag('billing').sort((a, b) => a.partition - b.partition);
    assert.deepEqual(
      lag.map((l) => [l.topic, l.partition, l.committedOffset, l.logEndOffset, l.lag]),
      [
        ['lagged', 0, 7, 10, 3],
        ['lagged', 1, 4, 4, 0],
      ],
    );
    await produce(1, 5);
    assert.equal(broker.core.groups.lag('billing').find((l) => l.partition === 1)?.lag, 5);
  });

  it("expires an empty group's offsets after the retention, and keeps fresh ones", async () => {
    await commit('old-group', [[0, 1]]);
    const service = broker.core.groups;
    assert.equal(await service.expireOffsets(Date.now()), 0, 'nothing is old yet');
    const later = Date.now() + service.options.offsetsRetentionMs + 1;
    assert.ok((await service.expireOffsets(later)) >= 1);
    assert.equal(service.committed('old-group', 'lagged', 0), undefined);
    assert.deepEqual(service.lag('old-group'), []);
  });
});
