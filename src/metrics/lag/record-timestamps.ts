// Timestamps of single records, for lag in seconds: the record at a group's committed offset is the
// oldest one it has not consumed. Each is fetched once and kept while some group still sits there.

import { ClientError, type ClusterLayout, fetchPartitions, type KafkaAdmin } from '../../client/index.js';

/** Kafka returns at least one whole batch even past this, so a small figure still finds the record. */
const PARTITION_MAX_BYTES = 64 * 1024;
const CONCURRENCY = 8;

export interface RecordLocation {
  topic: string;
  topicId: string;
  partition: number;
  leader: number;
  offset: number;
}

const keyOf = (l: RecordLocation) => `${l.topic}\0${l.partition}\0${l.offset}`;

export class RecordTimestamps {
  readonly #cache = new Map<string, number>();
  readonly #admin: KafkaAdmin;

  constructor(admin: KafkaAdmin) {
    this.#admin = admin;
  }

  get(location: RecordLocation): number | undefined {
    return this.#cache.get(keyOf(location));
  }

  /**
   * Makes sure the timestamps of these records are known, then forgets all others (so the cache
   * stays as large as the set of lagging partitions). A record that cannot be read stays unknown.
   */
  async load(wanted: readonly RecordLocation[]): Promise<void> {
    const keep = new Set(wanted.map(keyOf));
    for (const key of this.#cache.keys()) if (!keep.has(key)) this.#cache.delete(key);
    const missing = wanted.filter((l) => !this.#cache.has(keyOf(l)));
    if (missing.length === 0) return;
    const layout = await this.#admin.layout([...new Set(missing.map((l) => l.topic))]);
    for (let i = 0; i < missing.length; i += CONCURRENCY) {
      const chunk = missing.slice(i, i + CONCURRENCY);
      await Promise.all(
        chunk.map(async (location) => {
          const ts = await this.#fetchTimestamp(layout, location).catch((error: unknown) => {
            // The partition moved or its leader is away: the next round asks again.
            if (error instanceof ClientError) return undefined;
            throw error;
          });
          if (ts !== undefined) this.#cache.set(keyOf(location), ts);
        }),
      );
    }
  }

  async #fetchTimestamp(layout: ClusterLayout, l: RecordLocation): Promise<number | undefined> {
    const topic = layout.topics.get(l.topic);
    if (!topic) return undefined;
    const [fetched] = await fetchPartitions(
      this.#admin.wire,
      layout,
      l.leader,
      topic,
      [{ partition: l.partition, offset: BigInt(l.offset) }],
      { maxWaitMs: 0, partitionMaxBytes: PARTITION_MAX_BYTES },
    );
    // Deleted by retention meanwhile (an error), or nothing there: unknown for now. On a compacted
    // topic the first record after the offset is the oldest unconsumed one.
    const record = fetched?.records[0];
    return record ? Number(record.timestamp) : undefined;
  }
}
