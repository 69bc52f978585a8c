// Session and rebalance timeouts of the classic group, driven with short timeouts and judged by what
// Apache Kafka's coordinator (GroupMetadataManager / ClassicGroup) does in the same situation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JoinResult } from '../../../src/broker/groups/group.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { assignmentOf, coordinator, joinNew, keepAlive, ref, req, sleep, stableGroup } from './harness.js';

describe('GroupCoordinator: session and rebalance timeouts', () => {
  it('a silent member is expelled after its session timeout and the survivor is asked to rebalance', async () => {
    const h = coordinator({ initialRebalanceDelayMs: 30 });
    const [a, b] = await stableGroup(h, [
      { clientId: 'a', sessionTimeoutMs: 200 },
      { clientId: 'b', sessionTimeoutMs: 200 },
    ]);
    const [alive, silentOne] = a.leader === a.memberId ? [a, b] : [b, a];
    const started = Date.now();
    let code: number = ErrorCode.NONE;
    while (code === ErrorCode.NONE && Date.now() - started < 3000) {
      await sleep(40);
      code = h.c.heartbeat(ref(alive));
    }
    const elapsed = Date.now() - started;
    assert.equal(code, ErrorCode.REBALANCE_IN_PROGRESS);
    assert.ok(elapsed >= 150 && elapsed < 1500, `expelled after ${elapsed} ms`);
    assert.equal(h.c.group('g')?.members.has(silentOne.memberId), false);
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
    const started = Date.now();
    const rejoin = h.c.join(
      req({ memberId: leader.memberId, sessionTimeoutMs: 5000, rebalanceTimeoutMs: 300 }),
    );
    const heartbeats = keepAlive(h, ref(lagger), rejoin);
    const next = await rejoin;
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 250, `join completed after ${elapsed} ms, before the rebalance timeout`);
    assert.equal(next.generationId, 2);
    assert.deepEqual(
      next.members.map((m) => m.memberId),
      [leader.memberId],
    );
    assert.ok((await heartbeats).includes(ErrorCode.REBALANCE_IN_PROGRESS));
    assert.equal(h.c.heartbeat(ref(lagger)), ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a follower waiting in SyncGroup for a slow leader is not expelled by its session timeout (awaiting sync satisfies it)', async () => {
    const h = coordinator({ initialRebalanceDelayMs: 30 });
    const joined = await Promise.all([
      joinNew(h, { clientId: 'a', sessionTimeoutMs: 200, rebalanceTimeoutMs: 5000 }),
      joinNew(h, { clientId: 'b', sessionTimeoutMs: 200, rebalanceTimeoutMs: 5000 }),
    ]);
    const leader = joined.find((j) => j.leader === j.memberId) as JoinResult;
    const follower = joined.find((j) => j !== leader) as JoinResult;
    const followerSync = h.c.sync(ref(follower), [], { type: null, name: null });
    // The leader heartbeats while it computes the assignment for 500 ms (> the session timeout).
    await keepAlive(h, ref(leader), sleep(500));
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
    const joined = await Promise.all([
      joinNew(h, { clientId: 'a', ...timeouts }),
      joinNew(h, { clientId: 'b', ...timeouts }),
    ]);
    const leader = joined.find((j) => j.leader === j.memberId) as JoinResult;
    const follower = joined.find((j) => j !== leader) as JoinResult;
    const assignments = joined.map((j) => ({ memberId: j.memberId, assignment: assignmentOf(j.memberId) }));
    const started = Date.now();
    assert.equal(
      (await h.c.sync(ref(leader), assignments, { type: null, name: null })).errorCode,
      ErrorCode.NONE,
    );
    const heartbeats = keepAlive(h, ref(follower), sleep(600));
    const leaderSees = keepAlive(h, ref(leader), sleep(600));
    assert.ok((await leaderSees).includes(ErrorCode.REBALANCE_IN_PROGRESS), 'the leader is asked to rejoin');
    assert.equal(
      h.c.group('g')?.members.has(follower.memberId),
      false,
      'the follower that never synced is gone',
    );
    assert.ok((await heartbeats).includes(ErrorCode.UNKNOWN_MEMBER_ID));
    assert.ok(Date.now() - started >= 250);
  });
});
