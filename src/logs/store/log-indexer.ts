import type { Logger } from 'pino';
import type { ConsumedRecord, KafkaProducer, PartitionReader } from '../../client/index.js';
import { RateLimitedLog } from '../../errors/index.js';
import type { LogEntry } from '../model.js';
import { ChunkBuilder, type ChunkSummary } from './chunk.js';
import type { LabelIndex } from './label-index.js';

const POLL_WAIT_MS = 200;
const RETRY_DELAY_MS = 1000;
/** While the broker is away every retry fails the same way: one line per this interval. */
const ERROR_LOG_INTERVAL_MS = 30_000;

export interface IndexerOptions {
  reader: PartitionReader;
  index: LabelIndex;
  producer: KafkaProducer;
  indexTopic: string;
  decode: (record: ConsumedRecord) => LogEntry;
  /** Every entry as it is indexed: the live tail. */
  onEntry: (entry: LogEntry) => void;
  chunkEntries: number;
  chunkMs: number;
  logger: Logger;
}

/**
 * Follows the logs topic: decodes each record, feeds the live tail and the chunk being built per
 * partition, and closes chunks into the index topic by size or age. Runs until stopped.
 */
export class LogIndexer {
  private readonly builders = new Map<number, ChunkBuilder>();
  private stopped = false;
  private readonly errors: RateLimitedLog;
  private readonly loop: Promise<void>;
  /** Entries indexed since start. */
  indexed = 0;

  constructor(private readonly options: IndexerOptions) {
    this.errors = new RateLimitedLog(options.logger, ERROR_LOG_INTERVAL_MS);
    this.loop = this.run();
  }

  openChunks(): ChunkSummary[] {
    return [...this.builders.values()].flatMap((b) => b.summary() ?? []);
  }

  private builder(partition: number): ChunkBuilder {
    let b = this.builders.get(partition);
    if (!b) {
      b = new ChunkBuilder(partition);
      this.builders.set(partition, b);
    }
    return b;
  }

  private async run(): Promise<void> {
    const { reader, decode, onEntry } = this.options;
    while (!this.stopped) {
      let records: ConsumedRecord[];
      try {
        records = await reader.poll(POLL_WAIT_MS);
      } catch (err) {
        if (this.stopped) return;
        this.errors.warn('read', err, 'log indexer: reading the logs topic failed; retrying');
        await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
        continue;
      }
      for (const record of records) {
        const entry = decode(record);
        this.builder(record.partition).add(
          Number(record.offset),
          entry.timestampNs,
          entry.labels,
          record.value?.length ?? 0,
        );
        this.indexed++;
        onEntry(entry);
        if ((this.builders.get(record.partition)?.entries ?? 0) >= this.options.chunkEntries)
          await this.closeChunks(false);
      }
      await this.closeChunks(false);
    }
  }

  /** Writes full or old chunks (all chunks when `all`) to the index topic. */
  private async closeChunks(all: boolean): Promise<void> {
    const { chunkEntries, chunkMs, producer, indexTopic, index } = this.options;
    for (const [partition, b] of this.builders) {
      const due = b.entries >= chunkEntries || (b.entries > 0 && Date.now() - b.startedAt >= chunkMs);
      if (!(all ? b.entries > 0 : due)) continue;
      const summary = b.summary();
      if (!summary) continue;
      this.builders.delete(partition);
      index.add(summary);
      try {
        await producer.send([
          {
            topic: indexTopic,
            key: Buffer.from(String(partition)),
            value: Buffer.from(JSON.stringify(summary)),
          },
        ]);
      } catch (err) {
        // The chunk stays in memory; after a restart those lines are indexed again from the topic.
        this.errors.warn('write', err, 'log indexer: writing the index topic failed', {
          partition,
          from: summary.from,
        });
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.closeChunks(true);
  }
}
