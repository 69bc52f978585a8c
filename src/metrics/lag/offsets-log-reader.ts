// Follows __consumer_offsets over the Kafka protocol, as Burrow does, and hands every offset
// commit and tombstone on in log order. Reads all partitions of the topic (50 on Apache Kafka by
// default), starting from the earliest offset, and moves to the earliest offset again whenever a
// position falls out of the log's range (Sluice deletes the offsets log before its live entries).

import type { Logger } from 'pino';
import {
  ClientError,
  type ClusterLayout,
  fetchPartitions,
  type KafkaAdmin,
  type OffsetSpec,
  readOffsets,
  type TopicDescription,
} from '../../client/index.js';
import { RateLimitedLog } from '../../errors/index.js';
import {
  decodeOffsetsTopicRecord,
  type OffsetCommitKey,
  type OffsetCommitValue,
} from '../../protocol/index.js';

export const OFFSETS_TOPIC = '__consumer_offsets';
const PARTITION_MAX_BYTES = 1024 * 1024;

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

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
  readonly #admin: KafkaAdmin;
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

  constructor(admin: KafkaAdmin, sink: OffsetsLogSink, log: Logger, maxWaitMs: number) {
    this.#admin = admin;
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
    await this.#admin.close();
  }

  async #run(): Promise<void> {
    while (this.#running) {
      try {
        await this.#round();
      } catch (error) {
        if (!this.#running) return;
        this.#retries.warn('read', describeError(error), 'reading __consumer_offsets failed; retrying');
        await sleep(Math.min(this.#maxWaitMs, 1000));
      }
    }
  }

  async #round(): Promise<void> {
    const startedAt = Date.now();
    const layout = await this.#admin.layout([OFFSETS_TOPIC]);
    this.#layout = layout;
    const topic = layout.topics.get(OFFSETS_TOPIC);
    if (!topic) {
      // No group has committed yet (Kafka creates the topic on first use).
      await sleep(this.#maxWaitMs);
      return;
    }
    const newPartitions: number[] = [];
    for (const { partition } of topic.partitions)
      if (!this.#positions.has(partition)) newPartitions.push(partition);
    if (newPartitions.length > 0) await this.#resetToEarliest(newPartitions);
    const byLeader = new Map<number, number[]>();
    for (const p of this.#positions.keys()) {
      const leader = topic.partitions[p]?.leader ?? -1;
      if (leader >= 0) byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    const results = await Promise.all(
      [...byLeader].map(([node, partitions]) => this.#fetch(layout, node, topic, partitions)),
    );
    const atEnd = results.every((r) => r.atEnd);
    const outOfRange = results.flatMap((r) => r.outOfRange);
    if (outOfRange.length > 0) await this.#clamp(outOfRange);
    await this.#sink.apply(
      results.flatMap((r) => r.entries),
      atEnd && outOfRange.length === 0,
      startedAt,
    );
  }

  #layout: ClusterLayout | undefined;

  /** Offsets of some partitions of __consumer_offsets. */
  async #listOffsets(partitions: number[], spec: OffsetSpec): Promise<Map<number, bigint>> {
    if (!this.#layout) return new Map();
    const listed = await readOffsets(
      this.#admin.wire,
      this.#layout,
      new Map([[OFFSETS_TOPIC, partitions]]),
      spec,
    );
    return listed.get(OFFSETS_TOPIC) ?? new Map();
  }

  async #resetToEarliest(partitions: number[]): Promise<void> {
    const earliest = await this.#listOffsets(partitions, 'earliest');
    for (const p of partitions) this.#positions.set(p, earliest.get(p) ?? 0n);
  }

  /** After OFFSET_OUT_OF_RANGE: positions outside the log go to its start. */
  async #clamp(partitions: number[]): Promise<void> {
    const earliest = await this.#listOffsets(partitions, 'earliest');
    const latest = await this.#listOffsets(partitions, 'latest');
    for (const p of partitions) {
      const position = this.#positions.get(p) ?? 0n;
      const low = earliest.get(p) ?? 0n;
      if (position < low || position > (latest.get(p) ?? position)) {
        this.#log.debug(
          { partition: p, from: String(position), to: String(low) },
          '__consumer_offsets position out of range',
        );
        this.#positions.set(p, low);
      }
    }
  }

  /** Fetches from one leader: what it returned, whether it was read to its end, what was out of range. */
  async #fetch(
    layout: ClusterLayout,
    node: number,
    topic: TopicDescription,
    partitions: number[],
  ): Promise<{ entries: OffsetsLogEntry[]; atEnd: boolean; outOfRange: number[] }> {
    const fetched = await fetchPartitions(
      this.#admin.wire,
      layout,
      node,
      topic,
      partitions.map((partition) => ({ partition, offset: this.#positions.get(partition) ?? 0n })),
      { maxWaitMs: this.#maxWaitMs, partitionMaxBytes: PARTITION_MAX_BYTES },
    );
    let atEnd = true;
    const entries: OffsetsLogEntry[] = [];
    const outOfRange: number[] = [];
    for (const { partition, error, highWatermark, records, next } of fetched) {
      if (error === 'OFFSET_OUT_OF_RANGE') {
        outOfRange.push(partition);
        continue;
      }
      if (error !== undefined) {
        throw new ClientError(`Fetch of ${OFFSETS_TOPIC}-${partition}: ${error}`, 'UNAVAILABLE', {
          brokerError: error,
        });
      }
      for (const record of records) {
        const entry = this.#decode(record.key, record.value);
        if (entry) entries.push(entry);
      }
      const position = next !== undefined && next > (this.#positions.get(partition) ?? 0n) ? next : undefined;
      if (position !== undefined) this.#positions.set(partition, position);
      if ((this.#positions.get(partition) ?? 0n) < highWatermark) atEnd = false;
    }
    return { entries, atEnd, outOfRange };
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
  const { promise, resolve } = Promise.withResolvers<void>();
  setTimeout(resolve, ms);
  return promise;
}
