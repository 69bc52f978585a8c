// A shared harness for the GroupCoordinator tests: coordinators on a manual clock (closed after
// each test), JoinGroup requests and the common ways members reach a generation. Time moves only
// through h.clock.advance(), so session and rebalance timeouts of seconds pass in no time and a
// test can say exactly when something happens (at 299 ms not yet, at 300 ms it has).
// Importing it registers the per-file cleanup: every coordinator made with coordinator() is closed
// after each test.
import assert from 'node:assert/strict';
import { afterEach } from 'node:test';
import { pino } from 'pino';
import type { JoinResult, Protocol } from '../../../src/broker/groups/group.js';
import {
  GroupCoordinator,
  type GroupTimeouts,
  type JoinRequest,
  type MemberRef,
} from '../../../src/broker/groups/group-coordinator.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { ManualClock, settle } from '../../helpers/manual-clock.js';

export { settle };

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

export interface Harness {
  c: GroupCoordinator;
  clock: ManualClock;
  timeouts: GroupTimeouts;
  /** How many times a rebalance was started (the coordinator's onRebalance hook). */
  rebalances(): number;
  state(groupId?: string): string | undefined;
}

export function coordinator(over: Partial<GroupTimeouts> = {}): Harness {
  let rebalances = 0;
  const clock = new ManualClock();
  const timeouts = { ...BASE, ...over };
  const c = new GroupCoordinator(
    timeouts,
    silent,
    () => {
      rebalances++;
    },
    clock,
  );
  open.push(c);
  return { c, clock, timeouts, rebalances: () => rebalances, state: (g = 'g') => c.group(g)?.state };
}

/** Whether a promise has settled yet (after the continuations already queued have run). */
export async function isSettled(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  p.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  await settle();
  return settled;
}

export const proto = (name: string, metadata = name): Protocol => ({ name, metadata: Buffer.from(metadata) });

export function req(over: Partial<JoinRequest> = {}): JoinRequest {
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

/**
 * A new member as a JoinGroup v4+ client does it: MEMBER_ID_REQUIRED, then join with that id.
 * Timers due at the current instant fire (a first round's zero initial delay ends at once, as
 * it does on a real clock); the clock does not move.
 */
export async function joinNew(h: Harness, over: Partial<JoinRequest> = {}): Promise<JoinResult> {
  let joining: Promise<JoinResult>;
  if (over.groupInstanceId)
    joining = h.c.join(req(over)); // static members skip KIP-394
  else {
    const first = await h.c.join(req(over));
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    joining = h.c.join(req({ ...over, memberId: first.memberId }));
  }
  await h.clock.advance(0);
  return joining;
}

/** New members join together; the clock then moves past the initial rebalance delay. */
export async function joinTogether(h: Harness, members: Partial<JoinRequest>[]): Promise<JoinResult[]> {
  const joining = Promise.all(members.map((m) => joinNew(h, m)));
  await settle();
  await h.clock.advance(h.timeouts.initialRebalanceDelayMs);
  return joining;
}

export const ref = (r: JoinResult, groupInstanceId: string | null = null, groupId = 'g'): MemberRef => ({
  groupId,
  memberId: r.memberId,
  groupInstanceId,
  generationId: r.generationId,
});

export const assignmentOf = (memberId: string) => Buffer.from(`assignment of ${memberId}`);

/** Members join together (within the initial rebalance delay), the leader assigns, all sync: Stable. */
export async function stableGroup(h: Harness, members: Partial<JoinRequest>[]): Promise<JoinResult[]> {
  const joined = await joinTogether(h, members);
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

/** Two static members, instance ids 'a' and 'b', with the given session and rebalance timeouts. */
export const statics = (session = 10_000, rebalance = 10_000): Partial<JoinRequest>[] => [
  { groupInstanceId: 'a', clientId: 'a', sessionTimeoutMs: session, rebalanceTimeoutMs: rebalance },
  { groupInstanceId: 'b', clientId: 'b', sessionTimeoutMs: session, rebalanceTimeoutMs: rebalance },
];

/**
 * Moves the clock forward by `ms` in steps of `every` (the last one shorter), and after each step
 * every member in `refs` heartbeats; returns the error codes each one saw, in order.
 */
export async function heartbeating(
  h: Harness,
  refs: MemberRef[],
  ms: number,
  every = 40,
): Promise<number[][]> {
  const seen = refs.map((): number[] => []);
  for (let passed = 0; passed < ms; ) {
    const step = Math.min(every, ms - passed);
    await h.clock.advance(step);
    passed += step;
    for (const [i, r] of refs.entries()) seen[i].push(h.c.heartbeat(r));
  }
  return seen;
}
