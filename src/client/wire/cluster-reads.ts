// Metadata, ListOffsets and Fetch with Sluice's own codec. Client libraries keep internal topics
// out of their metadata (so cannot list offsets of __consumer_offsets or read it, as the lag
// monitor does) and hide raw offsets and batches; these requests see every topic as it is.

import { ErrorCode, errorName, Fetch, isRetriable, ListOffsets, Metadata } from '../../protocol/index.js';
import { ClientError } from '../client-error.js';
import type { BrokerDescription, OffsetSpec, TopicDescription } from '../types.js';
import type { ClusterClient } from './cluster-client.js';
import { decodeFetchedRecords, type FetchedRecords } from './fetched-records.js';

export interface ClusterLayout {
  brokers: Map<number, BrokerDescription>;
  topics: Map<string, TopicDescription>;
  /**
   * Topics asked for that the broker knows but cannot describe yet, by the retriable error it
   * answered (LEADER_NOT_AVAILABLE while a new topic's leaders are being elected). Not in `topics`.
   */
  unready: Map<string, string>;
}

export interface PartitionFetch {
  partition: number;
  offset: bigint;
}

export interface FetchedPartition extends FetchedRecords {
  partition: number;
  /** The Kafka error name the leader answered for this partition, if any. */
  error: string | undefined;
  highWatermark: bigint;
}

export interface FetchOptions {
  maxWaitMs: number;
  /** Per partition; Kafka still returns at least one whole batch past it. */
  partitionMaxBytes: number;
}

/** ListOffsets' special timestamps. */
const EARLIEST = -2;
const LATEST = -1;

export function specTimestamp(spec: OffsetSpec): number {
  return spec === 'earliest' ? EARLIEST : spec === 'latest' ? LATEST : spec.timestamp;
}

/**
 * Brokers and topics; every topic, internal ones included, when `topics` is null. Unknown names are
 * left out; those the broker cannot describe yet are in `unready`.
 */
export async function readLayout(
  client: ClusterClient,
  topics: readonly string[] | null,
): Promise<ClusterLayout> {
  const { body } = await client.toAnyBroker(Metadata, {
    topics: topics === null ? null : topics.map((name) => ({ name })),
    allowAutoTopicCreation: false,
  });
  const brokers = new Map(
    body.brokers.map((b) => [b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port }]),
  );
  const layout = new Map<string, TopicDescription>();
  const unready = new Map<string, string>();
  for (const t of body.topics) {
    if (!t.name || t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) continue;
    if (isRetriable(t.errorCode)) {
      unready.set(t.name, errorName(t.errorCode));
      continue;
    }
    if (t.errorCode !== 0) {
      throw new ClientError(`metadata of topic '${t.name}': ${errorName(t.errorCode)}`, 'UNAVAILABLE', {
        brokerError: errorName(t.errorCode),
      });
    }
    const partitions = t.partitions
      .map((p) => ({
        partition: p.partitionIndex,
        leader: p.errorCode === 0 || p.leaderId >= 0 ? p.leaderId : -1,
        replicas: p.replicaNodes,
        isr: p.isrNodes,
        offline: p.offlineReplicas,
      }))
      .sort((a, b) => a.partition - b.partition);
    layout.set(t.name, { name: t.name, id: t.topicId, internal: t.isInternal, partitions });
  }
  return { brokers, topics: layout, unready };
}

function addressOf(layout: ClusterLayout, node: number): string {
  const broker = layout.brokers.get(node);
  if (!broker) throw new ClientError(`broker ${node} is not in the cluster's metadata`);
  return `${broker.host}:${broker.port}`;
}

/**
 * The offset at `spec` of the given partitions (every partition of each topic when a topic maps to
 * undefined), asked of each partition's leader. Partitions without a leader or answering an error
 * are left out; for a time with no record at or after it the answer is -1.
 */
export async function readOffsets(
  client: ClusterClient,
  layout: ClusterLayout,
  wanted: Map<string, readonly number[] | undefined>,
  spec: OffsetSpec,
): Promise<Map<string, Map<number, bigint>>> {
  const timestamp = specTimestamp(spec);
  const byLeader = new Map<number, Map<string, number[]>>();
  for (const [name, only] of wanted) {
    const topic = layout.topics.get(name);
    if (!topic) continue;
    for (const { partition, leader } of topic.partitions) {
      if (leader < 0 || (only && !only.includes(partition))) continue;
      const forLeader = byLeader.get(leader) ?? new Map<string, number[]>();
      byLeader.set(leader, forLeader);
      forLeader.set(name, [...(forLeader.get(name) ?? []), partition]);
    }
  }
  const result = new Map<string, Map<number, bigint>>([...wanted.keys()].map((t) => [t, new Map()]));
  await Promise.all(
    [...byLeader].map(async ([leader, topics]) => {
      const { body } = await client.send(addressOf(layout, leader), ListOffsets, {
        replicaId: -1,
        isolationLevel: 0,
        topics: [...topics].map(([name, partitions]) => ({
          name,
          partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })),
        })),
      });
      for (const t of body.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== 0) continue;
          // Version 0 answers with a list of offsets instead.
          const offset = p.oldStyleOffsets?.length ? p.oldStyleOffsets[0] : p.offset;
          result.get(t.name)?.set(p.partitionIndex, BigInt(offset));
        }
      }
    }),
  );
  return result;
}

/** One Fetch of some partitions of one topic from their leader `node`; nothing is committed. */
export async function fetchPartitions(
  client: ClusterClient,
  layout: ClusterLayout,
  node: number,
  topic: TopicDescription,
  partitions: readonly PartitionFetch[],
  options: FetchOptions,
): Promise<FetchedPartition[]> {
  const { body } = await client.send(addressOf(layout, node), Fetch, {
    replicaId: -1,
    maxWaitMs: options.maxWaitMs,
    minBytes: 1,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: topic.name,
        topicId: topic.id,
        partitions: partitions.map(({ partition, offset }) => ({
          partition,
          fetchOffset: Number(offset),
          partitionMaxBytes: options.partitionMaxBytes,
        })),
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  });
  if (body.errorCode) {
    throw new ClientError(`Fetch from broker ${node}: ${errorName(body.errorCode)}`, 'UNAVAILABLE', {
      brokerError: errorName(body.errorCode),
    });
  }
  const from = new Map(partitions.map((p) => [p.partition, p.offset]));
  const out: FetchedPartition[] = [];
  for (const t of body.responses) {
    for (const p of t.partitions) {
      const start = from.get(p.partitionIndex);
      if (start === undefined) continue;
      const fetched =
        p.errorCode === 0
          ? decodeFetchedRecords(p.partitionIndex, p.records, start)
          : { records: [], next: undefined };
      out.push({
        partition: p.partitionIndex,
        error: p.errorCode === 0 ? undefined : errorName(p.errorCode),
        highWatermark: BigInt(p.highWatermark),
        ...fetched,
      });
    }
  }
  return out;
}
