// The __consumer_offsets decoder: bytes built by hand from Kafka's published record layout (key
// versions 0-2, value versions 0-4) and bytes written by Sluice's own OffsetStore.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeOffsetsTopicRecord,
  encodeOffsetKey,
  encodeOffsetValue,
  OffsetsRecordError,
} from '../../../src/protocol/index.js';

const i16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const i32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const i64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(n));
  return b;
};
const str = (s: string) => Buffer.concat([i16(Buffer.byteLength(s)), Buffer.from(s)]);
const compactStr = (s: string) => Buffer.concat([Buffer.from([Buffer.byteLength(s) + 1]), Buffer.from(s)]);

const key = (version: number) => Buffer.concat([i16(version), str('billing'), str('orders'), i32(7)]);
const expectedKey = { group: 'billing', topic: 'orders', partition: 7 };

describe('__consumer_offsets decoder', () => {
  it('reads offset commit keys v0 and v1, and passes over group metadata (v2) and newer records', () => {
    for (const v of [0, 1]) {
      const rec = decodeOffsetsTopicRecord(key(v), Buffer.concat([i16(2), i64(42), str(''), i64(1700)]));
      assert.equal(rec.kind, 'commit');
      assert.deepEqual(rec.kind === 'commit' && rec.key, expectedKey);
    }
    const groupMetadata = Buffer.concat([i16(2), str('billing')]);
    assert.deepEqual(decodeOffsetsTopicRecord(groupMetadata, Buffer.from([0, 3, 1, 2])), {
      kind: 'other',
      keyVersion: 2,
    });
    assert.deepEqual(decodeOffsetsTopicRecord(Buffer.concat([i16(11), str('x')]), null), {
      kind: 'other',
      keyVersion: 11,
    });
  });

  it('reads every offset commit value version', () => {
    const cases: [string, Buffer, object][] = [
      [
        'v0: offset, metadata, timestamp',
        Buffer.concat([i16(0), i64(100), str('m0'), i64(1_700_000_000_000)]),
        {
          offset: 100,
          leaderEpoch: -1,
          metadata: 'm0',
          commitTimestamp: 1_700_000_000_000,
          expireTimestamp: -1,
        },
      ],
      [
        'v1: + expire timestamp',
        Buffer.concat([i16(1), i64(101), str('m1'), i64(1_700_000_000_001), i64(1_700_000_600_000)]),
        {
          offset: 101,
          leaderEpoch: -1,
          metadata: 'm1',
          commitTimestamp: 1_700_000_000_001,
          expireTimestamp: 1_700_000_600_000,
        },
      ],
      [
        'v2: no expire timestamp',
        Buffer.concat([i16(2), i64(102), str(''), i64(1_700_000_000_002)]),
        {
          offset: 102,
          leaderEpoch: -1,
          metadata: '',
          commitTimestamp: 1_700_000_000_002,
          expireTimestamp: -1,
        },
      ],
      [
        'v3: + leader epoch',
        Buffer.concat([i16(3), i64(103), i32(5), str('m3'), i64(1_700_000_000_003)]),
        {
          offset: 103,
          leaderEpoch: 5,
          metadata: 'm3',
          commitTimestamp: 1_700_000_000_003,
          expireTimestamp: -1,
        },
      ],
      [
        'v4: flexible, compact metadata and a tagged field',
        Buffer.concat([
          i16(4),
          i64(2 ** 40),
          i32(-1),
          compactStr('m4'),
          i64(1_700_000_000_004),
          // One tagged field: tag 0, 16 bytes (a topic id).
          Buffer.from([1, 0, 16]),
          Buffer.alloc(16, 0xab),
        ]),
        {
          offset: 2 ** 40,
          leaderEpoch: -1,
          metadata: 'm4',
          commitTimestamp: 1_700_000_000_004,
          expireTimestamp: -1,
        },
      ],
    ];
    for (const [name, value, expected] of cases) {
      const rec = decodeOffsetsTopicRecord(key(1), value);
      assert.equal(rec.kind, 'commit', name);
      assert.deepEqual(rec.kind === 'commit' && rec.value, expected, name);
    }
  });

  it('reads a missing or empty value as a tombstone', () => {
    assert.deepEqual(decodeOffsetsTopicRecord(key(1), null), { kind: 'tombstone', key: expectedKey });
    assert.deepEqual(decodeOffsetsTopicRecord(key(0), Buffer.alloc(0)), {
      kind: 'tombstone',
      key: expectedKey,
    });
  });

  it('refuses truncated bytes and unknown value versions with OffsetsRecordError', () => {
    assert.throws(() => decodeOffsetsTopicRecord(key(1).subarray(0, 10), null), OffsetsRecordError);
    assert.throws(
      () => decodeOffsetsTopicRecord(key(1), Buffer.concat([i16(3), i64(1), i32(0), str('abc')])),
      OffsetsRecordError,
    );
    assert.throws(
      () => decodeOffsetsTopicRecord(key(1), Buffer.concat([i16(9), i64(1)])),
      OffsetsRecordError,
    );
    assert.throws(() => decodeOffsetsTopicRecord(null, null), OffsetsRecordError);
  });

  it("reads what Sluice's OffsetStore writes", () => {
    const value = { offset: 12345, leaderEpoch: 3, metadata: 'meta', commitTimestamp: 1_712_345_678_901 };
    const rec = decodeOffsetsTopicRecord(
      encodeOffsetKey({ group: 'g-ü', topic: 'orders.v2', partition: 49 }),
      encodeOffsetValue(value),
    );
    assert.deepEqual(rec, {
      kind: 'commit',
      key: { group: 'g-ü', topic: 'orders.v2', partition: 49 },
      value: { ...value, expireTimestamp: -1 },
    });
  });
});
