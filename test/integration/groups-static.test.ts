// Static membership (KIP-345) with a real client: a member killed and restarted with the same
// group.instance.id within its session takes its place back without a rebalance.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { peerMissing } from '../compat/peers.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { eventually } from '../helpers/waiting.js';

const SESSION_MS = 8000;

describe('static membership with librdkafka (kcat)', () => {
  let broker: TestBroker;
  let missing: string | null;
  const children: ChildProcess[] = [];

  before(async () => {
    missing = await peerMissing('kcat');
    broker = await startTestBroker({ groups: { minSessionTimeoutMs: 1000 } });
    await broker.core.logs.createTopic('static', 4, {});
  });
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await broker.dispose();
  });

  function member(instance: string): ChildProcess {
    const child = spawn(
      'kcat',
      [
        '-b',
        broker.bootstrap,
        '-G',
        'static-group',
        'static',
        '-q',
        '-f',
        '',
        '-X',
        `group.instance.id=${instance}`,
      ].concat(['-X', `session.timeout.ms=${SESSION_MS}`, '-X', 'heartbeat.interval.ms=500']),
      { stdio: 'ignore' },
    );
    children.push(child);
    return child;
  }

  const group = () => broker.core.groups.coordinator.group('static-group');
  const until = (what: string, ok: () => boolean, timeoutMs = 15_000) =>
    eventually(what, timeoutMs, async () => (ok() ? true : undefined)).catch((err: Error) => {
      throw new Error(`${err.message} (group ${group()?.state})`);
    });

  /** Counts the heartbeats each member id sends from now on (the real coordinator answers them). */
  function countHeartbeats(): Map<string, number> {
    const seen = new Map<string, number>();
    const coordinator = broker.core.groups.coordinator;
    const answer = coordinator.heartbeat.bind(coordinator);
    coordinator.heartbeat = (ref) => {
      seen.set(ref.memberId, (seen.get(ref.memberId) ?? 0) + 1);
      return answer(ref);
    };
    return seen;
  }

  it('keeps the generation when a killed member restarts with the same instance id', async (t) => {
    if (missing) return t.skip(missing);
    const a = member('a');
    member('b');
    await until('two stable members', () => group()?.state === 'Stable' && group()?.members.size === 2);
    const generation = group()?.generationId;
    const oldId = group()?.staticMembers.get('a');

    a.kill('SIGKILL');
    await new Promise((r) => a.once('exit', r));
    member('a');
    await until('the restarted member', () => {
      const id = group()?.staticMembers.get('a');
      return id !== undefined && id !== oldId && group()?.state === 'Stable';
    });
    // Both members go on heartbeating (three rounds each); nothing may rebalance meanwhile.
    const heartbeats = countHeartbeats();
    await until('three heartbeats from each member', () =>
      [...(group()?.members.keys() ?? [])].every((id) => (heartbeats.get(id) ?? 0) >= 3),
    );
    assert.equal(group()?.generationId, generation, 'no rebalance');
    assert.equal(group()?.members.size, 2);
    assert.equal(group()?.state, 'Stable');
  });
});
