// Joining a classic group (KIP-394 member ids), generations, leaders and protocol choice, judged by
// what Apache Kafka's coordinator (GroupMetadataManager / ClassicGroup) does in the same situation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../../src/protocol/index.js';
import {
  coordinator,
  isSettled,
  joinNew,
  joinTogether,
  proto,
  ref,
  req,
  settle,
  stableGroup,
} from './harness.js';

describe('GroupCoordinator: joining (KIP-394) and generations', () => {
  it('answers a first JoinGroup v4+ with MEMBER_ID_REQUIRED and an id, and admits the rejoin with it', async () => {
    const h = coordinator();
    const first = await h.c.join(req({ protocols: [proto('range', 'meta-a')] }));
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    assert.notEqual(first.memberId, '');
    assert.equal(h.c.group('g')?.members.size, 0, 'a pending member is not a member yet');

    const joining = h.c.join(req({ memberId: first.memberId, protocols: [proto('range', 'meta-a')] }));
    await h.clock.advance(0); // the zero initial rebalance delay ends
    const joined = await joining;
    assert.equal(joined.errorCode, ErrorCode.NONE);
    assert.equal(joined.memberId, first.memberId);
    assert.equal(joined.generationId, 1);
    assert.equal(joined.leader, first.memberId);
    assert.equal(joined.protocolType, 'consumer');
    assert.equal(joined.protocolName, 'range');
    assert.deepEqual(
      joined.members.map((m) => [m.memberId, m.metadata.toString()]),
      [[first.memberId, 'meta-a']],
    );
    assert.equal(h.state(), 'CompletingRebalance');
  });

  it('a handed-out member id that is never used expires with its session and does not hold up a rebalance', async () => {
    const h = coordinator();
    const [a] = await stableGroup(h, [{}]);
    const pending = await h.c.join(req({ sessionTimeoutMs: 150 }));
    assert.equal(pending.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    assert.equal(h.state(), 'Stable', 'a pending member does not start a rebalance');
    const rejoining = h.c.join(req({ memberId: a.memberId })); // the leader rejoining forces a rebalance
    await h.clock.advance(149);
    assert.equal(await isSettled(rejoining), false, 'the join waits for the pending member');
    assert.equal(h.state(), 'PreparingRebalance');
    await h.clock.advance(1);
    const rejoin = await rejoining;
    assert.equal(rejoin.errorCode, ErrorCode.NONE);
    assert.equal(rejoin.generationId, 2);
    assert.deepEqual(
      rejoin.members.map((m) => m.memberId),
      [a.memberId],
    );
    assert.equal(h.c.group('g')?.pendingMembers.size, 0);
  });

  it('two members joining together share one generation; only the leader gets member metadata; sync → Stable', async () => {
    const h = coordinator({ initialRebalanceDelayMs: 50 });
    const [a, b] = await joinTogether(h, [
      { clientId: 'a', protocols: [proto('range', 'meta-a')] },
      { clientId: 'b', protocols: [proto('range', 'meta-b')] },
    ]);
    assert.equal(a.errorCode, ErrorCode.NONE);
    assert.equal(b.errorCode, ErrorCode.NONE);
    assert.equal(a.generationId, 1);
    assert.equal(b.generationId, 1);
    assert.equal(a.leader, b.leader);
    const [leader, follower] = a.leader === a.memberId ? [a, b] : [b, a];
    assert.deepEqual(leader.members.map((m) => m.metadata.toString()).sort(), ['meta-a', 'meta-b']);
    assert.deepEqual(follower.members, []);
    assert.equal(h.state(), 'CompletingRebalance');

    const followerSync = h.c.sync(ref(follower), [], { type: null, name: null });
    assert.equal(h.state(), 'CompletingRebalance', 'a follower waits for the leader');
    const leaderSync = h.c.sync(
      ref(leader),
      [
        { memberId: leader.memberId, assignment: Buffer.from('L') },
        { memberId: follower.memberId, assignment: Buffer.from('F') },
      ],
      { type: 'consumer', name: 'range' },
    );
    const [fs, ls] = await Promise.all([followerSync, leaderSync]);
    assert.equal(fs.errorCode, ErrorCode.NONE);
    assert.equal(fs.assignment.toString(), 'F');
    assert.equal(ls.assignment.toString(), 'L');
    assert.equal(ls.protocolType, 'consumer');
    assert.equal(ls.protocolName, 'range');
    assert.equal(h.state(), 'Stable');
    assert.equal(h.c.heartbeat(ref(follower)), ErrorCode.NONE);
    assert.equal(h.c.heartbeat(ref(leader)), ErrorCode.NONE);
    // A late SyncGroup in Stable gets the member's current assignment.
    const again = await h.c.sync(ref(follower), [], { type: null, name: null });
    assert.equal(again.assignment.toString(), 'F');
  });

  it('a new member makes a Stable group rebalance; the old member is told so and rejoins into the next generation', async () => {
    const h = coordinator();
    const [a] = await stableGroup(h, [{}]);
    const bJoin = joinNew(h, { clientId: 'b' });
    await settle();
    assert.equal(h.state(), 'PreparingRebalance');
    assert.equal(h.c.heartbeat(ref(a)), ErrorCode.REBALANCE_IN_PROGRESS);
    const sync = await h.c.sync(ref(a), [], { type: null, name: null });
    assert.equal(sync.errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
    const [a2, b] = await Promise.all([h.c.join(req({ memberId: a.memberId })), bJoin]);
    assert.equal(a2.generationId, 2);
    assert.equal(b.generationId, 2);
    assert.equal(a2.leader, a.memberId, 'the leader that rejoined stays leader');
    assert.equal(a2.members.length, 2);
  });

  it('a follower rejoining with the same metadata gets the current generation; changed metadata rebalances', async () => {
    const h = coordinator({ initialRebalanceDelayMs: 30 });
    const [a, b] = await stableGroup(h, [
      { protocols: [proto('range', 'x')] },
      { protocols: [proto('range', 'y')] },
    ]);
    const follower = a.leader === a.memberId ? b : a;
    const meta = follower === a ? 'x' : 'y';
    const before = h.rebalances();
    const same = await h.c.join(req({ memberId: follower.memberId, protocols: [proto('range', meta)] }));
    assert.equal(same.errorCode, ErrorCode.NONE);
    assert.equal(same.generationId, 1);
    assert.equal(h.state(), 'Stable');
    assert.equal(h.rebalances(), before);
    const changed = h.c.join(req({ memberId: follower.memberId, protocols: [proto('range', 'new')] }));
    await settle();
    assert.equal(h.state(), 'PreparingRebalance');
    assert.equal(h.rebalances(), before + 1);
    const leader = follower === a ? b : a;
    const [l, f] = await Promise.all([h.c.join(req({ memberId: leader.memberId })), changed]);
    assert.equal(l.generationId, 2);
    assert.equal(f.generationId, 2);
  });

  it('chooses the protocol by votes among the protocols every member supports', async () => {
    const h = coordinator({ initialRebalanceDelayMs: 50 });
    const joined = await joinTogether(
      h,
      [
        [proto('range', 'a-range'), proto('roundrobin', 'a-rr')],
        [proto('roundrobin', 'b-rr'), proto('range', 'b-range')],
        [proto('sticky', 'c-sticky'), proto('roundrobin', 'c-rr'), proto('range', 'c-range')],
      ].map((protocols) => ({ protocols })),
    );
    // sticky is not supported by everyone; votes: a → range, b → roundrobin, c → roundrobin.
    for (const j of joined) assert.equal(j.protocolName, 'roundrobin');
    const leader = joined.find((j) => j.leader === j.memberId);
    assert.deepEqual(leader?.members.map((m) => m.metadata.toString()).sort(), ['a-rr', 'b-rr', 'c-rr']);
  });

  it('with no initial delay, members starting together still share the first generation (pending ids are awaited)', async () => {
    // Regression: the first round closed while members were on their way back with their KIP-394 ids.
    const h = coordinator({ initialRebalanceDelayMs: 0 });
    const ids = await Promise.all(['a', 'b', 'c'].map((clientId) => h.c.join(req({ clientId }))));
    for (const r of ids) assert.equal(r.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    const first = h.c.join(req({ clientId: 'a', memberId: ids[0].memberId }));
    await h.clock.advance(20);
    assert.equal(h.state(), 'PreparingRebalance', 'the round waits for the pending members');
    const rest = ids.slice(1).map((r, i) => h.c.join(req({ clientId: ['b', 'c'][i], memberId: r.memberId })));
    const joined = await Promise.all([first, ...rest]);
    for (const j of joined) assert.equal(j.generationId, 1);
    assert.equal(joined.find((j) => j.leader === j.memberId)?.members.length, 3);
  });
});
