// Timestamps of single records, for lag in seconds: the record at a group's committed offset is the
// oldest one it has not consumed. Each is fetched once and kept while some group still sits there.

import type { Consumer } from '@platformatic/kafka';
import { kafkaErrorIds } from './kafka-access.js';

/** Attribute bit of a record batch whose timestamps were set by the broker (LogAppendTime). */
const LOG_APPEND_TIME = 0x08;
/** Attribute bit of a control batch (transaction markers), which holds no consumer records. */
const CONTROL = 0x20;
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
  readonly #consumer: Consumer;
  readonly #useTopicIds: () => Promise<boolean>;

  constructor(consumer: Consumer, useTopicIds: () => Promise<boolean>) {
    this.#consumer = consumer;
    this.#useTopicIds = useTopicIds;
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
    const byId = await this.#useTopicIds();
    for (let i = 0; i < missing.length; i += CONCURRENCY) {
      const chunk = missing.slice(i, i + CONCURRENCY);
      await Promise.all(
        chunk.map(async (location) => {
          const ts = await this.#fetchTimestamp(location, byId).catch((error: unknown) => {
            // Deleted by retention meanwhile, or the partition moved: the next round asks again.
            if (kafkaErrorIds(error).length > 0) return undefined;
            throw error;
          });
          if (ts !== undefined) this.#cache.set(keyOf(location), ts);
        }),
      );
    }
  }

  async #fetchTimestamp(l: RecordLocation, byId: boolean): Promise<number | undefined> {
    const response = await this.#consumer.fetch({
      node: l.leader,
      maxWaitTime: 0,
      topics: [
        {
          topicId: byId ? l.topicId : l.topic,
          partitions: [
            {
              partition: l.partition,
              fetchOffset: BigInt(l.offset),
              partitionMaxBytes: PARTITION_MAX_BYTES,
              currentLeaderEpoch: -1,
              lastFetchedEpoch: -1,
            },
          ],
        },
      ],
    });
    for (const topic of response.responses) {
      for (const partition of topic.partitions) {
        for (const batch of partition.records ?? []) {
          if (batch.attributes & CONTROL) continue;
          for (const record of batch.records) {
            // A fetch answers with whole batches: skip records before the one asked for. On a
            // compacted topic the first one after it is the oldest unconsumed record.
            if (Number(batch.firstOffset) + record.offsetDelta < l.offset) continue;
            const ts =
              batch.attributes & LOG_APPEND_TIME
                ? batch.maxTimestamp
                : batch.firstTimestamp + record.timestampDelta;
            return Number(ts);
          }
        }
      }
    }
    return undefined;
  }
}
