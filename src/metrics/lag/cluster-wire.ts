// Metadata and ListOffsets sent directly with @platformatic/kafka's protocol functions. Its
// clients keep internal topics out of their metadata cache, so they cannot list offsets of
// __consumer_offsets (or report it as kafka_exporter does); these requests see every topic.

import { type Broker, ConnectionPool, listOffsetsV9, metadataV12 } from '@platformatic/kafka';

export interface TopicLayout {
  id: string;
  internal: boolean;
  /** Leader node id by partition (-1 where there is none). */
  leaders: number[];
}

export interface ClusterLayout {
  brokers: Map<number, Broker>;
  topics: Map<string, TopicLayout>;
}

function parseBootstrap(address: string): Broker {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(address.slice(colon + 1)) };
}

export class ClusterWire {
  readonly #pool: ConnectionPool;
  readonly #bootstrap: Broker[];

  constructor(bootstrap: string[], clientId: string, timeoutMs: number) {
    this.#bootstrap = bootstrap.map(parseBootstrap);
    this.#pool = new ConnectionPool(clientId, {
      connectTimeout: Math.min(timeoutMs, 5_000),
      requestTimeout: timeoutMs,
    });
  }

  /** Brokers and topics; every topic, internal ones included, when `topics` is null. */
  async layout(topics: string[] | null): Promise<ClusterLayout> {
    const connection = await this.#pool.getFirstAvailable(this.#bootstrap);
    const response = await metadataV12.api.async(connection, topics, false, false);
    const brokers = new Map(response.brokers.map((b) => [b.nodeId, { host: b.host, port: b.port }]));
    const layout = new Map<string, TopicLayout>();
    for (const t of response.topics) {
      if (!t.name || t.errorCode !== 0) continue;
      const leaders: number[] = [];
      for (const p of t.partitions) leaders[p.partitionIndex] = p.errorCode === 0 ? p.leaderId : -1;
      layout.set(t.name, {
        id: t.topicId,
        internal: t.isInternal,
        leaders: Array.from(leaders, (l) => l ?? -1),
      });
    }
    return { brokers, topics: layout };
  }

  /**
   * The offset at `timestamp` (-2 earliest, -1 latest) of every partition of `topics`, asked of
   * each partition's leader. Partitions without a leader or answering an error are left out.
   */
  async listOffsets(
    layout: ClusterLayout,
    topics: string[],
    timestamp: bigint,
  ): Promise<Map<string, number[]>> {
    const byLeader = new Map<number, Map<string, number[]>>();
    for (const name of topics) {
      const topic = layout.topics.get(name);
      if (!topic) continue;
      topic.leaders.forEach((leader, partition) => {
        if (leader < 0) return;
        const forLeader = byLeader.get(leader) ?? new Map<string, number[]>();
        byLeader.set(leader, forLeader);
        forLeader.set(name, [...(forLeader.get(name) ?? []), partition]);
      });
    }
    const result = new Map<string, number[]>(topics.map((t) => [t, []]));
    await Promise.all(
      [...byLeader].map(async ([leader, wanted]) => {
        const broker = layout.brokers.get(leader);
        if (!broker) return;
        const connection = await this.#pool.get(broker);
        const request = [...wanted].map(([name, partitions]) => ({
          name,
          partitions: partitions.map((partitionIndex) => ({
            partitionIndex,
            currentLeaderEpoch: -1,
            timestamp,
          })),
        }));
        const response = await listOffsetsV9.api.async(connection, -1, 0, request);
        for (const t of response.topics) {
          for (const p of t.partitions) {
            if (p.errorCode === 0) result.get(t.name)![p.partitionIndex] = Number(p.offset);
          }
        }
      }),
    );
    return result;
  }

  async close(): Promise<void> {
    await this.#pool.close().catch(() => {});
  }
}
