// A shared harness for the GroupCoordinator tests: coordinators with short timeouts (closed after
// each test), JoinGroup requests and the common ways members reach a generation.
// Importing it registers the per-file cleanup: every coordinator made with coordinator() is closed
// after each test, and the keep-alive interval is cleared when the file's tests end.
import assert from 'node:assert/strict';
import { after, afterEach } from 'node:test';
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

export { sleep };

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

export interface Harness {
  c: GroupCoordinator;
  /** How many times a rebalance was started (the coordinator's onRebalance hook). */
  rebalances(): number;
  state(groupId?: string): string | undefined;
}

export function coordinator(timeouts: Partial<GroupTimeouts> = {}): Harness {
  let rebalances = 0;
  const c = new GroupCoordinator({ ...BASE, ...timeouts }, silent, () => {
    rebalances++;
  });
  open.push(c);
  return { c, rebalances: () => rebalances, state: (g = 'g') => c.group(g)?.state };
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

/** A new member as a JoinGroup v4+ client does it: MEMBER_ID_REQUIRED, then join with that id. */
export async function joinNew(h: Harness, over: Partial<JoinRequest> = {}): Promise<JoinResult> {
  if (over.groupInstanceId) return h.c.join(req(over)); // static members skip KIP-394
  const first = await h.c.join(req(over));
  assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  return h.c.join(req({ ...over, memberId: first.memberId }));
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

/** Two static members, instance ids 'a' and 'b', with the given session and rebalance timeouts. */
export const statics = (session = 10_000, rebalance = 10_000): Partial<JoinRequest>[] => [
  { groupInstanceId: 'a', clientId: 'a', sessionTimeoutMs: session, rebalanceTimeoutMs: rebalance },
  { groupInstanceId: 'b', clientId: 'b', sessionTimeoutMs: session, rebalanceTimeoutMs: rebalance },
];

/** Heartbeats every 40 ms until `stop` resolves; returns the error codes seen, in order. */
export function keepAlive(h: Harness, r: MemberRef, stop: Promise<unknown>): Promise<number[]> {
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
