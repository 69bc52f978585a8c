// Reads partitions of one topic directly (Metadata, ListOffsets, Fetch), without a consumer group:
// what `sluice consume` does when no --group is given, and how the log monitor reads its topic.
// Nothing is committed.

import { type Consumer, IS_CONTROL, ListOffsetTimestamps } from '@platformatic/kafka';
import { createPartitionConsumer } from './clients.js';
import { ClientError, kafkaErrorId, unknownTopicOf } from './kafka-errors.js';

export interface ConsumedRecord {
  partition: number;
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: [Buffer | null, Buffer | null][];
}

/**
 * Where `sluice consume` gets records from. PartitionReader reads partitions directly;
 * GroupReader (`--group`, group-reader.ts) reads what the consumer group assigns it.
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
}

const PARTITION_MAX_BYTES = 1024 * 1024;
/** Fetch v13+ names topics by id; the client's v12 encoder puts the name in the same field. */
const FIRST_FETCH_WITH_TOPIC_IDS = 13;

export class PartitionReader implements RecordSource {
  readonly #consumer: Consumer;
  readonly #topic: string;
  /** The id (or, before Fetch v13, the name) that Fetch requests and responses carry. */
  readonly #fetchTopicKey: string;
  /** Next offset to fetch, by partition. */
  readonly #positions: Map<number, bigint>;

  private constructor(
    consumer: Consumer,
    topic: string,
    fetchTopicKey: string,
    positions: Map<number, bigint>,
  ) {
    this.#consumer = consumer;
    this.#topic = topic;
    this.#fetchTopicKey = fetchTopicKey;
    this.#positions = positions;
  }

  static async open(options: PartitionReaderOptions): Promise<PartitionReader> {
    const consumer = createPartitionConsumer(options.bootstrap, options.clientId ?? 'sluice');
    try {
      const { topic } = options;
      const metadata = await consumer.metadata({ topics: [topic] }).catch((error: unknown) => {
        throw unknownTopicOf(error) === undefined
          ? error
          : new ClientError(`topic '${topic}' does not exist`, 'NOT_FOUND');
      });
      const described = metadata.topics.get(topic);
      if (!described) throw new ClientError(`topic '${topic}' does not exist`, 'NOT_FOUND');
      const count = described.partitionsCount;
      const partitions = options.partitions ?? Array.from({ length: count }, (_, i) => i);
      for (const p of partitions) {
        if (p >= count) {
          throw new ClientError(`partition ${p} does not exist: topic '${topic}' has ${count} partition(s)`);
        }
      }
      const apis = await consumer.listApis();
      const fetchMax = apis.find((api) => api.name === 'Fetch')?.maxVersion ?? 0;
      const fetchTopicKey = fetchMax >= FIRST_FETCH_WITH_TOPIC_IDS ? described.id : topic;
      const reader = new PartitionReader(consumer, topic, fetchTopicKey, new Map());
      const { start } = options;
      if (start instanceof Map) {
        for (const p of partitions) reader.#positions.set(p, start.get(p) ?? 0n);
        // Offsets below the log start (retention) or past its end move into range on first poll.
        return reader;
      }
      const timestamp = start === 'earliest' ? ListOffsetTimestamps.EARLIEST : ListOffsetTimestamps.LATEST;
      for (const [p, offset] of await reader.#listOffsets(partitions, timestamp))
        reader.#positions.set(p, offset);
      return reader;
    } catch (error) {
      await consumer.close().catch(() => {});
      throw error;
    }
  }

  async #listOffsets(partitions: number[], timestamp: bigint): Promise<Map<number, bigint>> {
    const listed = await this.#consumer.listOffsetsWithTimestamps({
      topics: [this.#topic],
      partitions: { [this.#topic]: partitions },
      timestamp,
    });
    const result = new Map<number, bigint>();
    for (const [p, { offset }] of listed.get(this.#topic) ?? []) result.set(p, offset);
    return result;
  }

  /** After OFFSET_OUT_OF_RANGE (e.g. retention removed what we were reading): move into the log's range. */
  async #clampPositions(): Promise<void> {
    const partitions = [...this.#positions.keys()];
    const earliest = await this.#listOffsets(partitions, ListOffsetTimestamps.EARLIEST);
    const latest = await this.#listOffsets(partitions, ListOffsetTimestamps.LATEST);
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
    return this.#listOffsets([...this.#positions.keys()], ListOffsetTimestamps.EARLIEST);
  }

  /** The log end offsets (next offset to be written), per partition being read. */
  endOffsets(): Promise<Map<number, bigint>> {
    return this.#listOffsets([...this.#positions.keys()], ListOffsetTimestamps.LATEST);
  }

  async poll(maxWaitMs: number): Promise<ConsumedRecord[]> {
    const metadata = await this.#consumer.metadata({ topics: [this.#topic] });
    const described = metadata.topics.get(this.#topic);
    const byLeader = new Map<number, number[]>();
    for (const p of this.#positions.keys()) {
      const leader = described?.partitions[p]?.leader ?? -1;
      if (leader < 0) continue;
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    if (byLeader.size === 0) {
      await new Promise((resolve) => setTimeout(resolve, maxWaitMs));
      this.#consumer.clearMetadata();
      return [];
    }
    const results = await Promise.allSettled(
      [...byLeader].map(([node, ps]) => this.#fetch(node, ps, maxWaitMs)),
    );
    const records = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failed) return records;
    const id = kafkaErrorId(failed.reason);
    if (id === 'OFFSET_OUT_OF_RANGE') {
      await this.#clampPositions();
      return records;
    }
    if (id === 'UNKNOWN_TOPIC_ID' || id === 'UNKNOWN_TOPIC_OR_PARTITION') {
      throw new ClientError(`topic '${this.#topic}' no longer exists`, 'NOT_FOUND');
    }
    throw failed.reason;
  }

  async #fetch(node: number, partitions: number[], maxWaitMs: number): Promise<ConsumedRecord[]> {
    const requested = new Map(partitions.map((p) => [p, this.#positions.get(p) ?? 0n]));
    const response = await this.#consumer.fetch({
      node,
      maxWaitTime: maxWaitMs,
      topics: [
        {
          topicId: this.#fetchTopicKey,
          partitions: partitions.map((partition) => ({
            partition,
            fetchOffset: requested.get(partition) ?? 0n,
            partitionMaxBytes: PARTITION_MAX_BYTES,
            currentLeaderEpoch: -1,
            lastFetchedEpoch: -1,
          })),
        },
      ],
    });
    const records: ConsumedRecord[] = [];
    for (const topic of response.responses) {
      for (const { partitionIndex: partition, records: batches } of topic.partitions) {
        const from = requested.get(partition);
        if (from === undefined) continue;
        for (const batch of batches ?? []) {
          const next = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
          if (next > (this.#positions.get(partition) ?? 0n)) this.#positions.set(partition, next);
          if (batch.attributes & IS_CONTROL) continue;
          for (const record of batch.records) {
            const offset = batch.firstOffset + BigInt(record.offsetDelta);
            // A fetch returns whole batches, so the first one may start before the offset asked for.
            if (offset < from) continue;
            records.push({
              partition,
              offset,
              timestamp: batch.firstTimestamp + record.timestampDelta,
              key: record.key,
              value: record.value,
              headers: record.headers,
            });
          }
        }
      }
    }
    return records;
  }

  async close(): Promise<void> {
    await this.#consumer.close().catch(() => {});
  }
}
