// Sluice's own shapes for what the client room's door returns: nothing here names a client library.

export type { TopicPartitions } from '../protocol/index.js';

/** A record read from a partition. Offsets and timestamps are bigints, as Kafka's int64s. */
export interface ConsumedRecord {
  partition: number;
  offset: bigint;
  /** Create time, or the broker's append time for a topic with LogAppendTime. */
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: [Buffer | null, Buffer | null][];
}

/** A record to produce. Without a partition, a key picks one as the Java client does (murmur2). */
export interface RecordToProduce {
  topic: string;
  partition?: number;
  key?: Buffer;
  value?: Buffer;
  headers?: Map<Buffer, Buffer>;
  /** Create time in ms; default now. */
  timestamp?: bigint;
}

/** Where a send's records went: the offset of the first record it wrote to that partition. */
export interface ProducedOffset {
  topic: string;
  partition: number;
  offset: bigint;
}

export type Acks = 'all' | 'leader' | 'none';
export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface PartitionDescription {
  partition: number;
  /** -1 when the partition has no leader. */
  leader: number;
  replicas: number[];
  isr: number[];
  offline: number[];
}

export interface TopicDescription {
  name: string;
  /** Kafka's form of a topic id: 22 characters of base64url. */
  id: string;
  internal: boolean;
  partitions: PartitionDescription[];
}

export interface BrokerDescription {
  nodeId: number;
  host: string;
  port: number;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  /** True when the value is the broker's default (not set on the resource). */
  isDefault: boolean;
  isSensitive: boolean;
}

/** What ListGroups says of a group. State in Kafka's spelling (PreparingRebalance, Stable, ...). */
export interface GroupListing {
  groupId: string;
  state: string;
  protocolType: string;
}

/** topic → partition → offset */
export type OffsetTable = Map<string, Map<number, bigint>>;

/** Where ListOffsets looks: the log's start, its end, or the first record at or after a time (ms). */
export type OffsetSpec = 'earliest' | 'latest' | { timestamp: number };

export function setOffset(table: OffsetTable, topic: string, partition: number, offset: bigint): void {
  let partitions = table.get(topic);
  if (!partitions) {
    partitions = new Map();
    table.set(topic, partitions);
  }
  partitions.set(partition, offset);
}
