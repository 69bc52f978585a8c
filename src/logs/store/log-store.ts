import type { Logger } from 'pino';
import { type ConsumedRecord, KafkaAdmin, KafkaProducer, PartitionReader } from '../../client/index.js';
import { type LogSource, type SelectRequest, selectorMatches } from '../logql/index.js';
import type { LogEntry } from '../model.js';
import { parseChunkSummary } from './chunk.js';
import { LabelIndex, type ReadRange } from './label-index.js';
import { LogIndexer } from './log-indexer.js';
import type { LogsConfig } from './logs-config.js';
import { entrySize, RangeCache } from './range-cache.js';
import { ReaderPool } from './reader-pool.js';
import { ensureLogTopics, indexTopicOf } from './topic-setup.js';

export interface OutgoingRecord {
  key?: Buffer;
  value: Buffer;
  /** Milliseconds since the epoch. */
  timestamp: bigint;
  headers: Map<Buffer, Buffer>;
}

export interface LogStoreOptions {
  bootstrap: string[];
  config: LogsConfig;
  /** Turns a record of the logs topic into an entry (never fails: unknown formats stay raw). */
  decode: (record: ConsumedRecord) => LogEntry;
  /** Turns a pushed entry into a record of the logs topic. */
  encode: (entry: LogEntry) => OutgoingRecord;
  logger: Logger;
}

const CLIENT_ID = 'sluice-logs';
/** Well under the 1 MiB max.message.bytes default, so a batch of a push is never refused as too large. */
const PUSH_BATCH_BYTES = 512 * 1024;
const READ_WAIT_MS = 0;
/** A query reader unused this long is closed (and opened again when needed). */
const READER_IDLE_MS = 30_000;

/**
 * The log monitor's storage: lines live in a Kafka topic, a label index of chunk summaries lives
 * in the topic beside it. Everything goes through the Kafka protocol, so Apache Kafka can be the
 * store as well.
 */
export class LogStore implements LogSource {
  private readonly listeners = new Set<(entry: LogEntry) => void>();
  /** Readers for queries, per partition, shared by all of them (the indexer has its own follower). */
  private readonly pools = new Map<number, ReaderPool>();
  /** Ranges read whole lately, decoded: repeated queries read no Kafka. */
  private readonly cache: RangeCache;
  private closing = false;

  private constructor(
    private readonly options: LogStoreOptions,
    readonly index: LabelIndex,
    private readonly producer: KafkaProducer,
    private readonly indexer: LogIndexer,
  ) {
    this.cache = new RangeCache(options.config.queryCacheBytes);
  }

  private pool(partition: number): ReaderPool {
    let pool = this.pools.get(partition);
    if (!pool) {
      const { bootstrap, config } = this.options;
      pool = new ReaderPool({
        size: config.queryReaders,
        idleMs: READER_IDLE_MS,
        open: () =>
          PartitionReader.open({
            bootstrap,
            topic: config.topic,
            partitions: [partition],
            start: new Map([[partition, 0n]]),
            clientId: CLIENT_ID,
          }),
      });
      this.pools.set(partition, pool);
    }
    return pool;
  }

  /** Readers the store's queries have open now (not counting the indexer's). */
  get queryReadersOpen(): number {
    let open = 0;
    for (const pool of this.pools.values()) open += pool.open;
    return open;
  }

  static async open(options: LogStoreOptions): Promise<LogStore> {
    const { bootstrap, config, logger } = options;
    const admin = new KafkaAdmin({ bootstrap, clientId: CLIENT_ID });
    try {
      await ensureLogTopics(admin, config);
    } finally {
      await admin.close().catch(() => {});
    }
    const producer = new KafkaProducer({ bootstrap, clientId: CLIENT_ID });
    let indexer: LogIndexer | undefined;
    const index = new LabelIndex(() => indexer?.openChunks() ?? []);
    await readIndexTopic(bootstrap, indexTopicOf(config.topic), index);
    const reader = await PartitionReader.open({
      bootstrap,
      topic: config.topic,
      start: index.nextOffsets(),
      clientId: CLIENT_ID,
      justCreated: true,
    });
    const starts = await reader.startOffsets();
    for (const [p, start] of starts) index.prune(p, Number(start));
    let store: LogStore | undefined;
    indexer = new LogIndexer({
      reader,
      index,
      producer,
      indexTopic: indexTopicOf(config.topic),
      decode: options.decode,
      onEntry: (entry) => store?.emit(entry),
      chunkEntries: config.chunkEntries,
      chunkMs: config.chunkMs,
      logger,
    });
    store = new LogStore(options, index, producer, indexer);
    logger.info({ topic: config.topic, indexedFrom: Object.fromEntries(reader.positions) }, 'log store open');
    return store;
  }

  /** Appends entries to the logs topic (acknowledged by the broker before this resolves). */
  async push(entries: readonly LogEntry[]): Promise<void> {
    const { topic } = this.options.config;
    let batch: (OutgoingRecord & { topic: string })[] = [];
    let bytes = 0;
    const send = async () => {
      if (batch.length > 0) await this.producer.send(batch, { acks: 'all' });
      batch = [];
      bytes = 0;
    };
    // A push may be larger than a topic's max.message.bytes (1 MiB by default): send it in parts.
    for (const entry of entries) {
      const record = this.options.encode(entry);
      const size = record.value.length + (record.key?.length ?? 0) + 64 + headerBytes(record.headers);
      if (bytes + size > PUSH_BATCH_BYTES) await send();
      batch.push({ topic, ...record });
      bytes += size;
    }
    await send();
  }

  /** Live entries as they are indexed; returns the unsubscribe function. */
  subscribe(listener: (entry: LogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(entry: LogEntry): void {
    for (const listener of this.listeners) listener(entry);
  }

  /**
   * Entries of matching streams with startNs <= ts < endNs, chunk by chunk in offset order per
   * partition (not globally sorted: the query engine orders and limits).
   */
  async *select({ matchers, startNs, endNs, signal }: SelectRequest): AsyncGenerator<LogEntry> {
    const ranges = this.index.ranges(matchers, startNs, endNs);
    const wanted = (entry: LogEntry) =>
      entry.timestampNs >= startNs && entry.timestampNs < endNs && selectorMatches(matchers, entry.labels);
    for (const range of ranges) {
      if (this.closing) return;
      const cached = this.cache.get(range);
      if (cached) {
        for (const entry of cached) if (wanted(entry)) yield entry;
        continue;
      }
      // One range at a time with a pooled reader: other queries take their turns in between.
      const pool = this.pool(range.partition);
      const reader = await pool.acquire(signal);
      let failed = false;
      // Kept for the cache only while the range stays small enough to be cached at all, so a
      // large scan never holds more than its query's own budget allows.
      let read: LogEntry[] | undefined = [];
      let readBytes = 0;
      const progress = { whole: false };
      try {
        for await (const record of readRange(reader, range, progress, signal)) {
          const entry = this.options.decode(record);
          if (read) {
            readBytes += entrySize(entry);
            if (readBytes > this.cache.maxRangeBytes) read = undefined;
            else read.push(entry);
          }
          if (wanted(entry)) yield entry;
        }
      } catch (err) {
        failed = true;
        throw err;
      } finally {
        // A range left early (limit reached, query stopped) leaves the reader sound: the next
        // user seeks it anyway. Only a failed read closes it.
        pool.release(reader, failed);
      }
      // Only a range read to its end is kept (the loop above is not reached when the query stops).
      if (progress.whole && read) this.cache.set(range, read);
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    await this.indexer.stop();
    this.listeners.clear();
    await this.producer.close().catch(() => {});
  }
}

function headerBytes(headers: Map<Buffer, Buffer>): number {
  let n = 0;
  for (const [k, v] of headers) n += k.length + v.length + 8;
  return n;
}

/**
 * The records of one range; stops at its end (and sets `progress.whole`), or early where
 * retention already removed it.
 */
async function* readRange(
  reader: PartitionReader,
  range: ReadRange,
  progress: { whole: boolean },
  signal?: AbortSignal,
): AsyncGenerator<ConsumedRecord> {
  reader.seek(range.partition, BigInt(range.from));
  const to = BigInt(range.to);
  for (let idle = 0; idle < 2 && !signal?.aborted; ) {
    const records = await reader.poll(READ_WAIT_MS);
    if (records.length === 0) idle++;
    for (const record of records) {
      if (record.offset > to) {
        progress.whole = true;
        return;
      }
      if (record.offset >= BigInt(range.from)) yield record;
    }
    if ((reader.positions.get(range.partition) ?? 0n) > to) {
      progress.whole = true;
      return;
    }
  }
}

/** Rebuilds the closed chunks from the index topic, reading it to its current end. */
async function readIndexTopic(bootstrap: string[], topic: string, index: LabelIndex): Promise<void> {
  // ensureLogTopics has just made sure it exists, though a broker may not know it yet.
  const reader = await PartitionReader.open({
    bootstrap,
    topic,
    start: 'earliest',
    clientId: CLIENT_ID,
    justCreated: true,
  });
  try {
    const end = await reader.endOffsets();
    const done = () => [...end].every(([p, e]) => (reader.positions.get(p) ?? 0n) >= e);
    while (!done()) {
      for (const record of await reader.poll(100)) {
        const summary = record.value && parseChunkSummary(record.value);
        if (summary) index.add(summary);
      }
    }
  } finally {
    await reader.close();
  }
}
