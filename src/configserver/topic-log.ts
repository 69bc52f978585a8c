// The config server's only contact with Kafka (through the client room's door): it creates its
// topics when missing, appends with acks=all and learns the offset, follows the values topic
// from its start (handing every record on, in order), reads the history topic on demand, and
// publishes bus events. Everything else of the server sees records, never a client.

import { ensureTopic, type FollowedRecord, FollowedTopic, readWholeTopic } from '../client/index.js';

export type { FollowedRecord };

const CLIENT_ID = 'sluice-config-server';

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
  readonly #values: FollowedTopic;

  private constructor(options: ConfigLogOptions, values: FollowedTopic) {
    this.#options = options;
    this.#values = values;
  }

  static async open(options: ConfigLogOptions): Promise<ConfigLog> {
    const { bootstrap } = options;
    await ensureTopic(
      bootstrap,
      options.historyTopic,
      { 'cleanup.policy': 'delete', 'retention.ms': String(options.historyRetentionMs) },
      CLIENT_ID,
    );
    // Spring's Kafka binder creates it on first use with the broker's defaults; one partition does.
    await ensureTopic(bootstrap, options.busTopic, {}, CLIENT_ID);
    const values = await FollowedTopic.open({
      bootstrap,
      topic: options.topic,
      clientId: CLIENT_ID,
      configs: { 'cleanup.policy': 'compact', 'retention.ms': '-1' },
      onRecord: options.onRecord,
      onReadError: options.onReadError,
    });
    return new ConfigLog(options, values);
  }

  get position(): bigint {
    return this.#values.position;
  }

  get lastError(): unknown {
    return this.#values.lastError;
  }

  endOffset(): Promise<bigint> {
    return this.#values.endOffset();
  }

  /** Appends to the values topic; resolves with the record's offset. No value is a tombstone. */
  append(key: Buffer, value: Buffer | undefined): Promise<bigint> {
    return this.#values.append(key, value);
  }

  async appendHistory(key: Buffer, value: Buffer): Promise<void> {
    await this.#values.producer.send([{ topic: this.#options.historyTopic, partition: 0, key, value }]);
  }

  /** A bus message: no key, as Spring Cloud Bus sends them. */
  async publish(value: Buffer, headers: Map<Buffer, Buffer>): Promise<void> {
    await this.#values.producer.send([{ topic: this.#options.busTopic, value, headers }]);
  }

  /** Every record of the history topic, from its start to where it ends now. */
  readHistory(): Promise<FollowedRecord[]> {
    return readWholeTopic(this.#options.bootstrap, this.#options.historyTopic, CLIENT_ID);
  }

  /** Resolves once the follower has applied the record at `offset` (read-your-writes). */
  waitFor(offset: bigint): Promise<void> {
    return this.#values.waitFor(offset);
  }

  close(): Promise<void> {
    return this.#values.close();
  }
}
