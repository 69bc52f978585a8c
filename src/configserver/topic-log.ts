// The config server's only contact with Kafka (through the client room's door): it creates its
// topics when missing, appends with acks=all and learns the offset, follows the values topic
// from its start (handing every record on, in order), reads the history topic on demand, and
// publishes bus events. Everything else of the server sees records, never a client.

import {
  ClientError,
  KafkaAdmin,
  KafkaProducer,
  PartitionReader,
  type RecordToProduce,
} from '../client/index.js';

const CLIENT_ID = 'sluice-config-server';
const POLL_WAIT_MS = 500;
const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 5_000;

export interface FollowedRecord {
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
}

/** Creates a topic unless it exists; a topic someone else created (other settings) is used as is. */
export async function ensureTopic(
  bootstrap: string[],
  topic: string,
  configs: Record<string, string>,
  clientId = CLIENT_ID,
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

export interface ConfigLogOptions {
  bootstrap: string[];
  topic: string;
  historyTopic: string;
  historyRetentionMs: number;
  busTopic: string;
  onRecord(record: FollowedRecord): void;
  onReadError(error: unknown): void;
}

export class ConfigLog {
  readonly #options: ConfigLogOptions;
  readonly #producer: KafkaProducer;
  readonly #reader: PartitionReader;
  #position = 0n;
  #waiters: Waiter[] = [];
  #closed = false;
  #following: Promise<void> = Promise.resolve();
  #lastError: unknown;

  private constructor(options: ConfigLogOptions, producer: KafkaProducer, reader: PartitionReader) {
    this.#options = options;
    this.#producer = producer;
    this.#reader = reader;
  }

  static async open(options: ConfigLogOptions): Promise<ConfigLog> {
    const { bootstrap } = options;
    await ensureTopic(bootstrap, options.topic, { 'cleanup.policy': 'compact', 'retention.ms': '-1' });
    await ensureTopic(bootstrap, options.historyTopic, {
      'cleanup.policy': 'delete',
      'retention.ms': String(options.historyRetentionMs),
    });
    // Spring's Kafka binder creates it on first use with the broker's defaults; one partition does.
    await ensureTopic(bootstrap, options.busTopic, {});
    const reader = await PartitionReader.open({
      bootstrap,
      topic: options.topic,
      partitions: [0],
      start: 'earliest',
      clientId: CLIENT_ID,
      justCreated: true,
    });
    const producer = new KafkaProducer({ bootstrap, clientId: CLIENT_ID, acks: 'all' });
    const log = new ConfigLog(options, producer, reader);
    log.#position = reader.positions.get(0) ?? 0n;
    log.#following = log.#follow();
    return log;
  }

  get position(): bigint {
    return this.#position;
  }

  get lastError(): unknown {
    return this.#lastError;
  }

  async endOffset(): Promise<bigint> {
    return (await this.#reader.endOffsets()).get(0) ?? 0n;
  }

  /** Appends to the values topic; resolves with the record's offset. No value is a tombstone. */
  async append(key: Buffer, value: Buffer | undefined): Promise<bigint> {
    return this.#send({ topic: this.#options.topic, partition: 0, key, ...(value ? { value } : {}) });
  }

  async appendHistory(key: Buffer, value: Buffer): Promise<void> {
    await this.#send({ topic: this.#options.historyTopic, partition: 0, key, value });
  }

  /** A bus message: no key, as Spring Cloud Bus sends them. */
  async publish(value: Buffer, headers: Map<Buffer, Buffer>): Promise<void> {
    await this.#producer.send([{ topic: this.#options.busTopic, value, headers }]);
  }

  async #send(record: RecordToProduce): Promise<bigint> {
    const written = await this.#producer.send([record]);
    const offset = written.find((o) => o.partition === record.partition)?.offset;
    if (offset === undefined) throw new ClientError('the broker did not say where the record went');
    return offset;
  }

  /** Every record of the history topic, from its start to where it ends now. */
  async readHistory(): Promise<FollowedRecord[]> {
    const reader = await PartitionReader.open({
      bootstrap: this.#options.bootstrap,
      topic: this.#options.historyTopic,
      start: 'earliest',
      clientId: CLIENT_ID,
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
