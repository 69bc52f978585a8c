// Bug 0 of issue 10: one Java (or franz-go) consumer group killed `sluice start`, because the lag
// monitor's DescribeGroups parser read the assignment's user data, which those clients send as null
// (int32 -1), as a compact varint and threw from a socket callback. These pin the decoder that
// replaced it: real Java bytes (captured frames), franz-go's layout, every version, and garbage.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  decodeConsumerAssignment,
  decodeConsumerSubscription,
  decodeRequest,
  decodeResponse,
  encodeConsumerAssignment,
  encodeConsumerSubscription,
  JoinGroup,
  SyncGroup,
} from '../../../src/protocol/index.js';
import { framesDir } from '../../helpers/repo-root.js';

/** Bytes written field by field from ConsumerProtocolAssignment.json, not with our codec. */
class Bytes {
  parts: Buffer[] = [];
  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    this.parts.push(b);
    return this;
  }
  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    this.parts.push(b);
    return this;
  }
  str(s: string): this {
    this.int16(Buffer.byteLength(s));
    this.parts.push(Buffer.from(s));
    return this;
  }
  raw(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const frame = (client: string, name: string) => readFileSync(join(framesDir(), client, name)).subarray(4);

describe('consumer-protocol assignments with null user data (Java, franz-go) decode instead of crashing the lag monitor', () => {
  it("decodes the Java client's real assignment (v3, user data int32 -1) from a captured SyncGroup", () => {
    const { body } = decodeResponse(SyncGroup, 5, frame('java', 'SyncGroup-v5-res-000.bin'));
    // The bytes that crashed @platformatic/kafka's describeGroups: they end in ff ff ff ff.
    assert.equal(body.assignment.subarray(-4).toString('hex'), 'ffffffff');
    assert.deepEqual(decodeConsumerAssignment(body.assignment), {
      version: 3,
      assigned: [{ topic: 'capture-java', partitions: [0, 1] }],
      userData: null,
    });
  });

  it("decodes the Java client's real subscriptions (range and cooperative-sticky, v3) from a captured JoinGroup", () => {
    const { body } = decodeRequest(JoinGroup, frame('java', 'JoinGroup-v9-req-000.bin'));
    const byName = new Map(body.protocols.map((p) => [p.name, decodeConsumerSubscription(p.metadata)]));
    assert.deepEqual(byName.get('range'), {
      version: 3,
      topics: ['capture-java'],
      userData: null,
      ownedPartitions: [],
      generationId: -1,
      rackId: null,
    });
    const sticky = byName.get('cooperative-sticky');
    assert.equal(sticky?.version, 3);
    assert.deepEqual(sticky?.topics, ['capture-java']);
    assert.equal(sticky?.generationId, -1);
  });

  it("decodes franz-go's layouts (v0 eager and v1 cooperative assignments, null user data)", () => {
    const v0 = new Bytes()
      .int16(0)
      .int32(1)
      .str('orders')
      .int32(3)
      .int32(0)
      .int32(1)
      .int32(2)
      .int32(-1)
      .done();
    assert.deepEqual(decodeConsumerAssignment(v0), {
      version: 0,
      assigned: [{ topic: 'orders', partitions: [0, 1, 2] }],
      userData: null,
    });
    const v1 = new Bytes().int16(1).int32(2).str('a').int32(1).int32(4).str('b').int32(0).int32(-1).done();
    assert.deepEqual(decodeConsumerAssignment(v1)?.assigned, [
      { topic: 'a', partitions: [4] },
      { topic: 'b', partitions: [] },
    ]);
  });

  it("decodes librdkafka's and @platformatic/kafka's empty (not null) user data", () => {
    const bytes = new Bytes().int16(0).int32(1).str('t').int32(1).int32(7).int32(0).done();
    assert.deepEqual(decodeConsumerAssignment(bytes)?.userData, Buffer.alloc(0));
    const withData = new Bytes().int16(2).int32(0).int32(3).raw(Buffer.from('abc')).done();
    assert.deepEqual(decodeConsumerAssignment(withData)?.userData, Buffer.from('abc'));
  });

  it('ignores trailing bytes and reads a newer version with the newest layout it knows', () => {
    const base = new Bytes().int16(3).int32(1).str('t').int32(1).int32(0).int32(-1);
    assert.deepEqual(decodeConsumerAssignment(base.raw(Buffer.from('future fields')).done())?.assigned, [
      { topic: 't', partitions: [0] },
    ]);
    const v9 = new Bytes().int16(9).int32(1).str('t').int32(1).int32(5).int32(-1).int32(42).done();
    assert.deepEqual(decodeConsumerAssignment(v9), {
      version: 9,
      assigned: [{ topic: 't', partitions: [5] }],
      userData: null,
    });
  });

  it('returns undefined for bytes that are not a consumer-protocol message, never throws', () => {
    const garbage = [
      Buffer.alloc(0),
      Buffer.from([0]),
      Buffer.from([0xff, 0xff, 0, 0, 0, 0]), // negative version
      new Bytes().int16(0).int32(0x7fffffff).done(), // claims 2^31-1 topics
      new Bytes().int16(0).int32(1).str('t').int32(2).int32(0).done(), // truncated partitions
      new Bytes().int16(0).int32(0).int32(-7).done(), // bad user data length
      Buffer.from('not a kafka message at all'),
    ];
    for (const bytes of garbage) {
      assert.equal(decodeConsumerAssignment(bytes), undefined, bytes.toString('hex'));
      assert.doesNotThrow(() => decodeConsumerSubscription(bytes));
    }
  });

  it('encodes every version so that Kafka’s layout reads back (v0-v3 subscription and assignment)', () => {
    for (let version = 0; version <= 3; version++) {
      const s = encodeConsumerSubscription(version, {
        topics: ['x', 'y'],
        ownedPartitions: [{ topic: 'x', partitions: [1] }],
        generationId: 7,
        rackId: 'r1',
      });
      const back = decodeConsumerSubscription(s);
      assert.deepEqual(back?.topics, ['x', 'y']);
      assert.equal(back?.userData, null);
      assert.deepEqual(back?.ownedPartitions, version >= 1 ? [{ topic: 'x', partitions: [1] }] : []);
      assert.equal(back?.generationId, version >= 2 ? 7 : -1);
      assert.equal(back?.rackId, version >= 3 ? 'r1' : null);
      const a = encodeConsumerAssignment(version, { assigned: [{ topic: 'x', partitions: [0, 2] }] });
      assert.equal(a.subarray(-4).toString('hex'), 'ffffffff');
      assert.deepEqual(decodeConsumerAssignment(a)?.assigned, [{ topic: 'x', partitions: [0, 2] }]);
    }
  });
});
