import { compileStruct, field, Reader, Writer } from '../../protocol/index.js';

const { int16, int32, int64, string } = field;

/**
 * Records of the offsets log, in the layout Apache Kafka uses in __consumer_offsets
 * (offset commit key version 1, value version 3), so Kafka's own formatters can read them.
 */
const KEY_VERSION = 1;
const VALUE_VERSION = 3;

const keyCodec = compileStruct(
  { version: int16('0+'), group: string('0+'), topic: string('0+'), partition: int32('0+') },
  { version: 0, flexible: false },
);
const valueCodec = compileStruct(
  {
    version: int16('0+'),
    offset: int64('0+'),
    leaderEpoch: int32('0+'),
    metadata: string('0+'),
    commitTimestamp: int64('0+'),
  },
  { version: 0, flexible: false },
);

export interface OffsetKey {
  group: string;
  topic: string;
  partition: number;
}

export interface CommittedOffset {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
}

export function encodeOffsetKey(key: OffsetKey): Buffer {
  const w = new Writer(64);
  keyCodec.encode(w, { version: KEY_VERSION, ...key });
  return w.toBuffer();
}

export function encodeOffsetValue(value: CommittedOffset): Buffer {
  const w = new Writer(64);
  valueCodec.encode(w, { version: VALUE_VERSION, ...value });
  return w.toBuffer();
}

/** Null for keys of other record kinds (e.g. Kafka's group metadata, key version 2). */
export function decodeOffsetKey(bytes: Buffer): OffsetKey | null {
  const r = new Reader(bytes);
  if (r.int16() > KEY_VERSION) return null;
  r.offset = 0;
  const { group, topic, partition } = keyCodec.decode(r);
  return { group, topic, partition };
}

export function decodeOffsetValue(bytes: Buffer): CommittedOffset {
  const r = new Reader(bytes);
  const version = r.int16();
  if (version !== VALUE_VERSION) throw new Error(`offset value version ${version} is not supported`);
  r.offset = 0;
  const { offset, leaderEpoch, metadata, commitTimestamp } = valueCodec.decode(r);
  return { offset, leaderEpoch, metadata, commitTimestamp };
}
