// The registry's only contact with Kafka (through the client room's door). It creates the events
// topic if missing, reads it once from the start when the registry starts, and writes events in
// the order the changes happened, batched, retrying until they are written or the registry closes.
//
// The topic is keyed APP/instanceId and each event holds the whole instance, so the latest record
// of a key is that instance's state. It is bounded two ways: compaction (on brokers that compact,
// as Apache Kafka does) keeps the latest record per key, and retention by time drops whatever is
// older than `retentionMs` on any broker (Sluice's does not compact yet). Retention alone would
// lose long-lived instances that never change, so the registry writes every live instance again
// (a snapshot event) at start and every quarter of the retention. A removal is its DELETED event
// followed by a tombstone: followers see why it went, and compaction forgets the key. The topic
// then holds about the live registry a few times over plus the changes of the retention period,
// whatever the churn of instance ids. One partition keeps every change in order.

import { ensureTopic, KafkaProducer, PartitionReader, type RecordToProduce } from '../client/index.js';

const CLIENT_ID = 'sluice-registry';
const POLL_WAIT_MS = 500;
/** Records per produce request. */
const BATCH = 500;
/** Events kept while Kafka cannot be written; past it the oldest are dropped (and counted). */
const MAX_PENDING = 100_000;
const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 5_000;

/** The topic's configs: compacted and deleted by time, segments small enough for both to act on. */
export function eventsTopicConfigs(retentionMs: number): Record<string, string> {
  return {
    'cleanup.policy': 'compact,delete',
    'retention.ms': String(retentionMs),
    // Only closed segments are compacted or deleted: roll at least hourly.
    'segment.ms': String(Math.min(3_600_000, Math.floor(retentionMs / 4))),
    // Tombstones, and with them removed instances, are forgotten a day after the removal.
    'delete.retention.ms': '86400000',
  };
}

export interface EventLogOptions {
  bootstrap: string[];
  topic: string;
  /** The topic's retention.ms, when it is created. */
  retentionMs: number;
  /** A write failed (logged by the caller); the writer retries. */
  onWriteError(error: unknown): void;
}

export class EventLog {
  readonly #options: EventLogOptions;
  readonly #producer: KafkaProducer;
  #queue: RecordToProduce[] = [];
  /** Records at the head of the queue in the produce request under way. */
  #inFlight = 0;
  #writing: Promise<void> | undefined;
  #closed = false;
  #dropped = 0;
  #written = 0;
  #lastError: unknown;

  private constructor(options: EventLogOptions) {
    this.#options = options;
    this.#producer = new KafkaProducer({ bootstrap: options.bootstrap, clientId: CLIENT_ID, acks: 'all' });
  }

  /** Creates the topic when missing (one partition, compacted). */
  static async open(options: EventLogOptions): Promise<EventLog> {
    await ensureTopic(options.bootstrap, options.topic, eventsTopicConfigs(options.retentionMs), CLIENT_ID);
    return new EventLog(options);
  }

  /** Reads the topic from its start to where it ends now, handing each record on in order. */
  async readAll(onRecord: (key: Buffer | null, value: Buffer | null) => void): Promise<number> {
    const reader = await PartitionReader.open({
      bootstrap: this.#options.bootstrap,
      topic: this.#options.topic,
      partitions: [0],
      start: 'earliest',
      clientId: CLIENT_ID,
      justCreated: true,
    });
    try {
      const end = (await reader.endOffsets()).get(0) ?? 0n;
      let count = 0;
      while ((reader.positions.get(0) ?? 0n) < end && !this.#closed) {
        for (const r of await reader.poll(POLL_WAIT_MS)) {
          if (r.offset >= end) continue;
          onRecord(r.key, r.value);
          count++;
        }
      }
      return count;
    } finally {
      await reader.close().catch(() => {});
    }
  }

  /** Queues a record (no value: a tombstone); written in order, soon. */
  append(key: Buffer, value: Buffer | undefined): void {
    if (this.#closed) return;
    this.#queue.push({ topic: this.#options.topic, partition: 0, key, ...(value ? { value } : {}) });
    if (this.#queue.length > MAX_PENDING) {
      // The oldest not being sent right now.
      this.#queue.splice(this.#inFlight, 1);
      this.#dropped++;
    }
    this.#writing ??= this.#write().finally(() => {
      this.#writing = undefined;
    });
  }

  /** Events queued and not yet acknowledged by Kafka. */
  get pending(): number {
    return this.#queue.length;
  }

  get written(): number {
    return this.#written;
  }

  /** Events dropped because Kafka could not be written for too long. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The last write failure, while writes are failing; undefined once one succeeds. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** Resolves once every queued event is written (or `timeoutMs` passed); then stops. */
  async close(timeoutMs = 5_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#writing ?? Promise.resolve(),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    this.#closed = true;
    await this.#writing?.catch(() => {});
    await this.#producer.close();
  }

  /** Resolves once the events queued so far are written (tests and close use it). */
  async flushed(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  async #write(): Promise<void> {
    let backoff = RETRY_MIN_MS;
    while (this.#queue.length > 0) {
      const batch = this.#queue.slice(0, BATCH);
      this.#inFlight = batch.length;
      try {
        await this.#producer.send(batch);
        this.#queue.splice(0, batch.length);
        this.#written += batch.length;
        this.#lastError = undefined;
        this.#inFlight = 0;
        backoff = RETRY_MIN_MS;
      } catch (error) {
        if (this.#closed) return;
        this.#lastError = error;
        this.#inFlight = 0;
        this.#options.onWriteError(error);
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, RETRY_MAX_MS);
      }
    }
  }
}
