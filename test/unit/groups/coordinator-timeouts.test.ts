// Session and rebalance timeouts of the classic group, driven on a manual clock and judged by what
// Apache Kafka's coordinator (GroupMetadataManager / ClassicGroup) does in the same situation.
// Each timeout is checked on both sides of its edge: 1 ms before it nothing has happened, at it
// the coordinator has acted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JoinResult } from '../../../src/broker/groups/group.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import {
  assignmentOf,
  coordinator,
  heartbeating,
  isSettled,
  joinTogether,
  ref,
  req,
  stableGroup,
} from './harness.js';

describe('GroupCoordinator: session and rebalance timeouts', () => {
  it('a silent member is expelled after its session timeout and the survivor is asked to rebalance', async () => {
    const h = coordinator({ initialRebalanceDelayMs: 30 });
    const [a, b] = await stableGroup(h, [
      { clientId: 'a', sessionTimeoutMs: 200 },
      { clientId: 'b', sessionTimeoutMs: 200 },
    ]);
    const [alive, silentOne] = a.leader === a.memberId ? [a, b] : [b, a];
    // The silent member last spoke with its SyncGroup, at the current instant.
    const [before] = await heartbeating(h, [ref(alive)], 199);
    assert.ok(
      before.every((code) => code === ErrorCode.NONE),
      `no rebalance before the timeout: ${before}`,
    );
    assert.equal(h.c.group('g')?.members.has(silentOne.memberId), true, 'still a member at 199 ms');
    await h.clock.advance(1);
    assert.equal(h.c.group('g')?.members.has(silentOne.memberId), false, 'expelled at 200 ms');
    assert.equal(h.c.heartbeat(ref(alive)), ErrorCode.REBALANCE_IN_PROGRESS);
    const next = await h.c.join(req({ memberId: alive.memberId, sessionTimeoutMs: 200 }));
    assert.equal(next.generationId, 2);
    assert.deepEqual(
      next.members.map((m) => m.memberId),
      [alive.memberId],
    );
    assert.equal(h.c.heartbeat(ref(silentOne)), ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a member that keeps heartbeating but does not rejoin is dropped when the rebalance timeout ends', async () => {
    const h = coordinator({ initialRebalanceDelayMs: 30 });
    const [a, b] = await stableGroup(h, [
      { clientId: 'a', sessionTimeoutMs: 5000, rebalanceTimeoutMs: 300 },
      { clientId: 'b', sessionTimeoutMs: 5000, rebalanceTimeoutMs: 300 },
    ]);
    const [leader, lagger] = a.leader === a.memberId ? [a, b] : [b, a];
    const rejoin = h.c.join(
      req({ memberId: leader.memberId, sessionTimeoutMs: 5000, rebalanceTimeoutMs: 300 }),
    );
    const [heartbeats] = await heartbeating(h, [ref(lagger)], 299);
    assert.ok(heartbeats.includes(ErrorCode.REBALANCE_IN_PROGRESS), 'the lagger is told to rejoin');
    assert.equal(await isSettled(rejoin), false, 'the round stays open until the rebalance timeout');
    await h.clock.advance(1);
    const next = await rejoin;
    assert.equal(next.generationId, 2);
    assert.deepEqual(
      next.members.map((m) => m.memberId),
      [leader.memberId],
    );
    assert.equal(h.c.heartbeat(ref(lagger)), ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a follower waiting in SyncGroup for a slow leader is not expelled by its session timeout (awaiting sync satisfies it)', async () => {
    const h = coordinator({ initialRebalanceDelayMs: 30 });
    const joined = await joinTogether(h, [
      { clientId: 'a', sessionTimeoutMs: 200, rebalanceTimeoutMs: 5000 },
      { clientId: 'b', sessionTimeoutMs: 200, rebalanceTimeoutMs: 5000 },
    ]);
    const leader = joined.find((j) => j.leader === j.memberId) as JoinResult;
    const follower = joined.find((j) => j !== leader) as JoinResult;
    const followerSync = h.c.sync(ref(follower), [], { type: null, name: null });
    // The leader heartbeats while it computes the assignment for 500 ms (> the session timeout).
    const [leaderSaw] = await heartbeating(h, [ref(leader)], 500);
    assert.ok(
      leaderSaw.every((code) => code === ErrorCode.NONE),
      `${leaderSaw}`,
    );
    assert.equal(h.c.group('g')?.members.has(follower.memberId), true);
    const assignments = joined.map((j) => ({ memberId: j.memberId, assignment: assignmentOf(j.memberId) }));
    const leaderSync = await h.c.sync(ref(leader), assignments, { type: null, name: null });
    assert.equal(leaderSync.errorCode, ErrorCode.NONE);
    const fs = await followerSync;
    assert.equal(fs.errorCode, ErrorCode.NONE);
    assert.deepEqual(fs.assignment, assignmentOf(follower.memberId));
    assert.equal(h.state(), 'Stable');
  });

  it('a member that does not send SyncGroup within the rebalance timeout is removed and the group rebalances', async () => {
    // Kafka's pending-sync deadline: heartbeats alone do not keep a member that never syncs.
    const h = coordinator({ initialRebalanceDelayMs: 30 });
    const timeouts = { sessionTimeoutMs: 5000, rebalanceTimeoutMs: 300 };
    const joined = await joinTogether(h, [
      { clientId: 'a', ...timeouts },
      { clientId: 'b', ...timeouts },
    ]);
    const leader = joined.find((j) => j.leader === j.memberId) as JoinResult;
    const follower = joined.find((j) => j !== leader) as JoinResult;
    const assignments = joined.map((j) => ({ memberId: j.memberId, assignment: assignmentOf(j.memberId) }));
    assert.equal(
      (await h.c.sync(ref(leader), assignments, { type: null, name: null })).errorCode,
      ErrorCode.NONE,
    );
    // The sync deadline started when the join round completed, at the current instant.
    const [followerBefore, leaderBefore] = await heartbeating(h, [ref(follower), ref(leader)], 299);
    assert.ok([...followerBefore, ...leaderBefore].every((code) => code === ErrorCode.NONE));
    assert.equal(h.c.group('g')?.members.has(follower.memberId), true, 'still a member at 299 ms');
    const [followerAfter, leaderAfter] = await heartbeating(h, [ref(follower), ref(leader)], 301);
    assert.ok(leaderAfter.includes(ErrorCode.REBALANCE_IN_PROGRESS), 'the leader is asked to rejoin');
    assert.equal(
      h.c.group('g')?.members.has(follower.memberId),
      false,
      'the follower that never synced is gone',
    );
    assert.ok(followerAfter.includes(ErrorCode.UNKNOWN_MEMBER_ID));
  });
});
