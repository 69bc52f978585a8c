// Reads one topic as a member of a consumer group: what `sluice consume --group` does. The group
// assigns the partitions; reading starts at the group's committed offsets (or, where it has none,
// at the earliest or latest offset, like auto.offset.reset); offsets are committed only after the
// records were printed (at-least-once), and closing leaves the group.

import type { Consumer, Message, MessagesStream } from '@platformatic/kafka';
import type { ConsumedRecord, RecordSource, StartPosition } from '../client/index.js';
import { CliError, unknownTopicOf } from './errors.js';
import { createGroupConsumer } from './kafka-client.js';

export interface GroupReaderOptions {
  bootstrap: string[];
  topic: string;
  group: string;
  /** Where to start in partitions the group has no committed offset for. */
  start: StartPosition;
}

/** Longest Fetch wait at the broker, so that closing (and leaving the group) is prompt. */
const FETCH_MAX_WAIT_MS = 500;

type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

/** Closes a consumer even with a stream open (close(true)), leaving its group; never rejects. */
function closeForcibly(consumer: Consumer): Promise<void> {
  return new Promise((resolve) => consumer.close(true, () => resolve()));
}

export class GroupReader implements RecordSource {
  readonly #consumer: Consumer;
  readonly #stream: Stream;
  readonly #topic: string;
  /**
   * Per partition, the offset to commit: after the last record printed, or where reading started
   * (re)assigned. Committing the start too is what Kafka's consumers do, so that a group that reads
   * from the latest offset does not skip what is produced before it next runs.
   */
  readonly #next = new Map<number, bigint>();
  /** What was last committed, by partition. */
  readonly #committed = new Map<number, bigint>();
  #failure: unknown;
  #closing = false;
  #wake: (() => void) | undefined;

  private constructor(consumer: Consumer, stream: Stream, topic: string) {
    this.#consumer = consumer;
    this.#stream = stream;
    this.#topic = topic;
    stream.on('readable', () => this.#wake?.());
    stream.on('offsets', () => this.#onAssigned());
    stream.on('error', (error) => this.#fail(error));
    stream.on('close', () => this.#fail(new CliError('the consumer stopped unexpectedly')));
    // A failed rejoin after a heartbeat error is emitted, not thrown.
    consumer.on('error', (error: unknown) => this.#fail(error));
  }

  /** Checks the topic, joins the group and starts fetching what the group assigns. */
  static async open(options: GroupReaderOptions): Promise<GroupReader> {
    const { topic } = options;
    const consumer = createGroupConsumer(options.bootstrap, options.group);
    try {
      const metadata = await consumer.metadata({ topics: [topic] }).catch((error: unknown) => {
        throw unknownTopicOf(error) === undefined
          ? error
          : new CliError(`topic '${topic}' does not exist`, 'NOT_FOUND');
      });
      if (!metadata.topics.has(topic)) throw new CliError(`topic '${topic}' does not exist`, 'NOT_FOUND');
      const stream = await consumer.consume({
        topics: [topic],
        mode: 'committed',
        fallbackMode: options.start,
        autocommit: false,
        maxWaitTime: FETCH_MAX_WAIT_MS,
      });
      return new GroupReader(consumer, stream, topic);
    } catch (error) {
      await closeForcibly(consumer);
      throw error;
    }
  }

  #fail(error: unknown): void {
    if (this.#closing) return;
    this.#failure ??= error;
    this.#wake?.();
  }

  #assignedPartitions(): number[] {
    return this.#consumer.assignments?.find((a) => a.topic === this.#topic)?.partitions ?? [];
  }

  /** After each (re)assignment the stream has set where it fetches from: that is our new start. */
  #onAssigned(): void {
    for (const partition of this.#assignedPartitions()) {
      const start = this.#stream.offsetsToFetch.get(`${this.#topic}:${partition}`);
      if (start !== undefined) this.#next.set(partition, start);
    }
  }

  /** Records buffered by the stream, without those already printed (a rebalance can refetch them). */
  #drain(): ConsumedRecord[] {
    const records: ConsumedRecord[] = [];
    for (
      let message = this.#stream.read() as Message | null;
      message !== null;
      message = this.#stream.read()
    ) {
      const next = this.#next.get(message.partition);
      if (next !== undefined && message.offset < next) continue;
      records.push({
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

  async poll(maxWaitMs: number): Promise<ConsumedRecord[]> {
    if (this.#failure !== undefined) throw this.#failure;
    const ready = this.#drain();
    if (ready.length > 0) return ready;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      this.#wake = done;
    });
    if (this.#failure !== undefined) throw this.#failure;
    return this.#drain();
  }

  async commit(records: readonly ConsumedRecord[]): Promise<void> {
    for (const { partition, offset } of records) {
      if (offset + 1n > (this.#next.get(partition) ?? -1n)) this.#next.set(partition, offset + 1n);
    }
    await this.#commitPartitions([...new Set(records.map((r) => r.partition))]);
  }

  async #commitPartitions(partitions: readonly number[]): Promise<void> {
    const offsets = partitions.flatMap((partition) => {
      const offset = this.#next.get(partition);
      if (offset === undefined || offset === this.#committed.get(partition)) return [];
      return [{ topic: this.#topic, partition, offset, leaderEpoch: -1 }];
    });
    if (offsets.length === 0) return;
    await this.#consumer.commit({ offsets });
    for (const { partition, offset } of offsets) this.#committed.set(partition, offset);
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#wake?.();
    // Where reading started in partitions nothing was printed from; a failure here loses nothing.
    if (this.#failure === undefined) await this.#commitPartitions(this.#assignedPartitions()).catch(() => {});
    await this.#stream.close().catch(() => {});
    // Leaves the group (LeaveGroup), so that it rebalances now rather than after the session timeout.
    await closeForcibly(this.#consumer);
  }
}
