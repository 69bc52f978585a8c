// The registry's only contact with Kafka (through the client room's door): creates the `_schemas`
// topic if missing (one partition, compacted, as Confluent does), appends keyed records with
// acks=all and learns their offsets, and follows the topic from its start, handing every record to
// the registry's state. Everything else of the registry sees records, never a client.

import { ClientError, KafkaAdmin, KafkaProducer, PartitionReader } from '../client/index.js';

const CLIENT_ID = 'sluice-schema-registry';
/** How long one fetch waits for new records before the follower asks again. */
const POLL_WAIT_MS = 500;
/** After a failed read, the follower retries after this long (doubling up to the maximum). */
const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 5_000;

export interface LogRecord {
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

export interface SchemaLogOptions {
  bootstrap: string[];
  topic: string;
  /** Called for each record, in offset order, exactly once per offset. */
  onRecord(record: LogRecord): void;
  /** Called when a read fails (logged by the caller); the follower keeps retrying. */
  onReadError(error: unknown): void;
}

type Waiter = { offset: bigint; resolve: () => void };

export class SchemaLog {
  readonly #options: SchemaLogOptions;
  readonly #producer: KafkaProducer;
  readonly #reader: PartitionReader;
  /** The next offset the follower will read: every record below it was handed on. */
  #position = 0n;
  #waiters: Waiter[] = [];
  #closed = false;
  #following: Promise<void> = Promise.resolve();
  #lastError: unknown;

  private constructor(options: SchemaLogOptions, producer: KafkaProducer, reader: PartitionReader) {
    this.#options = options;
    this.#producer = producer;
    this.#reader = reader;
  }

  /** Creates the topic if missing, opens the follower at the start of the log and starts it. */
  static async open(options: SchemaLogOptions): Promise<SchemaLog> {
    await ensureSchemasTopic(options.bootstrap, options.topic);
    const reader = await PartitionReader.open({
      bootstrap: options.bootstrap,
      topic: options.topic,
      partitions: [0],
      start: 'earliest',
      clientId: CLIENT_ID,
      justCreated: true,
    });
    const producer = new KafkaProducer({ bootstrap: options.bootstrap, clientId: CLIENT_ID, acks: 'all' });
    const log = new SchemaLog(options, producer, reader);
    log.#position = reader.positions.get(0) ?? 0n;
    log.#following = log.#follow();
    return log;
  }

  /** The next offset to be read: records below it have been applied. */
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
    const written = await this.#producer.send([{ topic: this.#options.topic, partition: 0, key, value }]);
    const offset = written.find((o) => o.partition === 0)?.offset;
    if (offset === undefined) throw new ClientError('the broker did not say where the record went');
    return offset;
  }

  /** Resolves once the follower has applied the record at `offset` (read-your-writes). */
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

/** One partition, compacted, kept forever: what Confluent creates (`kafkastore.topic`). */
async function ensureSchemasTopic(bootstrap: string[], topic: string): Promise<void> {
  const admin = new KafkaAdmin({ bootstrap, clientId: CLIENT_ID });
  try {
    await admin.createTopic(topic, {
      partitions: 1,
      replicas: 1,
      configs: { 'cleanup.policy': 'compact', 'retention.ms': '-1' },
    });
  } catch (error) {
    if (!(error instanceof ClientError && error.code === 'CONFLICT')) throw error;
  } finally {
    await admin.close().catch(() => {});
  }
}
