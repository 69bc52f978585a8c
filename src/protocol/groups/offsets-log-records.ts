// The records of Kafka's __consumer_offsets, the one codec for both sides: the broker's group
// coordinator writes and reloads its offsets log with it, and the lag monitor reads Kafka's (or
// Sluice's) topic with it, as Burrow does. Key versions 0 and 1 are offset commits (group, topic,
// partition); every other key version is group metadata (version 2) or a newer coordinator record.
// Values of offset commits come in versions 0 to 4 (4 is a flexible version: compact strings and
// tagged fields). A record with no value is a tombstone: the committed offset was deleted.

import { SluiceError } from '../../errors/index.js';

export interface OffsetCommitKey {
  group: string;
  topic: string;
  partition: number;
}

export interface OffsetCommitValue {
  offset: number;
  /** -1 where the version has none (before 3). */
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** Only value version 1 carries one; -1 otherwise. */
  expireTimestamp: number;
}

export type OffsetsTopicRecord =
  | { kind: 'commit'; key: OffsetCommitKey; value: OffsetCommitValue }
  | { kind: 'tombstone'; key: OffsetCommitKey }
  | { kind: 'other'; keyVersion: number };

/** A record of __consumer_offsets that does not decode. */
export class OffsetsRecordError extends SluiceError {
  constructor(message: string) {
    super('CORRUPT_DATA', message);
  }
}

/** A bounds-checked big-endian reader over one record's key or value. */
class Cursor {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  private take(n: number): number {
    if (this.pos + n > this.buf.length) {
      throw new OffsetsRecordError(`record ends at byte ${this.buf.length}, needed ${this.pos + n}`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  int16(): number {
    return this.buf.readInt16BE(this.take(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.take(4));
  }

  int64(): number {
    return Number(this.buf.readBigInt64BE(this.take(8)));
  }

  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.buf[this.take(1)];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new OffsetsRecordError('unsigned varint longer than 5 bytes');
  }

  private text(length: number): string {
    const at = this.take(length);
    return this.buf.toString('utf8', at, at + length);
  }

  /** int16 length; -1 (null) reads as "". */
  string(): string {
    const length = this.int16();
    return length < 0 ? '' : this.text(length);
  }

  /** Unsigned varint of length + 1; 0 (null) reads as "". */
  compactString(): string {
    const lengthPlusOne = this.uvarint();
    return lengthPlusOne === 0 ? '' : this.text(lengthPlusOne - 1);
  }

  /** Skips a tagged-field section: a count, then (tag, size, bytes) each. */
  skipTaggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.take(this.uvarint());
    }
  }
}

export function decodeOffsetCommitKey(bytes: Buffer): OffsetCommitKey | { otherVersion: number } {
  const r = new Cursor(bytes);
  const version = r.int16();
  if (version !== 0 && version !== 1) return { otherVersion: version };
  return { group: r.string(), topic: r.string(), partition: r.int32() };
}

export function decodeOffsetCommitValue(bytes: Buffer): OffsetCommitValue {
  const r = new Cursor(bytes);
  const version = r.int16();
  const offset = r.int64();
  switch (version) {
    case 0:
    case 2:
      return {
        offset,
        leaderEpoch: -1,
        metadata: r.string(),
        commitTimestamp: r.int64(),
        expireTimestamp: -1,
      };
    case 1: {
      const metadata = r.string();
      const commitTimestamp = r.int64();
      return { offset, leaderEpoch: -1, metadata, commitTimestamp, expireTimestamp: r.int64() };
    }
    case 3: {
      const leaderEpoch = r.int32();
      return { offset, leaderEpoch, metadata: r.string(), commitTimestamp: r.int64(), expireTimestamp: -1 };
    }
    case 4: {
      const leaderEpoch = r.int32();
      const metadata = r.compactString();
      const commitTimestamp = r.int64();
      r.skipTaggedFields();
      return { offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp: -1 };
    }
    default:
      throw new OffsetsRecordError(`offset commit value version ${version} is not known`);
  }
}

/** One record of __consumer_offsets; throws OffsetsRecordError on bytes that do not fit the layout. */
export function decodeOffsetsTopicRecord(key: Buffer | null, value: Buffer | null): OffsetsTopicRecord {
  if (!key || key.length < 2) throw new OffsetsRecordError('record without a versioned key');
  const decodedKey = decodeOffsetCommitKey(key);
  if ('otherVersion' in decodedKey) return { kind: 'other', keyVersion: decodedKey.otherVersion };
  if (!value || value.length === 0) return { kind: 'tombstone', key: decodedKey };
  return { kind: 'commit', key: decodedKey, value: decodeOffsetCommitValue(value) };
}

/**
 * What Sluice writes: Apache Kafka's layout (offset commit key version 1, value version 3), so
 * Kafka's own formatters can read Sluice's offsets log.
 */
const KEY_VERSION = 1;
const VALUE_VERSION = 3;

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
}

export function encodeOffsetKey(key: OffsetCommitKey): Buffer {
  const group = Buffer.from(key.group);
  const topic = Buffer.from(key.topic);
  const out = Buffer.alloc(2 + 2 + group.length + 2 + topic.length + 4);
  let at = out.writeInt16BE(KEY_VERSION, 0);
  at = out.writeInt16BE(group.length, at);
  at += group.copy(out, at);
  at = out.writeInt16BE(topic.length, at);
  at += topic.copy(out, at);
  out.writeInt32BE(key.partition, at);
  return out;
}

export function encodeOffsetValue(value: CommittedOffset): Buffer {
  const metadata = Buffer.from(value.metadata);
  const out = Buffer.alloc(2 + 8 + 4 + 2 + metadata.length + 8);
  let at = out.writeInt16BE(VALUE_VERSION, 0);
  at = out.writeBigInt64BE(BigInt(value.offset), at);
  at = out.writeInt32BE(value.leaderEpoch, at);
  at = out.writeInt16BE(metadata.length, at);
  at += metadata.copy(out, at);
  out.writeBigInt64BE(BigInt(value.commitTimestamp), at);
  return out;
}

/** The key of an offset commit, or null for other record kinds (e.g. group metadata, version 2). */
export function decodeOffsetKey(bytes: Buffer): OffsetCommitKey | null {
  const key = decodeOffsetCommitKey(bytes);
  return 'otherVersion' in key ? null : key;
}

/** An offset commit's value, any version, without the fields Sluice does not keep. */
export function decodeOffsetValue(bytes: Buffer): CommittedOffset {
  const { offset, leaderEpoch, metadata, commitTimestamp } = decodeOffsetCommitValue(bytes);
  return { offset, leaderEpoch, metadata, commitTimestamp };
}
