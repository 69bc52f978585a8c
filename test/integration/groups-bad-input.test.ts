// Consumer-group requests that must be refused, over the wire: each gets the error code Apache
// Kafka returns, and leaves the group's state (DescribeGroups) and its committed offsets
// (OffsetFetch) exactly as they were.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DeleteGroups,
  ErrorCode,
  errorName,
  Heartbeat,
  JoinGroup,
  LeaveGroup,
  ListGroups,
  OffsetDelete,
  OffsetFetch,
  SyncGroup,
} from '../../src/protocol/index.js';
import {
  commitErrors,
  commitOffsets,
  committedOffsets,
  describeGroup,
  encodeSubscription,
  groupSnapshot,
  WireMember,
} from '../compat/group/wire-group.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { WireClient } from '../helpers/wire-client.js';

describe('consumer groups: bad input over the wire', () => {
  let broker: TestBroker;
  let client: WireClient;
  const members: WireMember[] = [];

  before(async () => {
    broker = await startTestBroker({ autoCreateTopics: false });
    await broker.core.logs.createTopic('t', 3, {});
    await broker.core.logs.createTopic('u', 2, {});
    client = await WireClient.connect(broker.port);
  });
  after(async () => {
    for (const m of members) m.close();
    client.close();
    await broker.dispose();
  });

  async function member(groupId: string, topics = ['t'], opts: { groupInstanceId?: string } = {}) {
    const m = await WireMember.connect(broker.port, groupId, topics, opts);
    members.push(m);
    return m;
  }

  /** A Stable one-member group (generation 2: the member rejoined once) with t/0 committed at 5. */
  async function stableGroupWithCommit(groupId: string) {
    const m = await member(groupId);
    await m.joinAndSync();
    assert.deepEqual(commitErrors(await m.commit([{ topic: 't', partition: 0, offset: 5 }])), {
      't/0': 'NONE',
    });
    await m.joinAndSync(); // the leader rejoining starts generation 2
    assert.equal(m.generationId, 2);
    return m;
  }

  it('refuses commits from an unknown member, an old generation, or outside the group protocol while it has members', async () => {
    const m = await stableGroupWithCommit('commits');
    const before = await groupSnapshot(client, 'commits');
    assert.equal(before.state, 'Stable');
    const parts = [
      { topic: 't', partition: 0, offset: 50 },
      { topic: 't', partition: 1, offset: 50 },
    ];
    const cases: Array<[string, Parameters<WireMember['commit']>[1], string]> = [
      ['unknown member', { memberId: 'nobody' }, 'UNKNOWN_MEMBER_ID'],
      ['old generation', { generationId: 1 }, 'ILLEGAL_GENERATION'],
      ['future generation', { generationId: 3 }, 'ILLEGAL_GENERATION'],
      [
        'no member id, generation -1, group not empty',
        { memberId: '', generationId: -1 },
        'UNKNOWN_MEMBER_ID',
      ],
    ];
    for (const [what, as, expected] of cases) {
      const errors = commitErrors(await m.commit(parts, as));
      assert.deepEqual(errors, { 't/0': expected, 't/1': expected }, what);
      assert.deepEqual(await groupSnapshot(client, 'commits'), before, `${what}: nothing changed`);
    }
  });

  it('refuses a commit naming a group.instance.id the group does not know (UNKNOWN_MEMBER_ID, ClassicGroup.validateMember)', async () => {
    const m = await member('commits-instance');
    await m.joinAndSync();
    const before = await groupSnapshot(client, 'commits-instance');
    const res = await m.commit([{ topic: 't', partition: 0, offset: 9 }], {
      groupInstanceId: 'not-a-member',
    });
    assert.deepEqual(commitErrors(res), { 't/0': 'UNKNOWN_MEMBER_ID' });
    assert.deepEqual(await groupSnapshot(client, 'commits-instance'), before);
  });

  it('a member commit to a group that does not exist: ILLEGAL_GENERATION up to v8, GROUP_ID_NOT_FOUND from v9; nothing is created', async () => {
    const who = { memberId: 'ghost', generationId: 4, groupInstanceId: null };
    const parts = [{ topic: 't', partition: 0, offset: 1 }];
    const v8 = await commitOffsets(client, 'no-such-group', parts, who, 8);
    const v9 = await commitOffsets(client, 'no-such-group', parts, who, 9);
    assert.deepEqual(
      { v8: commitErrors(v8)['t/0'], v9: commitErrors(v9)['t/0'] },
      { v8: 'ILLEGAL_GENERATION', v9: 'GROUP_ID_NOT_FOUND' },
    );
    assert.equal((await describeGroup(client, 'no-such-group')).groupState, 'Dead');
    assert.deepEqual(await committedOffsets(client, 'no-such-group'), {});
  });

  it('offsets for missing topics and partitions are UNKNOWN_TOPIC_OR_PARTITION; the valid rest of the request is committed', async () => {
    const m = await stableGroupWithCommit('missing');
    const res = await m.commit([
      { topic: 't', partition: 1, offset: 7 },
      { topic: 't', partition: 3, offset: 7 },
      { topic: 't', partition: -1, offset: 7 },
      { topic: 'no-such-topic', partition: 0, offset: 7 },
    ]);
    assert.deepEqual(commitErrors(res), {
      't/1': 'NONE',
      't/3': 'UNKNOWN_TOPIC_OR_PARTITION',
      't/-1': 'UNKNOWN_TOPIC_OR_PARTITION',
      'no-such-topic/0': 'UNKNOWN_TOPIC_OR_PARTITION',
    });
    assert.deepEqual(await committedOffsets(client, 'missing'), { 't/0': 5, 't/1': 7 });
    const fetched = await client.request(OffsetFetch, 7, {
      groupId: 'missing',
      topics: [{ name: 'no-such-topic', partitionIndexes: [0] }],
      requireStable: false,
    });
    assert.equal(fetched.topics[0].partitions[0].committedOffset, -1);
  });

  it('metadata longer than offset.metadata.max.bytes (4096) is OFFSET_METADATA_TOO_LARGE; 4096 is accepted', async () => {
    const m = await stableGroupWithCommit('metadata');
    const ok = await m.commit([{ topic: 't', partition: 2, offset: 9, metadata: 'm'.repeat(4096) }]);
    assert.deepEqual(commitErrors(ok), { 't/2': 'NONE' });
    const before = await groupSnapshot(client, 'metadata');
    const tooLarge = await m.commit([
      { topic: 't', partition: 2, offset: 10, metadata: 'x'.repeat(4097) },
      { topic: 't', partition: 0, offset: 10, metadata: 'y'.repeat(100_000) },
    ]);
    assert.deepEqual(commitErrors(tooLarge), {
      't/2': 'OFFSET_METADATA_TOO_LARGE',
      't/0': 'OFFSET_METADATA_TOO_LARGE',
    });
    assert.deepEqual(await groupSnapshot(client, 'metadata'), before);
    const fetched = await client.request(OffsetFetch, 7, {
      groupId: 'metadata',
      topics: [{ name: 't', partitionIndexes: [2] }],
      requireStable: false,
    });
    assert.equal(fetched.topics[0].partitions[0].metadata, 'm'.repeat(4096));
  });

  it('an empty group id is INVALID_GROUP_ID for JoinGroup, SyncGroup, Heartbeat, LeaveGroup and OffsetDelete', async () => {
    const join = await client.request(JoinGroup, 5, {
      groupId: '',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: encodeSubscription(['t']) }],
    });
    const ref = { groupId: '', generationId: 1, memberId: 'm', groupInstanceId: null };
    const sync = await client.request(SyncGroup, 3, { ...ref, assignments: [] });
    const heartbeat = await client.request(Heartbeat, 3, ref);
    const leave = await client.request(LeaveGroup, 3, {
      groupId: '',
      members: [{ memberId: 'm', groupInstanceId: null }],
    });
    const offsetDelete = await client.request(OffsetDelete, 0, {
      groupId: '',
      topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }],
    });
    const got = {
      JoinGroup: errorName(join.errorCode),
      SyncGroup: errorName(sync.errorCode),
      Heartbeat: errorName(heartbeat.errorCode),
      LeaveGroup: errorName(leave.errorCode),
      OffsetDelete: errorName(offsetDelete.errorCode),
    };
    const expected = Object.fromEntries(Object.keys(got).map((k) => [k, 'INVALID_GROUP_ID']));
    assert.deepEqual(got, expected);
    assert.equal(broker.core.groups.coordinator.group(''), undefined, 'no group "" was created');
  });

  it('an empty group id is accepted by OffsetCommit, OffsetFetch, DescribeGroups and DeleteGroups (Kafka keeps this for backwards compatibility)', async () => {
    // GroupCoordinatorService: "For backwards compatibility, we support offset commits for the
    // empty groupId" (and likewise fetch, describe and delete); only a null group id is invalid.
    const commit = await commitOffsets(client, '', [{ topic: 't', partition: 0, offset: 3 }]);
    const fetch = await client.request(OffsetFetch, 7, { groupId: '', topics: null, requireStable: false });
    const described = await describeGroup(client, '');
    const deleted = await client.request(DeleteGroups, 2, { groupsNames: [''] });
    assert.deepEqual(
      {
        OffsetCommit: commitErrors(commit)['t/0'],
        OffsetFetch: errorName(fetch.errorCode),
        fetched: fetch.topics.flatMap((t) =>
          t.partitions.map((p) => `${t.name}/${p.partitionIndex}@${p.committedOffset}`),
        ),
        DescribeGroups: errorName(described.errorCode),
        DeleteGroups: errorName(deleted.results[0].errorCode),
      },
      {
        OffsetCommit: 'NONE',
        OffsetFetch: 'NONE',
        fetched: ['t/0@3'],
        DescribeGroups: 'NONE',
        DeleteGroups: 'NONE',
      },
    );
  });

  it('OffsetDelete: GROUP_SUBSCRIBED_TO_TOPIC while a member subscribes to the topic; other offsets go; all can once empty', async () => {
    const m = await member('offset-delete', ['t']);
    await m.joinAndSync();
    const committed = await m.commit([
      { topic: 't', partition: 0, offset: 3 },
      { topic: 'u', partition: 0, offset: 4 },
    ]);
    assert.deepEqual(commitErrors(committed), { 't/0': 'NONE', 'u/0': 'NONE' });
    const res = await client.request(OffsetDelete, 0, {
      groupId: 'offset-delete',
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0 }] },
        { name: 'u', partitions: [{ partitionIndex: 0 }] },
        { name: 'no-such-topic', partitions: [{ partitionIndex: 0 }] },
      ],
    });
    assert.equal(res.errorCode, ErrorCode.NONE);
    const codes = Object.fromEntries(
      res.topics.flatMap((t) =>
        t.partitions.map((p) => [`${t.name}/${p.partitionIndex}`, errorName(p.errorCode)]),
      ),
    );
    assert.deepEqual(codes, {
      't/0': 'GROUP_SUBSCRIBED_TO_TOPIC',
      'u/0': 'NONE',
      'no-such-topic/0': 'UNKNOWN_TOPIC_OR_PARTITION',
    });
    assert.deepEqual(await committedOffsets(client, 'offset-delete'), { 't/0': 3 });
    assert.equal((await describeGroup(client, 'offset-delete')).groupState, 'Stable');

    assert.equal(await m.leave(), ErrorCode.NONE);
    assert.equal((await describeGroup(client, 'offset-delete')).groupState, 'Empty');
    const again = await client.request(OffsetDelete, 0, {
      groupId: 'offset-delete',
      topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }],
    });
    assert.equal(again.topics[0].partitions[0].errorCode, ErrorCode.NONE);
    assert.deepEqual(await committedOffsets(client, 'offset-delete'), {});

    const unknown = await client.request(OffsetDelete, 0, {
      groupId: 'no-such-group',
      topics: [{ name: 't', partitions: [{ partitionIndex: 0 }] }],
    });
    assert.equal(unknown.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('DeleteGroups: NON_EMPTY_GROUP while the group has a member (nothing changes); deleted once empty', async () => {
    const m = await stableGroupWithCommit('delete-me');
    const before = await groupSnapshot(client, 'delete-me');
    const refused = await client.request(DeleteGroups, 2, { groupsNames: ['delete-me', 'never-existed'] });
    assert.deepEqual(
      refused.results.map((r) => [r.groupId, errorName(r.errorCode)]),
      [
        ['delete-me', 'NON_EMPTY_GROUP'],
        ['never-existed', 'GROUP_ID_NOT_FOUND'],
      ],
    );
    assert.deepEqual(await groupSnapshot(client, 'delete-me'), before);

    assert.equal(await m.leave(), ErrorCode.NONE);
    const deleted = await client.request(DeleteGroups, 2, { groupsNames: ['delete-me'] });
    assert.equal(deleted.results[0].errorCode, ErrorCode.NONE);
    assert.equal((await describeGroup(client, 'delete-me')).groupState, 'Dead');
    assert.deepEqual(await committedOffsets(client, 'delete-me'), {});
    const twice = await client.request(DeleteGroups, 2, { groupsNames: ['delete-me'] });
    assert.equal(twice.results[0].errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('LeaveGroup for a group that does not exist: v0-2 UNKNOWN_MEMBER_ID; v3+ NONE with UNKNOWN_MEMBER_ID per member', async () => {
    const v1 = await client.request(LeaveGroup, 1, { groupId: 'no-such-group', memberId: 'm' });
    assert.equal(v1.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    const v3 = await client.request(LeaveGroup, 3, {
      groupId: 'no-such-group',
      members: [{ memberId: 'm', groupInstanceId: null }],
    });
    assert.deepEqual(
      { top: errorName(v3.errorCode), members: v3.members.map((m) => errorName(m.errorCode)) },
      { top: 'NONE', members: ['UNKNOWN_MEMBER_ID'] },
    );
  });

  describe('groups in every state', () => {
    let joining: Promise<unknown>;
    before(async () => {
      const stable = await member('ls-stable');
      await stable.joinAndSync();
      await commitOffsets(client, 'ls-empty', [{ topic: 't', partition: 0, offset: 1 }]);
      const first = await member('ls-preparing');
      await first.joinAndSync();
      const second = await member('ls-preparing');
      joining = second.join(); // parks until `first` rejoins, which it never does here
      joining.catch(() => {});
      for (
        let i = 0;
        i < 50 && (await describeGroup(client, 'ls-preparing')).groupState !== 'PreparingRebalance';
        i++
      )
        await new Promise((r) => setTimeout(r, 20));
    });

    async function listed(version: number, statesFilter: string[] = []): Promise<string[]> {
      const res = await client.request(ListGroups, version, { statesFilter, typesFilter: [] });
      assert.equal(res.errorCode, ErrorCode.NONE);
      return res.groups
        .filter((g) => g.groupId.startsWith('ls-'))
        .map((g) => (version >= 4 ? `${g.groupId}:${g.groupState}` : g.groupId))
        .sort();
    }

    it('ListGroups filters by state, case-insensitively (v4+); no filter lists all', async () => {
      const all = ['ls-empty:Empty', 'ls-preparing:PreparingRebalance', 'ls-stable:Stable'];
      assert.deepEqual(await listed(4), all);
      assert.deepEqual(await listed(4, ['Stable']), ['ls-stable:Stable']);
      assert.deepEqual(await listed(4, ['empty']), ['ls-empty:Empty']);
      assert.deepEqual(await listed(5, ['PREPARINGREBALANCE', 'Empty']), [
        'ls-empty:Empty',
        'ls-preparing:PreparingRebalance',
      ]);
      assert.deepEqual(await listed(4, ['Dead']), []);
      assert.deepEqual(await listed(4, ['NoSuchState']), []);
      assert.deepEqual(await listed(0), ['ls-empty', 'ls-preparing', 'ls-stable']);
    });

    it('DescribeGroups of a rebalancing group names no protocol and no member metadata (describeNoMetadata)', async () => {
      const g = await describeGroup(client, 'ls-preparing');
      assert.equal(g.groupState, 'PreparingRebalance');
      assert.equal(g.protocolType, 'consumer');
      assert.equal(g.protocolData, '');
      assert.equal(g.members.length, 2);
      for (const m of g.members) assert.equal(m.memberMetadata.length, 0);
    });
  });
});
