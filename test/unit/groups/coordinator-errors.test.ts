// The error codes the classic group returns to JoinGroup, Heartbeat and SyncGroup, in the situations
// where Apache Kafka's coordinator (GroupMetadataManager / ClassicGroup) returns them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Protocol } from '../../../src/broker/groups/group.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { coordinator, joinNew, proto, ref, req, settle, stableGroup } from './harness.js';

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
    await settle();
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
