// LeaveGroup in the classic group (single members, v3 batches, static members), judged by what
// Apache Kafka's coordinator (GroupMetadataManager / ClassicGroup) does in the same situation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorCode } from '../../../src/protocol/index.js';
import { coordinator, ref, req, stableGroup } from './harness.js';

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
