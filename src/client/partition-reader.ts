// Reads partitions of one topic directly (Metadata, ListOffsets, Fetch with Sluice's own codec),
// without a consumer group: what `sluice consume` does when no --group is given, and how the log
// store reads its topic. Nothing is committed.

import { ClientError } from './client-error.js';
import type { ConsumedRecord, OffsetSpec, TopicDescription } from './types.js';
import { ClusterClient } from './wire/cluster-client.js';
import { type ClusterLayout, fetchPartitions, readLayout, readOffsets } from './wire/cluster-reads.js';

/**
 * Where `sluice consume` gets records from. PartitionReader reads partitions directly;
 * GroupReader (`--group`) reads what the consumer group assigns it.
 */
export interface RecordSource {
  /** Waits up to `maxWaitMs` for new records and returns those that arrived (possibly none). */
  poll(maxWaitMs: number): Promise<ConsumedRecord[]>;
  /**
   * Called once `records` (some or all of what poll returned) have been printed. A group source
   * commits the offsets after them, so what was printed is not read again (at-least-once).
   */
  commit?(records: readonly ConsumedRecord[]): Promise<void>;
  /** Stops reading; a group source commits where it stopped and leaves the group. */
  close(): Promise<void>;
}

export type StartPosition = 'earliest' | 'latest';

export interface PartitionReaderOptions {
  bootstrap: string[];
  topic: string;
  /** Partitions to read; all of the topic's when undefined. */
  partitions?: number[];
  /** Where to start: the log's earliest or latest offset, or an offset per partition. */
  start: StartPosition | Map<number, bigint>;
  /** The client id the broker sees. Default 'sluice'. */
  clientId?: string;
  /**
   * The caller has just created the topic (or been told it exists), so a broker that does not know
   * it yet is behind, not right: Apache Kafka's brokers learn of a new topic after CreateTopics has
   * answered. open then waits for it (up to `readyTimeoutMs`) instead of answering NOT_FOUND at once.
   */
  justCreated?: boolean;
  /**
   * How long open waits for the topic to be readable: known to the broker (see `justCreated`) and
   * every partition with a leader. Past it, a topic still unknown is NOT_FOUND, one the broker
   * cannot describe is UNAVAILABLE, and one with leaderless partitions is read where it has leaders.
   * Default 10 s.
   */
  readyTimeoutMs?: number;
}

const PARTITION_MAX_BYTES = 1024 * 1024;
const DEFAULT_READY_TIMEOUT_MS = 10_000;
/** Metadata is asked again after this, doubling up to the most. */
const READY_FIRST_PAUSE_MS = 10;
const READY_MOST_PAUSE_MS = 500;

export class PartitionReader implements RecordSource {
  readonly #client: ClusterClient;
  readonly #topic: string;
  /** Next offset to fetch, by partition. */
  readonly #positions = new Map<number, bigint>();

  private constructor(client: ClusterClient, topic: string) {
    this.#client = client;
    this.#topic = topic;
  }

  static async open(options: PartitionReaderOptions): Promise<PartitionReader> {
    const client = new ClusterClient({
      bootstrap: options.bootstrap,
      clientId: options.clientId ?? 'sluice',
    });
    const reader = new PartitionReader(client, options.topic);
    try {
      const { topic } = options;
      const described = await reader.#readyLayout(options);
      const count = described.partitions.length;
      const partitions = options.partitions ?? Array.from({ length: count }, (_, i) => i);
      for (const p of partitions) {
        if (p >= count) {
          throw new ClientError(`partition ${p} does not exist: topic '${topic}' has ${count} partition(s)`);
        }
      }
      const { start } = options;
      if (start instanceof Map) {
        for (const p of partitions) reader.#positions.set(p, start.get(p) ?? 0n);
        // Offsets below the log start (retention) or past its end move into range on first poll.
        return reader;
      }
      for (const p of partitions) reader.#positions.set(p, 0n);
      for (const [p, offset] of await reader.#listOffsets(start)) reader.#positions.set(p, offset);
      return reader;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  /**
   * The topic's layout once every partition has a leader. A topic the broker does not know is
   * NOT_FOUND at once unless the caller has just created it; either way the wait has a deadline.
   */
  async #readyLayout(options: PartitionReaderOptions): Promise<TopicDescription> {
    const deadline = Date.now() + (options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
    let pause = READY_FIRST_PAUSE_MS;
    for (;;) {
      const layout = await readLayout(this.#client, [this.#topic]);
      const described = layout.topics.get(this.#topic);
      const unready = layout.unready.get(this.#topic);
      const timeUp = Date.now() >= deadline;
      if (described === undefined && unready === undefined && (timeUp || !options.justCreated))
        throw new ClientError(`topic '${this.#topic}' does not exist`, 'NOT_FOUND');
      if (described && (timeUp || described.partitions.every((p) => p.leader >= 0))) return described;
      if (unready !== undefined && timeUp)
        throw new ClientError(`topic '${this.#topic}' is not available (${unready})`, 'UNAVAILABLE', {
          brokerError: unready,
        });
      const { promise, resolve } = Promise.withResolvers<void>();
      setTimeout(resolve, Math.max(0, Math.min(pause, deadline - Date.now())));
      await promise;
      pause = Math.min(pause * 2, READY_MOST_PAUSE_MS);
    }
  }

  async #layout(): Promise<{ layout: ClusterLayout; described: TopicDescription }> {
    const layout = await readLayout(this.#client, [this.#topic]);
    const described = layout.topics.get(this.#topic);
    if (!described) throw new ClientError(`topic '${this.#topic}' does not exist`, 'NOT_FOUND');
    return { layout, described };
  }

  async #listOffsets(spec: OffsetSpec): Promise<Map<number, bigint>> {
    const { layout } = await this.#layout();
    const listed = await readOffsets(
      this.#client,
      layout,
      new Map([[this.#topic, [...this.#positions.keys()]]]),
      spec,
    );
    return listed.get(this.#topic) ?? new Map();
  }

  /** After OFFSET_OUT_OF_RANGE (e.g. retention removed what we were reading): move into the log's range. */
  async #clampPositions(): Promise<void> {
    const earliest = await this.#listOffsets('earliest');
    const latest = await this.#listOffsets('latest');
    for (const [p, position] of this.#positions) {
      const low = earliest.get(p) ?? 0n;
      const high = latest.get(p) ?? position;
      if (position < low) this.#positions.set(p, low);
      else if (position > high) this.#positions.set(p, high);
    }
  }

  /** The next offset to read, per partition. */
  get positions(): ReadonlyMap<number, bigint> {
    return this.#positions;
  }

  /** Moves the next read of a partition being read to `offset`. */
  seek(partition: number, offset: bigint): void {
    if (!this.#positions.has(partition)) throw new ClientError(`partition ${partition} is not being read`);
    this.#positions.set(partition, offset);
  }

  /** The log start offsets (earliest still kept), per partition being read. */
  startOffsets(): Promise<Map<number, bigint>> {
    return this.#listOffsets('earliest');
  }

  /** The log end offsets (next offset to be written), per partition being read. */
  endOffsets(): Promise<Map<number, bigint>> {
    return this.#listOffsets('latest');
  }

  async poll(maxWaitMs: number): Promise<ConsumedRecord[]> {
    const { layout, described } = await this.#layout().catch((error: unknown) => {
      if (error instanceof ClientError && error.code === 'NOT_FOUND')
        throw new ClientError(`topic '${this.#topic}' no longer exists`, 'NOT_FOUND');
      throw error;
    });
    const byLeader = new Map<number, number[]>();
    for (const p of this.#positions.keys()) {
      const leader = described.partitions[p]?.leader ?? -1;
      if (leader < 0) continue;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    if (byLeader.size === 0) {
      const { promise, resolve } = Promise.withResolvers<void>();
      setTimeout(resolve, maxWaitMs);
      await promise;
      return [];
    }
    const results = await Promise.all(
      [...byLeader].map(([node, ps]) =>
        fetchPartitions(
          this.#client,
          layout,
          node,
          described,
          ps.map((partition) => ({ partition, offset: this.#positions.get(partition) ?? 0n })),
          { maxWaitMs, partitionMaxBytes: PARTITION_MAX_BYTES },
        ),
      ),
    );
    const records: ConsumedRecord[] = [];
    let outOfRange = false;
    for (const fetched of results.flat()) {
      if (fetched.error === 'OFFSET_OUT_OF_RANGE') outOfRange = true;
      else if (fetched.error === 'UNKNOWN_TOPIC_ID' || fetched.error === 'UNKNOWN_TOPIC_OR_PARTITION')
        throw new ClientError(`topic '${this.#topic}' no longer exists`, 'NOT_FOUND');
      else if (fetched.error !== undefined && fetched.error !== 'NOT_LEADER_OR_FOLLOWER')
        throw new ClientError(
          `Fetch of ${this.#topic}-${fetched.partition}: ${fetched.error}`,
          'UNAVAILABLE',
          {
            brokerError: fetched.error,
          },
        );
      if (fetched.next !== undefined && fetched.next > (this.#positions.get(fetched.partition) ?? 0n))
        this.#positions.set(fetched.partition, fetched.next);
      records.push(...fetched.records);
    }
    if (outOfRange) await this.#clampPositions();
    return records;
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}
