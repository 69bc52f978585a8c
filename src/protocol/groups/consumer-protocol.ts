// The "consumer" protocol's member metadata and assignment (ConsumerProtocolSubscription and
// ConsumerProtocolAssignment, versions 0-3): the opaque bytes a consumer group's members exchange
// through JoinGroup/SyncGroup and that DescribeGroups hands back. Each starts with an int16 version;
// user data is classic int32-length bytes, -1 meaning null (as the Java client and franz-go send it).

import { array, bytes, int32, string } from '../schema/fields.js';
import { compileStruct, type StructCodec } from '../wire/codec.js';
import { Reader } from '../wire/reader.js';
import { Writer } from '../wire/writer.js';

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

export interface ConsumerSubscription {
  version: number;
  topics: string[];
  userData: Buffer | null;
  /** v1+: what the member owned before this rebalance (cooperative assignors). */
  ownedPartitions: TopicPartitions[];
  /** v2+; -1 when not sent. */
  generationId: number;
  /** v3+ */
  rackId: string | null;
}

export interface ConsumerAssignment {
  version: number;
  assigned: TopicPartitions[];
  userData: Buffer | null;
}

const HIGHEST_VERSION = 3;

const topicPartitions = { topic: string('0+'), partitions: array('0+', 'int32') };

const subscriptionFields = {
  topics: array('0+', 'string'),
  userData: bytes('0+', { nullable: '0+' }),
  ownedPartitions: array('1+', topicPartitions),
  generationId: int32('2+', { default: -1 }),
  rackId: string('3+', { nullable: '3+' }),
};

const assignmentFields = {
  assigned: array('0+', topicPartitions),
  userData: bytes('0+', { nullable: '0+' }),
};

function codecs(fields: Parameters<typeof compileStruct>[0]): StructCodec[] {
  return Array.from({ length: HIGHEST_VERSION + 1 }, (_, version) =>
    compileStruct(fields, { version, flexible: false }),
  );
}

const subscriptionCodecs = codecs(subscriptionFields);
const assignmentCodecs = codecs(assignmentFields);

/**
 * Decodes with the layout of `min(version, 3)`: as in Kafka, a newer version only appends
 * fields, so what follows the known ones (and any trailing bytes) is ignored. Undefined for
 * bytes that are not a consumer-protocol message (empty, negative version, truncated).
 */
function decodeVersioned<T>(
  bytes: Buffer,
  codecsByVersion: StructCodec[],
): (T & { version: number }) | undefined {
  try {
    const r = new Reader(bytes);
    const version = r.int16();
    if (version < 0) return undefined;
    const body = codecsByVersion[Math.min(version, HIGHEST_VERSION)].decode(r) as T;
    return { ...body, version };
  } catch {
    return undefined;
  }
}

/** A member's subscription, or undefined when the bytes are not one (never throws). */
export function decodeConsumerSubscription(bytes: Buffer): ConsumerSubscription | undefined {
  return decodeVersioned<Omit<ConsumerSubscription, 'version'>>(bytes, subscriptionCodecs);
}

/** A member's assignment, or undefined when the bytes are not one (never throws). */
export function decodeConsumerAssignment(bytes: Buffer): ConsumerAssignment | undefined {
  return decodeVersioned<Omit<ConsumerAssignment, 'version'>>(bytes, assignmentCodecs);
}

function encodeVersioned(version: number, codecsByVersion: StructCodec[], body: object): Buffer {
  if (!Number.isInteger(version) || version < 0 || version > HIGHEST_VERSION) {
    throw new RangeError(`consumer protocol version ${version} is not 0-${HIGHEST_VERSION}`);
  }
  const w = new Writer(64);
  w.int16(version);
  codecsByVersion[version].encode(w, body);
  return w.toBuffer();
}

export function encodeConsumerSubscription(
  version: number,
  subscription: Partial<Omit<ConsumerSubscription, 'version'>> & { topics: string[] },
): Buffer {
  return encodeVersioned(version, subscriptionCodecs, subscription);
}

export function encodeConsumerAssignment(
  version: number,
  assignment: Partial<Omit<ConsumerAssignment, 'version'>> & { assigned: TopicPartitions[] },
): Buffer {
  return encodeVersioned(version, assignmentCodecs, assignment);
}
