// Produces records for Sluice's components (the CLI, the log store, the pino shipper) through the
// client library. A record without a partition goes where the Java client would put it: by its
// key's murmur2 hash, or round robin when it has no key.

import { murmur2, type Producer } from '@platformatic/kafka';
import { type ConnectOptions, libraryProducer, translated } from './library.js';
import type { Acks, Compression, ProducedOffset, RecordToProduce } from './types.js';

const ACKS: Record<Acks, number> = { all: -1, leader: 1, none: 0 };

export interface ProducerOptions extends ConnectOptions {
  /** Default 'all'. */
  acks?: Acks;
  /**
   * Retried requests are not written twice (for sends with acks 'all'). Default true, as in Kafka's
   * Java client. The library retries a request whole when one of its partitions failed (a leader not
   * yet elected, right after CreateTopics on Apache Kafka): without this, the partitions that had
   * been written are written again.
   */
  idempotent?: boolean;
}

export class KafkaProducer {
  readonly #bootstrap: string[];
  readonly #producer: Producer;
  readonly #acks: Acks;
  readonly #idempotent: boolean;
  #next = 0;

  constructor(options: ProducerOptions) {
    this.#bootstrap = options.bootstrap;
    this.#acks = options.acks ?? 'all';
    this.#idempotent = options.idempotent ?? true;
    this.#producer = libraryProducer(options, {
      acks: ACKS[this.#acks],
      idempotent: this.#idempotent && this.#acks === 'all',
    });
  }

  /** Keys hash like the Java client (murmur2, positive), so a key lands where other clients put it. */
  #partition = (_message: unknown, key: Buffer | undefined): number =>
    key ? murmur2(key) & 0x7fffffff : this.#next++;

  /**
   * Sends records in one request per leader; resolves once the broker acknowledged them as asked,
   * with the offset each partition's first record got (none with acks 'none').
   */
  async send(
    records: readonly RecordToProduce[],
    options: { acks?: Acks; compression?: Compression } = {},
  ): Promise<ProducedOffset[]> {
    const acks = options.acks ?? this.#acks;
    const result = await translated(this.#bootstrap, () =>
      this.#producer.send({
        messages: records.map((r) => ({ ...r })),
        acks: ACKS[acks],
        // Kafka takes sequence numbers only with acks all.
        idempotent: this.#idempotent && acks === 'all',
        compression: options.compression ?? 'none',
        partitioner: this.#partition,
      }),
    );
    return (result.offsets ?? []).map(({ topic, partition, offset }) => ({ topic, partition, offset }));
  }

  async close(): Promise<void> {
    await this.#producer.close().catch(() => {});
  }
}
