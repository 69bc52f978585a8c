// Static membership (KIP-345, KIP-814) in the classic group, judged by what Apache Kafka's
// coordinator (GroupMetadataManager / ClassicGroup) does in the same situation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../../src/protocol/index.js';
import {
  assignmentOf,
  coordinator,
  isSettled,
  joinNew,
  joinTogether,
  ref,
  req,
  settle,
  stableGroup,
  statics,
} from './harness.js';

describe('GroupCoordinator: static membership (KIP-345)', () => {
  it('a restarted follower keeps its assignment and the generation without a rebalance; the old id is fenced', async () => {
    const h = coordinator({ initialRebalanceDelayMs: 30 });
    const [a, b] = await stableGroup(h, statics());
    const [leader, follower] = a.leader === a.memberId ? [a, b] : [b, a];
    const instance = follower === a ? 'a' : 'b';
    const before = h.rebalances();

    const restarted = await h.c.join(req({ groupInstanceId: instance, clientId: instance }));
    assert.equal(restarted.errorCode, ErrorCode.NONE);
    assert.notEqual(restarted.memberId, follower.memberId);
    assert.equal(restarted.generationId, follower.generationId);
    assert.equal(restarted.leader, leader.memberId);
    assert.deepEqual(restarted.members, []);
    assert.equal(restarted.skipAssignment, false);
    assert.equal(h.state(), 'Stable');
    assert.equal(h.rebalances(), before, 'no rebalance');

    const sync = await h.c.sync(ref(restarted, instance), [], { type: null, name: null });
    assert.equal(sync.errorCode, ErrorCode.NONE);
    assert.deepEqual(sync.assignment, assignmentOf(follower.memberId), 'the old assignment is kept');
    assert.equal(h.c.heartbeat(ref(follower, instance)), ErrorCode.FENCED_INSTANCE_ID);
    assert.equal(
      (await h.c.join(req({ memberId: follower.memberId, groupInstanceId: instance }))).errorCode,
      ErrorCode.FENCED_INSTANCE_ID,
    );
    assert.equal(h.c.heartbeat(ref(restarted, instance)), ErrorCode.NONE);
    assert.equal(h.c.heartbeat(ref(leader, instance === 'a' ? 'b' : 'a')), ErrorCode.NONE);
  });

  it('a restarted static leader keeps the generation and is told to skip the assignment (KIP-814)', async () => {
    const h = coordinator({ initialRebalanceDelayMs: 30 });
    const [a, b] = await stableGroup(h, statics());
    const leader = a.leader === a.memberId ? a : b;
    const instance = leader === a ? 'a' : 'b';
    const before = h.rebalances();
    const restarted = await h.c.join(req({ groupInstanceId: instance, clientId: instance }));
    assert.equal(restarted.errorCode, ErrorCode.NONE);
    assert.equal(restarted.generationId, leader.generationId);
    assert.equal(restarted.leader, restarted.memberId);
    assert.equal(restarted.skipAssignment, true);
    assert.equal(restarted.members.length, 2);
    assert.equal(h.rebalances(), before);
    assert.equal(h.state(), 'Stable');
  });

  it('a static member that restarts while the group is CompletingRebalance triggers a new rebalance', async () => {
    // Kafka: "the old member may already be sent to the leader for assignment ... the new member id
    // would not get any assignment" (updateStaticMemberThenRebalanceOrCompleteJoin).
    const h = coordinator({ initialRebalanceDelayMs: 30 });
    const [a, b] = await joinTogether(h, statics());
    assert.equal(h.state(), 'CompletingRebalance');
    const [leader, follower] = a.leader === a.memberId ? [a, b] : [b, a];
    const instance = follower === a ? 'a' : 'b';
    const restarted = h.c.join(req({ groupInstanceId: instance, clientId: instance }));
    await settle();
    assert.equal(h.state(), 'PreparingRebalance');
    const leaderSync = await h.c.sync(
      ref(leader, instance === 'a' ? 'b' : 'a'),
      [{ memberId: follower.memberId, assignment: Buffer.from('stale') }],
      { type: null, name: null },
    );
    assert.equal(leaderSync.errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
    const [l2, f2] = await Promise.all([
      h.c.join(req({ memberId: leader.memberId, groupInstanceId: instance === 'a' ? 'b' : 'a' })),
      restarted,
    ]);
    assert.equal(l2.generationId, 2);
    assert.equal(f2.generationId, 2);
    assert.ok(
      l2.members.some((m) => m.memberId === f2.memberId),
      'the leader assigns to the new member id',
    );
  });

  it('a static member that misses the rebalance deadline stays in the group (only dynamic members are dropped)', async () => {
    const h = coordinator({ initialRebalanceDelayMs: 30 });
    const timeouts = { sessionTimeoutMs: 5000, rebalanceTimeoutMs: 200 };
    const [dyn, stat] = await stableGroup(h, [
      { clientId: 'dynamic', ...timeouts },
      { clientId: 'static', groupInstanceId: 's', ...timeouts },
    ]);
    // A newcomer starts a rebalance; the dynamic member rejoins, the static one stays silent.
    const newcomer = joinNew(h, { clientId: 'newcomer', ...timeouts });
    await settle();
    const rejoined = h.c.join(req({ memberId: dyn.memberId, ...timeouts }));
    const round = Promise.all([rejoined, newcomer]);
    await h.clock.advance(199);
    assert.equal(await isSettled(round), false, 'the round waits for the static member');
    await h.clock.advance(1);
    const results = await round;
    for (const r of results) assert.equal(r.generationId, 2);
    assert.ok(h.c.group('g')?.members.has(stat.memberId), 'the static member is still a member');
    const leader = results.find((r) => r.leader === r.memberId);
    assert.ok(leader, 'a member that rejoined leads');
    assert.ok(
      leader.members.some((m) => m.memberId === stat.memberId),
      'the leader assigns partitions to the static member too',
    );
  });
});
