// A one-partition topic a component keeps its state in (Confluent's kafkastore pattern): records
// are appended with acks=all and their offsets learnt, and the topic is followed from its start,
// every record handed on in offset order, once; `waitFor(offset)` gives read-your-writes. The
// schema registry (`_schemas`) and the config server (`sluice-config`) keep their state this way.

import { KafkaAdmin } from './admin.js';
import { ClientError } from './client-error.js';
import { PartitionReader } from './partition-reader.js';
import { KafkaProducer } from './producer.js';

/** How long one fetch waits for new records before the follower asks again. */
const POLL_WAIT_MS = 500;
/** After a failed read, the follower retries after this long (doubling up to the maximum). */
const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 5_000;

export interface FollowedRecord {
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

export interface FollowedTopicOptions {
  bootstrap: string[];
  topic: string;
  clientId: string;
  /** The topic's configs when it has to be created (one partition). */
  configs: Record<string, string>;
  /** Called for each record, in offset order, exactly once per offset. */
  onRecord(record: FollowedRecord): void;
  /** Called when a read fails (logged by the caller); the follower keeps retrying. */
  onReadError(error: unknown): void;
}

/** Creates a one-partition topic unless it exists; one someone else made is used as it is. */
export async function ensureTopic(
  bootstrap: string[],
  topic: string,
  configs: Record<string, string>,
  clientId: string,
): Promise<void> {
  const admin = new KafkaAdmin({ bootstrap, clientId });
  try {
    await admin.createTopic(topic, { partitions: 1, replicas: 1, configs });
  } catch (error) {
    if (!(error instanceof ClientError && error.code === 'CONFLICT')) throw error;
  } finally {
    await admin.close().catch(() => {});
  }
}

type Waiter = { offset: bigint; resolve: () => void };

export class FollowedTopic {
  readonly #options: FollowedTopicOptions;
  readonly #producer: KafkaProducer;
  readonly #reader: PartitionReader;
  /** The next offset the follower will read: every record below it was handed on. */
  #position = 0n;
  #waiters: Waiter[] = [];
  #closed = false;
  #following: Promise<void> = Promise.resolve();
  #lastError: unknown;

  private constructor(options: FollowedTopicOptions, producer: KafkaProducer, reader: PartitionReader) {
    this.#options = options;
    this.#producer = producer;
    this.#reader = reader;
  }

  /** Creates the topic if missing, opens the follower at the start of the log and starts it. */
  static async open(options: FollowedTopicOptions): Promise<FollowedTopic> {
    const { bootstrap, topic, clientId } = options;
    await ensureTopic(bootstrap, topic, options.configs, clientId);
    const reader = await PartitionReader.open({
      bootstrap,
      topic,
      partitions: [0],
      start: 'earliest',
      clientId,
      justCreated: true,
    });
    const producer = new KafkaProducer({ bootstrap, clientId, acks: 'all' });
    const followed = new FollowedTopic(options, producer, reader);
    followed.#position = reader.positions.get(0) ?? 0n;
    followed.#following = followed.#follow();
    return followed;
  }

  /** The producer the topic is written with (for a component's other records, e.g. events). */
  get producer(): KafkaProducer {
    return this.#producer;
  }

  /** The next offset to be read: records below it have been handed on. */
  get position(): bigint {
    return this.#position;
  }

  /** The last read failure, while reads are failing; undefined once a read succeeds. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** The current end of the log (the offset the next append will get). */
  async endOffset(): Promise<bigint> {
    return (await this.#reader.endOffsets()).get(0) ?? 0n;
  }

  /** Appends one record with acks=all; resolves with its offset. No value is a tombstone. */
  async append(key: Buffer, value: Buffer | undefined): Promise<bigint> {
    const written = await this.#producer.send([
      { topic: this.#options.topic, partition: 0, key, ...(value === undefined ? {} : { value }) },
    ]);
    const offset = written.find((o) => o.partition === 0)?.offset;
    if (offset === undefined) throw new ClientError('the broker did not say where the record went');
    return offset;
  }

  /** Resolves once the follower has handed on the record at `offset` (read-your-writes). */
  waitFor(offset: bigint): Promise<void> {
    if (this.#position > offset) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ offset, resolve }));
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#following.catch(() => {});
    await Promise.allSettled([this.#reader.close(), this.#producer.close()]);
  }

  async #follow(): Promise<void> {
    let backoff = RETRY_MIN_MS;
    while (!this.#closed) {
      try {
        const records = await this.#reader.poll(POLL_WAIT_MS);
        this.#lastError = undefined;
        backoff = RETRY_MIN_MS;
        for (const r of records) {
          if (r.offset < this.#position) continue;
          this.#options.onRecord({ offset: r.offset, key: r.key, value: r.value });
        }
        // Batches may end in control records or compacted gaps: the reader's position says how far.
        this.#position = this.#reader.positions.get(0) ?? this.#position;
        this.#release();
      } catch (error) {
        if (this.#closed) return;
        this.#lastError = error;
        this.#options.onReadError(error);
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, RETRY_MAX_MS);
      }
    }
  }

  #release(): void {
    const still: Waiter[] = [];
    for (const w of this.#waiters) {
      if (this.#position > w.offset) w.resolve();
      else still.push(w);
    }
    this.#waiters = still;
  }
}

/** Every record of a one-partition topic, from its start to where it ends now. */
export async function readWholeTopic(
  bootstrap: string[],
  topic: string,
  clientId: string,
): Promise<FollowedRecord[]> {
  const reader = await PartitionReader.open({
    bootstrap,
    topic,
    start: 'earliest',
    clientId,
    justCreated: true,
  });
  try {
    const ends = await reader.endOffsets();
    const out: FollowedRecord[] = [];
    const done = () => [...ends].every(([p, end]) => (reader.positions.get(p) ?? 0n) >= end);
    while (!done()) {
      for (const r of await reader.poll(POLL_WAIT_MS))
        out.push({ offset: r.offset, key: r.key, value: r.value });
    }
    return out;
  } finally {
    await reader.close().catch(() => {});
  }
}

/** What `openCaughtUp` needs of a followed log. */
export interface CatchingUpLog {
  endOffset(): Promise<bigint>;
  waitFor(offset: bigint): Promise<void>;
  close(): Promise<void>;
}

export interface CaughtUpOpening<T> {
  /** Resolves once the log is open and read to where it ended when opened; rejects only if closed first. */
  readonly opened: Promise<T>;
  /** The open log (also while it catches up), or undefined. */
  current(): T | undefined;
  caughtUp(): boolean;
  /** Why the last attempt to open failed, until one succeeds. */
  openError(): unknown;
  /** Resolves once caught up; rejects with `timeoutError()` after `ms`. */
  whenCaughtUp(ms: number, timeoutError: () => Error): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens a component's state log, trying again with backoff (200 ms doubling to 5 s) until it
 * opens, and reads it to where it ended: the schema registry and the config server answer only
 * once their state is whole.
 */
export function openCaughtUp<T extends CatchingUpLog>(
  open: () => Promise<T>,
  hooks: { onOpenError(error: unknown): void; onCaughtUp(end: bigint): void },
): CaughtUpOpening<T> {
  let log: T | undefined;
  let caughtUp = false;
  let closed = false;
  let openError: unknown;
  const opened = (async () => {
    for (let delay = 200; ; delay = Math.min(delay * 2, 5_000)) {
      let attempt: T | undefined;
      try {
        attempt = await open();
        if (closed) throw new Error('closed');
        log = attempt;
        openError = undefined;
        const end = await attempt.endOffset();
        if (end > 0n) await attempt.waitFor(end - 1n);
        caughtUp = true;
        hooks.onCaughtUp(end);
        return attempt;
      } catch (error) {
        // A log that opened but could not catch up is let go, not left following on its own.
        if (attempt !== undefined) {
          if (log === attempt) log = undefined;
          await attempt.close().catch(() => {});
        }
        if (closed) throw error;
        openError = error;
        hooks.onOpenError(error);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  })();
  opened.catch(() => {});
  return {
    opened,
    current: () => log,
    caughtUp: () => caughtUp,
    openError: () => openError,
    async whenCaughtUp(ms, timeoutError) {
      if (caughtUp) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(timeoutError()), ms);
      });
      try {
        await Promise.race([opened, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      closed = true;
      await log?.close();
    },
  };
}
