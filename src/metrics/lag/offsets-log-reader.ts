// Follows __consumer_offsets over the Kafka protocol, as Burrow does, and hands every offset
// commit and tombstone on in log order. Reads all partitions of the topic (50 on Apache Kafka by
// default), starting from the earliest offset, and moves to the earliest offset again whenever a
// position falls out of the log's range (Sluice deletes the offsets log before its live entries).

import { type Consumer, ListOffsetTimestamps } from '@platformatic/kafka';
import type { Logger } from 'pino';
import { RateLimitedLog } from '../../errors/index.js';
import type { ClusterLayout, ClusterWire } from './cluster-wire.js';
import { describeError, kafkaErrorIds } from './kafka-access.js';
import {
  decodeOffsetsTopicRecord,
  type OffsetCommitKey,
  type OffsetCommitValue,
} from './offsets-topic-records.js';

export const OFFSETS_TOPIC = '__consumer_offsets';
const PARTITION_MAX_BYTES = 1024 * 1024;
const FIRST_FETCH_WITH_TOPIC_IDS = 13;

export type OffsetsLogEntry =
  | { kind: 'commit'; key: OffsetCommitKey; value: OffsetCommitValue }
  | { kind: 'tombstone'; key: OffsetCommitKey };

export interface OffsetsLogSink {
  /**
   * The commits and tombstones of one round of fetches, in log order per partition, and whether
   * every partition has now been read to its end. The reader waits for it before reading on.
   */
  apply(entries: OffsetsLogEntry[], atEnd: boolean, roundStartedAt: number): Promise<void>;
}

export class OffsetsLogReader {
  readonly #consumer: Consumer;
  readonly #wire: ClusterWire;
  readonly #sink: OffsetsLogSink;
  readonly #log: Logger;
  /** While the broker is away every retry (each second) fails the same way. */
  readonly #retries: RateLimitedLog;
  readonly #maxWaitMs: number;
  /** Next offset to fetch, by partition of __consumer_offsets. */
  readonly #positions = new Map<number, bigint>();
  #running = false;
  #loop: Promise<void> | undefined;
  #undecodable = 0;

  constructor(consumer: Consumer, wire: ClusterWire, sink: OffsetsLogSink, log: Logger, maxWaitMs: number) {
    this.#consumer = consumer;
    this.#wire = wire;
    this.#sink = sink;
    this.#log = log;
    this.#retries = new RateLimitedLog(log, 30_000);
    this.#maxWaitMs = maxWaitMs;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  /** Stops and closes the reader's client. */
  async close(): Promise<void> {
    await this.stop();
    await this.#consumer.close().catch(() => {});
  }

  async #run(): Promise<void> {
    while (this.#running) {
      try {
        await this.#round();
      } catch (error) {
        if (!this.#running) return;
        this.#retries.warn('read', describeError(error), 'reading __consumer_offsets failed; retrying');
        this.#consumer.clearMetadata();
        await sleep(Math.min(this.#maxWaitMs, 1000));
      }
    }
  }

  async #round(): Promise<void> {
    const startedAt = Date.now();
    const layout = await this.#wire.layout([OFFSETS_TOPIC]);
    this.#layout = layout;
    const topic = layout.topics.get(OFFSETS_TOPIC);
    if (!topic) {
      // No group has committed yet (Kafka creates the topic on first use).
      await sleep(this.#maxWaitMs);
      return;
    }
    const newPartitions: number[] = [];
    for (let p = 0; p < topic.leaders.length; p++) if (!this.#positions.has(p)) newPartitions.push(p);
    if (newPartitions.length > 0) await this.#resetToEarliest(newPartitions);
    const apis = await this.#consumer.listApis();
    const fetchMax = apis.find((api) => api.name === 'Fetch')?.maxVersion ?? 0;
    const topicKey = fetchMax >= FIRST_FETCH_WITH_TOPIC_IDS ? topic.id : OFFSETS_TOPIC;
    const byLeader = new Map<number, number[]>();
    for (const p of this.#positions.keys()) {
      const leader = topic.leaders[p] ?? -1;
      if (leader >= 0) byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    const results = await Promise.allSettled(
      [...byLeader].map(([node, partitions]) => this.#fetch(node, topicKey, partitions)),
    );
    let atEnd = true;
    const entries: OffsetsLogEntry[] = [];
    for (const [i, result] of results.entries()) {
      if (result.status === 'fulfilled') {
        atEnd &&= result.value.atEnd;
        entries.push(...result.value.entries);
        continue;
      }
      atEnd = false;
      if (!kafkaErrorIds(result.reason).includes('OFFSET_OUT_OF_RANGE')) throw result.reason;
      await this.#clamp([...byLeader.values()][i]);
    }
    await this.#sink.apply(entries, atEnd, startedAt);
  }

  #layout: ClusterLayout | undefined;

  /** Offsets of the partitions of __consumer_offsets (all are asked; these are the ones wanted). */
  async #listOffsets(_partitions: number[], timestamp: bigint): Promise<bigint[]> {
    if (!this.#layout) return [];
    const listed = await this.#wire.listOffsets(this.#layout, [OFFSETS_TOPIC], timestamp);
    return (listed.get(OFFSETS_TOPIC) ?? []).map((o) => (o === undefined ? o : BigInt(o))) as bigint[];
  }

  async #resetToEarliest(partitions: number[]): Promise<void> {
    const earliest = await this.#listOffsets(partitions, ListOffsetTimestamps.EARLIEST);
    for (const p of partitions) this.#positions.set(p, earliest[p] ?? 0n);
  }

  /** After OFFSET_OUT_OF_RANGE (which names no partition): positions outside the log go to its start. */
  async #clamp(partitions: number[]): Promise<void> {
    const earliest = await this.#listOffsets(partitions, ListOffsetTimestamps.EARLIEST);
    const latest = await this.#listOffsets(partitions, ListOffsetTimestamps.LATEST);
    for (const p of partitions) {
      const position = this.#positions.get(p) ?? 0n;
      const low = earliest[p] ?? 0n;
      if (position < low || position > (latest[p] ?? position)) {
        this.#log.debug(
          { partition: p, from: String(position), to: String(low) },
          '__consumer_offsets position out of range',
        );
        this.#positions.set(p, low);
      }
    }
  }

  /** Fetches from one leader: what it returned, and whether each partition was read to its end. */
  async #fetch(
    node: number,
    topicKey: string,
    partitions: number[],
  ): Promise<{ entries: OffsetsLogEntry[]; atEnd: boolean }> {
    const response = await this.#consumer.fetch({
      node,
      maxWaitTime: this.#maxWaitMs,
      topics: [
        {
          topicId: topicKey,
          partitions: partitions.map((partition) => ({
            partition,
            fetchOffset: this.#positions.get(partition) ?? 0n,
            partitionMaxBytes: PARTITION_MAX_BYTES,
            currentLeaderEpoch: -1,
            lastFetchedEpoch: -1,
          })),
        },
      ],
    });
    let atEnd = true;
    const entries: OffsetsLogEntry[] = [];
    for (const topic of response.responses) {
      for (const { partitionIndex, highWatermark, records } of topic.partitions) {
        const from = this.#positions.get(partitionIndex) ?? 0n;
        let next = from;
        for (const batch of records ?? []) {
          const batchEnd = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
          if (batchEnd > next) next = batchEnd;
          // Transaction markers carry no commits.
          if (batch.attributes & 0x20) continue;
          for (const record of batch.records) {
            if (batch.firstOffset + BigInt(record.offsetDelta) < from) continue;
            const entry = this.#decode(record.key, record.value);
            if (entry) entries.push(entry);
          }
        }
        this.#positions.set(partitionIndex, next);
        if (next < BigInt(highWatermark)) atEnd = false;
      }
    }
    return { entries, atEnd };
  }

  #decode(key: Buffer | null, value: Buffer | null): OffsetsLogEntry | undefined {
    let decoded: ReturnType<typeof decodeOffsetsTopicRecord>;
    try {
      decoded = decodeOffsetsTopicRecord(key, value);
    } catch (error) {
      // One bad record must not stop the monitor; say so once in a while.
      if (this.#undecodable++ % 1000 === 0) {
        this.#log.warn(
          { err: describeError(error), skipped: this.#undecodable },
          'undecodable __consumer_offsets record',
        );
      }
      return undefined;
    }
    return decoded.kind === 'other' ? undefined : decoded;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
