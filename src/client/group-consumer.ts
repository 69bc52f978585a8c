// Reads several topics as one member of a consumer group and commits per partition what its caller
// says is done: what the pipeline runtime consumes with. GroupReader (one topic, commits the
// records it printed) serves the CLI; this one leaves the order of work and of commits to the
// caller, who commits a partition's offset only once everything before it is finished.

import type { Consumer, Message, MessagesStream } from '@platformatic/kafka';
import { ClientError } from './client-error.js';
import { createGroupConsumer } from './group-reader.js';
import { toClientError } from './library.js';
import type { StartPosition } from './partition-reader.js';
import type { ConsumedRecord } from './types.js';

export interface GroupConsumerOptions {
  bootstrap: string[];
  clientId?: string;
  /** Existing topics to read (at least one). */
  topics: readonly string[];
  group: string;
  /** Where to start in partitions the group has no committed offset for. */
  start: StartPosition;
  /** Longest Fetch wait at the broker. Default 500 ms, so that closing is prompt. */
  maxWaitMs?: number;
}

/** A record and the topic it was read from. */
export interface TopicRecord extends ConsumedRecord {
  topic: string;
}

type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

const key = (topic: string, partition: number) => `${topic}:${partition}`;

export class GroupConsumer {
  readonly #consumer: Consumer;
  readonly #stream: Stream;
  readonly #bootstrap: string[];
  /** Next offset handed out, by `topic:partition`: a rebalance that refetches skips what was handed out. */
  readonly #handedOut = new Map<string, bigint>();
  #failure: unknown;
  #closing = false;
  #wake: (() => void) | undefined;

  private constructor(consumer: Consumer, stream: Stream, bootstrap: string[]) {
    this.#consumer = consumer;
    this.#stream = stream;
    this.#bootstrap = bootstrap;
    stream.on('readable', () => this.#wake?.());
    stream.on('error', (error) => this.#fail(error));
    stream.on('close', () => this.#fail(new ClientError('the consumer stopped unexpectedly')));
    consumer.on('error', (error: unknown) => this.#fail(error));
  }

  /** Joins the group and starts fetching what it assigns. */
  static async open(options: GroupConsumerOptions): Promise<GroupConsumer> {
    if (options.topics.length === 0) throw new ClientError('no topics to consume', 'INVALID_ARGUMENT');
    const consumer = createGroupConsumer(options);
    try {
      const stream = await consumer.consume({
        topics: [...options.topics],
        mode: 'committed',
        fallbackMode: options.start,
        autocommit: false,
        maxWaitTime: options.maxWaitMs ?? 500,
      });
      return new GroupConsumer(consumer, stream, options.bootstrap);
    } catch (error) {
      await closeForcibly(consumer);
      throw toClientError(error, options.bootstrap);
    }
  }

  #fail(error: unknown): void {
    if (this.#closing) return;
    this.#failure ??= error;
    this.#wake?.();
  }

  /** The failure that stopped the consumer, if one did. */
  get failure(): unknown {
    return this.#failure === undefined ? undefined : toClientError(this.#failure, this.#bootstrap);
  }

  /** The partitions the group assigns to this member now, as `topic` → partitions. */
  assignments(): Map<string, number[]> {
    return new Map((this.#consumer.assignments ?? []).map((a) => [a.topic, [...a.partitions]]));
  }

  #drain(max: number): TopicRecord[] {
    const records: TopicRecord[] = [];
    while (records.length < max) {
      const message = this.#stream.read() as Message | null;
      if (message === null) break;
      const at = key(message.topic, message.partition);
      const next = this.#handedOut.get(at);
      if (next !== undefined && message.offset < next) continue;
      this.#handedOut.set(at, message.offset + 1n);
      records.push({
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        timestamp: message.timestamp,
        key: message.key ?? null,
        value: message.value ?? null,
        headers: [...message.headers].map(([k, v]) => [k ?? null, v ?? null]),
      });
    }
    return records;
  }

  /**
   * Up to `max` records that arrived, waiting up to `maxWaitMs` for the first (possibly none). What
   * is not taken stays in the stream, whose buffer holds back fetching: the caller bounds memory.
   */
  async poll(maxWaitMs: number, max = 500): Promise<TopicRecord[]> {
    if (this.#failure !== undefined) throw this.failure;
    const ready = this.#drain(max);
    if (ready.length > 0 || this.#closing) return ready;
    const { promise, resolve } = Promise.withResolvers<void>();
    const timer = setTimeout(resolve, maxWaitMs);
    this.#wake = resolve;
    await promise;
    clearTimeout(timer);
    this.#wake = undefined;
    if (this.#failure !== undefined) throw this.failure;
    return this.#drain(max);
  }

  /** Stops a poll that is waiting (it returns what it has, possibly nothing). */
  interrupt(): void {
    this.#wake?.();
  }

  /**
   * Commits, per partition, the offset of the next record to read: everything before it is done.
   * Fails (UNAVAILABLE, or the broker's error such as REBALANCE_IN_PROGRESS) when the group has
   * moved on; the records are then read again by whoever owns the partition (at-least-once).
   */
  async commit(offsets: readonly { topic: string; partition: number; offset: bigint }[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.#consumer
      .commit({ offsets: offsets.map((o) => ({ ...o, leaderEpoch: -1 })) })
      .catch((error: unknown) => {
        throw toClientError(error, this.#bootstrap);
      });
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#wake?.();
    await this.#stream.close().catch(() => {});
    await closeForcibly(this.#consumer);
  }
}

/** Closes a consumer even with a stream open, leaving its group; never rejects. */
function closeForcibly(consumer: Consumer): Promise<void> {
  const { promise, resolve } = Promise.withResolvers<void>();
  consumer.close(true, () => resolve());
  return promise;
}
