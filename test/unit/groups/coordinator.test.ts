// The classic group state machine, driven directly with short timeouts and judged by what Apache
// Kafka's coordinator (GroupMetadataManager / ClassicGroup) does in the same situation.
import assert from 'node:assert/strict';
import { after, afterEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import type { JoinResult, Protocol } from '../../../src/broker/groups/group.js';
import {
  GroupCoordinator,
  type GroupTimeouts,
  type JoinRequest,
  type MemberRef,
} from '../../../src/broker/groups/group-coordinator.js';
import { ErrorCode } from '../../../src/protocol/index.js';

const silent = pino({ level: 'silent' });
const BASE: GroupTimeouts = {
  minSessionTimeoutMs: 10,
  maxSessionTimeoutMs: 60_000,
  initialRebalanceDelayMs: 0,
};
const open: GroupCoordinator[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});
// The coordinator's timers are unref'd (they must not keep a broker alive); this keeps the test
// process running while a test waits for one of them.
const holdOpen = setInterval(() => {}, 1000);
after(() => clearInterval(holdOpen));

interface Harness {
  c: GroupCoordinator;
  /** How many times a rebalance was started (the coordinator's onRebalance hook). */
  rebalances(): number;
  state(groupId?: string): string | undefined;
}

function coordinator(timeouts: Partial<GroupTimeouts> = {}): Harness {
  let rebalances = 0;
  const c = new GroupCoordinator({ ...BASE, ...timeouts }, silent, () => {
    rebalances++;
  });
  open.push(c);
  return { c, rebalances: () => rebalances, state: (g = 'g') => c.group(g)?.state };
}

const proto = (name: string, metadata = name): Protocol => ({ name, metadata: Buffer.from(metadata) });

function req(over: Partial<JoinRequest> = {}): JoinRequest {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    protocolType: 'consumer',
    protocols: [proto('range')],
    requireKnownMemberId: true,
    ...over,
  };
}

/** A new member as a JoinGroup v4+ client does it: MEMBER_ID_REQUIRED, then join with that id. */
async function joinNew(h: Harness, over: Partial<JoinRequest> = {}): Promise<JoinResult> {
  if (over.groupInstanceId) return h.c.join(req(over)); // static members skip KIP-394
  const first = await h.c.join(req(over));
  assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  return h.c.join(req({ ...over, memberId: first.memberId }));
}

const ref = (r: JoinResult, groupInstanceId: string | null = null, groupId = 'g'): MemberRef => ({
  groupId,
  memberId: r.memberId,
  groupInstanceId,
  generationId: r.generationId,
});

const assignmentOf = (memberId: string) => Buffer.from(`assignment of ${memberId}`);

/** Members join together (within the initial rebalance delay), the leader assigns, all sync: Stable. */
async function stableGroup(h: Harness, members: Partial<JoinRequest>[]): Promise<JoinResult[]> {
  const joined = await Promise.all(members.map((m) => joinNew(h, m)));
  for (const j of joined) assert.equal(j.errorCode, ErrorCode.NONE);
  const leader = joined.find((j) => j.memberId === j.leader);
  assert.ok(leader, 'a leader was elected');
  const syncs = joined.map((j, i) =>
    h.c.sync(
      ref(j, members[i].groupInstanceId ?? null),
      j === leader ? joined.map((m) => ({ memberId: m.memberId, assignment: assignmentOf(m.memberId) })) : [],
      { type: null, name: null },
    ),
  );
  for (const s of await Promise.all(syncs)) assert.equal(s.errorCode, ErrorCode.NONE);
  assert.equal(h.state(members[0].groupId), 'Stable');
  return joined;
}

/** Heartbeats every 40 ms until `stop` resolves; returns the error codes seen, in order. */
function keepAlive(h: Harness, r: MemberRef, stop: Promise<unknown>): Promise<number[]> {
  const seen: number[] = [];
  let done = false;
  stop.finally(() => {
    done = true;
  });
  return (async () => {
    while (!done) {
      seen.push(h.c.heartbeat(r));
      await sleep(40);
    }
    return seen;
  })();
}

describe('GroupCoordinator: joining (KIP-394) and generations', () => {
  it('answers a first JoinGroup v4+ with MEMBER_ID_REQUIRED and an id, and admits the rejoin with it', async () => {
    const h = coordinator();
    const first = await h.c.join(req({ protocols: [proto('range', 'meta-a')] }));
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    assert.notEqual(first.memberId, '');
    assert.equal(h.c.group('g')?.members.size, 0, 'a pending member is not a member yet');

    const joined = await h.c.join(req({ memberId: first.memberId, protocols: [proto('range', 'meta-a')] }));
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
    const started = Date.now();
    const rejoin = await h.c.join(req({ memberId: a.memberId })); // the leader rejoining forces a rebalance
    assert.equal(rejoin.errorCode, ErrorCode.NONE);
    assert.ok(Date.now() - started >= 100, 'the join waited for the pending member');
    assert.equal(rejoin.generationId, 2);
    assert.deepEqual(
      rejoin.members.map((m) => m.memberId),
      [a.memberId],
    );
    assert.equal(h.c.group('g')?.pendingMembers.size, 0);
  });

  it('two members joining together share one generation; only the leader gets member metadata; sync → Stable', async () => {
    const h = coordinator({ initialRebalanceDelayMs: 50 });
    const [a, b] = await Promise.all([
      joinNew(h, { clientId: 'a', protocols: [proto('range', 'meta-a')] }),
      joinNew(h, { clientId: 'b', protocols: [proto('range', 'meta-b')] }),
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
    await sleep(10);
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
    await sleep(5);
    assert.equal(h.state(), 'PreparingRebalance');
    assert.equal(h.rebalances(), before + 1);
    const leader = follower === a ? b : a;
    const [l, f] = await Promise.all([h.c.join(req({ memberId: leader.memberId })), changed]);
    assert.equal(l.generationId, 2);
    assert.equal(f.generationId, 2);
  });

  it('chooses the protocol by votes among the protocols every member supports', async () => {
    const h = coordinator({ initialRebalanceDelayMs: 50 });
    const members = [
      [proto('range', 'a-range'), proto('roundrobin', 'a-rr')],
      [proto('roundrobin', 'b-rr'), proto('range', 'b-range')],
      [proto('sticky', 'c-sticky'), proto('roundrobin', 'c-rr'), proto('range', 'c-range')],
    ].map((protocols) => joinNew(h, { protocols }));
    const joined = await Promise.all(members);
    // sticky is not supported by everyone; votes: a → range, b → roundrobin, c → roundrobin.
    for (const j of joined) assert.equal(j.protocolName, 'roundrobin');
    const leader = joined.find((j) => j.leader === j.memberId);
    assert.deepEqual(leader?.members.map((m) => m.metadata.toString()).sort(), ['a-rr', 'b-rr', 'c-rr']);
  });
});

describe('GroupCoordinator: errors where Kafka returns them', () => {
  it('JoinGroup: INVALID_GROUP_ID, INVALID_SESSION_TIMEOUT (nothing created), UNKNOWN_MEMBER_ID for an unknown group', async () => {
    const h = coordinator({ minSessionTimeoutMs: 100, maxSessionTimeoutMs: 1000 });
    assert.equal((await h.c.join(req({ groupId: '' }))).errorCode, ErrorCode.INVALID_GROUP_ID);
    assert.equal(
      (await h.c.join(req({ sessionTimeoutMs: 99 }))).errorCode,
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
    assert.equal(
      (await h.c.join(req({ sessionTimeoutMs: 1001 }))).errorCode,
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
    assert.equal(h.c.group('g'), undefined, 'a rejected join creates no group');
    const known = await h.c.join(req({ memberId: 'someone', sessionTimeoutMs: 100 }));
    assert.equal(known.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal((await h.c.join(req({ sessionTimeoutMs: 100 }))).errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    assert.equal((await h.c.join(req({ sessionTimeoutMs: 1000 }))).errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  });

  it('JoinGroup: INCONSISTENT_GROUP_PROTOCOL for another protocol type, no common protocol or no protocols', async () => {
    const h = coordinator();
    await stableGroup(h, [{ protocols: [proto('range')] }]);
    const before = h.rebalances();
    for (const over of [
      { protocolType: 'connect' },
      { protocols: [proto('roundrobin')] },
      { protocols: [] as Protocol[] },
    ]) {
      const r = await h.c.join(req(over));
      assert.equal(r.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL, JSON.stringify(over));
    }
    assert.equal(h.state(), 'Stable');
    assert.equal(h.c.group('g')?.members.size, 1);
    assert.equal(h.rebalances(), before);
  });

  it('JoinGroup: an empty protocol type cannot start a group (INCONSISTENT_GROUP_PROTOCOL, as ClassicGroup.supportsProtocols)', async () => {
    const h = coordinator();
    const r = await h.c.join(req({ protocolType: '', requireKnownMemberId: false }));
    assert.equal(r.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('Heartbeat: UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, NONE while CompletingRebalance, REBALANCE_IN_PROGRESS while preparing', async () => {
    const h = coordinator();
    assert.equal(
      h.c.heartbeat({ groupId: 'nope', memberId: 'm', groupInstanceId: null, generationId: 1 }),
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    const a = await joinNew(h);
    assert.equal(h.state(), 'CompletingRebalance');
    assert.equal(h.c.heartbeat(ref(a)), ErrorCode.NONE, 'Kafka treats the member as alive while it syncs');
    assert.equal(h.c.heartbeat({ ...ref(a), memberId: 'stranger' }), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(h.c.heartbeat({ ...ref(a), generationId: 0 }), ErrorCode.ILLEGAL_GENERATION);
    assert.equal(h.c.heartbeat({ ...ref(a), generationId: 2 }), ErrorCode.ILLEGAL_GENERATION);
    await h.c.sync(ref(a), [{ memberId: a.memberId, assignment: Buffer.from('x') }], {
      type: null,
      name: null,
    });
    void joinNew(h, { clientId: 'b' });
    await sleep(5);
    assert.equal(h.state(), 'PreparingRebalance');
    assert.equal(h.c.heartbeat(ref(a)), ErrorCode.REBALANCE_IN_PROGRESS);
    assert.equal(h.c.heartbeat({ ...ref(a), generationId: 0 }), ErrorCode.ILLEGAL_GENERATION);
  });

  it('Heartbeat: a group.instance.id the group does not know is UNKNOWN_MEMBER_ID (ClassicGroup.validateMember)', async () => {
    const h = coordinator();
    const [a] = await stableGroup(h, [{}]);
    assert.equal(h.c.heartbeat({ ...ref(a), groupInstanceId: 'not-a-member' }), ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('SyncGroup: UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, INCONSISTENT_GROUP_PROTOCOL', async () => {
    const h = coordinator();
    const [a] = await stableGroup(h, [{}]);
    const none = { type: null, name: null };
    assert.equal(
      (await h.c.sync({ ...ref(a), groupId: 'nope' }, [], none)).errorCode,
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    assert.equal(
      (await h.c.sync({ ...ref(a), memberId: 'x' }, [], none)).errorCode,
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    assert.equal(
      (await h.c.sync({ ...ref(a), generationId: 7 }, [], none)).errorCode,
      ErrorCode.ILLEGAL_GENERATION,
    );
    assert.equal(
      (await h.c.sync(ref(a), [], { type: 'consumer', name: 'roundrobin' })).errorCode,
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
    assert.equal(
      (await h.c.sync(ref(a), [], { type: 'connect', name: 'range' })).errorCode,
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
    assert.equal((await h.c.sync(ref(a), [], { type: 'consumer', name: 'range' })).errorCode, ErrorCode.NONE);
  });
});

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

describe('GroupCoordinator: static membership (KIP-345)', () => {
  const statics = (session = 10_000, rebalance = 10_000): Partial<JoinRequest>[] => [
    { groupInstanceId: 'a', clientId: 'a', sessionTimeoutMs: session, rebalanceTimeoutMs: rebalance },
    { groupInstanceId: 'b', clientId: 'b', sessionTimeoutMs: session, rebalanceTimeoutMs: rebalance },
  ];

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
    const [a, b] = await Promise.all(statics().map((m) => joinNew(h, m)));
    assert.equal(h.state(), 'CompletingRebalance');
    const [leader, follower] = a.leader === a.memberId ? [a, b] : [b, a];
    const instance = follower === a ? 'a' : 'b';
    const restarted = h.c.join(req({ groupInstanceId: instance, clientId: instance }));
    await sleep(5);
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
    await sleep(5);
    const rejoined = h.c.join(req({ memberId: dyn.memberId, ...timeouts }));
    const results = await Promise.all([rejoined, newcomer]);
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

describe('GroupCoordinator: LeaveGroup', () => {
  it('a member leaving rebalances the rest; the last one leaving empties the group with a new generation', async () => {
    const h = coordinator({ initialRebalanceDelayMs: 30 });
    const [a, b] = await stableGroup(h, [{ clientId: 'a' }, { clientId: 'b' }]);
    const [leader, follower] = a.leader === a.memberId ? [a, b] : [b, a];
    assert.equal(h.c.leave('g', follower.memberId, null), ErrorCode.NONE);
    assert.equal(h.state(), 'PreparingRebalance');
    assert.equal(h.c.heartbeat(ref(leader)), ErrorCode.REBALANCE_IN_PROGRESS);
    const next = await h.c.join(req({ memberId: leader.memberId }));
    assert.equal(next.generationId, 2);
    assert.equal(next.members.length, 1);
    assert.equal(h.c.leave('g', leader.memberId, null), ErrorCode.NONE);
    assert.equal(h.state(), 'Empty');
    assert.equal(h.c.group('g')?.generationId, 3);
    assert.equal(h.c.leave('g', leader.memberId, null), ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a v3 batch leaves by member id and by instance id with one rebalance and per-member errors', async () => {
    const h = coordinator({ initialRebalanceDelayMs: 30 });
    const [a, s, b] = await stableGroup(h, [
      { clientId: 'a' },
      { clientId: 's', groupInstanceId: 's' },
      { clientId: 'b' },
    ]);
    const before = h.rebalances();
    const batch: Array<[string, string | null]> = [
      [b.memberId, null],
      ['', 's'], // an admin removing a static member by instance id
      ['ghost', null],
      [a.memberId, 'not-an-instance'],
    ];
    const codes = batch.map(([memberId, instance]) => h.c.leave('g', memberId, instance));
    assert.deepEqual(codes, [
      ErrorCode.NONE,
      ErrorCode.NONE,
      ErrorCode.UNKNOWN_MEMBER_ID,
      ErrorCode.UNKNOWN_MEMBER_ID,
    ]);
    assert.equal(h.rebalances(), before + 1, 'one rebalance for the batch');
    assert.deepEqual([...(h.c.group('g')?.members.keys() ?? [])], [a.memberId]);
    assert.equal(h.c.group('g')?.staticMembers.has('s'), false);
    assert.equal(h.c.heartbeat(ref(s, 's')), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(h.c.leave('nope', a.memberId, null), ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('leaving with a static member id that is not the current one for its instance is FENCED_INSTANCE_ID', async () => {
    const h = coordinator();
    const [s] = await stableGroup(h, [{ groupInstanceId: 's' }]);
    const restarted = await h.c.join(req({ groupInstanceId: 's' }));
    assert.equal(restarted.errorCode, ErrorCode.NONE);
    assert.equal(h.c.leave('g', s.memberId, 's'), ErrorCode.FENCED_INSTANCE_ID);
    assert.equal(h.state(), 'Stable');
    assert.equal(h.c.leave('g', restarted.memberId, 's'), ErrorCode.NONE);
    assert.equal(h.state(), 'Empty');
  });
});
