// Group APIs in the versions before static membership (KIP-345): JoinGroup v0-4, SyncGroup and
// Heartbeat v0-2 and OffsetCommit v0-6 have no group.instance.id, so every member they make is a
// dynamic member. kafka-python 2.0.2 speaks exactly these versions (JoinGroup v2, SyncGroup v1,
// Heartbeat v1, OffsetCommit v2).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DescribeGroups,
  errorName,
  Heartbeat,
  JoinGroup,
  LeaveGroup,
  OffsetCommit,
  SyncGroup,
} from '../../src/protocol/index.js';
import { encodeAssignment, encodeSubscription } from '../compat/group/wire-group.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { eventually } from '../helpers/waiting.js';
import { WireClient } from '../helpers/wire-client.js';

describe('consumer groups in pre-KIP-345 protocol versions', () => {
  let broker: TestBroker;
  const clients: WireClient[] = [];

  before(async () => {
    broker = await startTestBroker({ autoCreateTopics: false });
    await broker.core.logs.createTopic('t', 2, {});
  });
  after(async () => {
    for (const c of clients) c.close();
    await broker.dispose();
  });

  async function connect() {
    const c = await WireClient.connect(broker.port);
    clients.push(c);
    return c;
  }

  const joinV2 = (c: WireClient, memberId: string) =>
    c.request(JoinGroup, 2, {
      groupId: 'old',
      sessionTimeoutMs: 30_000,
      rebalanceTimeoutMs: 30_000,
      memberId,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: encodeSubscription(['t']) }],
    });

  it('two JoinGroup v2 members are two dynamic members: the second starts a rebalance instead of replacing the first', async () => {
    const a = await connect();
    const b = await connect();
    const first = await joinV2(a, '');
    assert.equal(errorName(first.errorCode), 'NONE');
    const synced = await a.request(SyncGroup, 1, {
      groupId: 'old',
      generationId: first.generationId,
      memberId: first.memberId,
      assignments: [{ memberId: first.memberId, assignment: encodeAssignment({ t: [0, 1] }) }],
    });
    assert.equal(errorName(synced.errorCode), 'NONE');

    const secondJoin = joinV2(b, '');
    secondJoin.catch(() => {}); // awaited below
    await eventually('the second join to start a rebalance', 10_000, async () =>
      broker.core.groups.coordinator.group('old')?.state === 'PreparingRebalance' ? true : undefined,
    );
    const heartbeat = await a.request(Heartbeat, 1, {
      groupId: 'old',
      generationId: first.generationId,
      memberId: first.memberId,
    });
    assert.equal(
      errorName(heartbeat.errorCode),
      'REBALANCE_IN_PROGRESS',
      'the first member is asked to rejoin',
    );
    const [firstAgain, second] = await Promise.all([joinV2(a, first.memberId), secondJoin]);
    assert.equal(errorName(firstAgain.errorCode), 'NONE');
    assert.equal(errorName(second.errorCode), 'NONE');
    assert.notEqual(second.memberId, first.memberId);
    assert.equal(firstAgain.generationId, first.generationId + 1);
    assert.equal(second.generationId, firstAgain.generationId);
    const leader = firstAgain.leader === firstAgain.memberId ? firstAgain : second;
    assert.equal(leader.members.length, 2, 'the leader assigns to both');

    const described = await a.request(DescribeGroups, 1, { groups: ['old'] });
    assert.deepEqual(
      described.groups[0].members.map((m) => m.memberId).sort(),
      [first.memberId, second.memberId].sort(),
    );
    const v5 = await a.request(DescribeGroups, 5, { groups: ['old'], includeAuthorizedOperations: false });
    assert.deepEqual(
      v5.groups[0].members.map((m) => m.groupInstanceId),
      [null, null],
      'no member is static',
    );
    const follower = leader === firstAgain ? second : firstAgain;
    const syncs = await Promise.all(
      [leader, follower].map((m) =>
        (m === firstAgain ? a : b).request(SyncGroup, 1, {
          groupId: 'old',
          generationId: m.generationId,
          memberId: m.memberId,
          assignments:
            m === leader
              ? [
                  { memberId: firstAgain.memberId, assignment: encodeAssignment({ t: [0] }) },
                  { memberId: second.memberId, assignment: encodeAssignment({ t: [1] }) },
                ]
              : [],
        }),
      ),
    );
    assert.deepEqual(
      syncs.map((s) => errorName(s.errorCode)),
      ['NONE', 'NONE'],
    );
    const commit = await a.request(OffsetCommit, 2, {
      groupId: 'old',
      generationIdOrMemberEpoch: firstAgain.generationId,
      memberId: firstAgain.memberId,
      retentionTimeMs: -1,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 0, committedMetadata: '' }] }],
    });
    assert.equal(errorName(commit.topics[0].partitions[0].errorCode), 'NONE');
    const left = await b.request(LeaveGroup, 1, { groupId: 'old', memberId: second.memberId });
    assert.equal(errorName(left.errorCode), 'NONE');
  });

  it('a member that joined with v5 commits with OffsetCommit v5 and heartbeats with Heartbeat v2 (no group.instance.id fields), as KafkaJS 2.2.4 does', async () => {
    const c = await connect();
    const join = (memberId: string) =>
      c.request(JoinGroup, 5, {
        groupId: 'kafkajs-like',
        sessionTimeoutMs: 30_000,
        rebalanceTimeoutMs: 30_000,
        memberId,
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'RoundRobinAssigner', metadata: encodeSubscription(['t']) }],
      });
    const first = await join('');
    assert.equal(errorName(first.errorCode), 'MEMBER_ID_REQUIRED');
    const joined = await join(first.memberId);
    assert.equal(errorName(joined.errorCode), 'NONE');
    const ref = { groupId: 'kafkajs-like', generationId: joined.generationId, memberId: joined.memberId };
    const synced = await c.request(SyncGroup, 2, {
      ...ref,
      assignments: [{ memberId: joined.memberId, assignment: encodeAssignment({ t: [0, 1] }) }],
    });
    const heartbeat = await c.request(Heartbeat, 2, ref);
    const commit = await c.request(OffsetCommit, 5, {
      groupId: 'kafkajs-like',
      generationIdOrMemberEpoch: joined.generationId,
      memberId: joined.memberId,
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0, committedOffset: 0, committedMetadata: null }] },
      ],
    });
    assert.deepEqual(
      {
        SyncGroupV2: errorName(synced.errorCode),
        HeartbeatV2: errorName(heartbeat.errorCode),
        OffsetCommitV5: errorName(commit.topics[0].partitions[0].errorCode),
      },
      { SyncGroupV2: 'NONE', HeartbeatV2: 'NONE', OffsetCommitV5: 'NONE' },
    );
  });
});
