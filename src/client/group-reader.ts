// Reads one topic as a member of a consumer group: what `sluice consume --group` does. The group
// assigns the partitions; reading starts at the group's committed offsets (or, where it has none,
// at the earliest or latest offset, like auto.offset.reset); offsets are committed only after the
// records were printed (at-least-once), and closing leaves the group.

import type { Consumer, Message, MessagesStream } from '@platformatic/kafka';
import { ClientError } from './client-error.js';
import { libraryConsumer, toClientError } from './library.js';
import type { RecordSource, StartPosition } from './partition-reader.js';
import type { ConsumedRecord } from './types.js';
import { ClusterClient } from './wire/cluster-client.js';
import { readLayout } from './wire/cluster-reads.js';

export interface GroupReaderOptions {
  bootstrap: string[];
  /** The client id the broker sees. Default 'sluice'. */
  clientId?: string;
  topic: string;
  group: string;
  /** Where to start in partitions the group has no committed offset for. */
  start: StartPosition;
}

/** Longest Fetch wait at the broker, so that closing (and leaving the group) is prompt. */
const FETCH_MAX_WAIT_MS = 500;

/** Group membership timings, as Kafka's consumers default them (rebalance timeout shorter). */
export const GROUP_SESSION_TIMEOUT_MS = 10_000;
export const GROUP_HEARTBEAT_INTERVAL_MS = 3_000;
export const GROUP_REBALANCE_TIMEOUT_MS = 30_000;

/**
 * A consumer that joins `groupId` (classic protocol) when it starts consuming. JoinGroup blocks at
 * the coordinator until every member has rejoined (up to the rebalance timeout), so requests may
 * take that long; offsets are committed by the reader (no autocommit).
 */
export function createGroupConsumer(
  options: Pick<GroupReaderOptions, 'bootstrap' | 'clientId' | 'group'>,
): Consumer {
  return libraryConsumer(
    {
      bootstrap: options.bootstrap,
      clientId: options.clientId ?? 'sluice',
      timeoutMs: GROUP_REBALANCE_TIMEOUT_MS + 5_000,
    },
    {
      groupId: options.group,
      sessionTimeout: GROUP_SESSION_TIMEOUT_MS,
      heartbeatInterval: GROUP_HEARTBEAT_INTERVAL_MS,
      rebalanceTimeout: GROUP_REBALANCE_TIMEOUT_MS,
      autocommit: false,
    },
  );
}

type Stream = MessagesStream<Buffer, Buffer, Buffer, Buffer>;

/** Closes a consumer even with a stream open (close(true)), leaving its group; never rejects. */
function closeForcibly(consumer: Consumer): Promise<void> {
  const { promise, resolve } = Promise.withResolvers<void>();
  consumer.close(true, () => resolve());
  return promise;
}

export class GroupReader implements RecordSource {
  readonly #consumer: Consumer;
  readonly #stream: Stream;
  readonly #topic: string;
  readonly #bootstrap: string[];
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

  private constructor(consumer: Consumer, stream: Stream, topic: string, bootstrap: string[]) {
    this.#consumer = consumer;
    this.#stream = stream;
    this.#topic = topic;
    this.#bootstrap = bootstrap;
    stream.on('readable', () => this.#wake?.());
    stream.on('offsets', () => this.#onAssigned());
    stream.on('error', (error) => this.#fail(error));
    stream.on('close', () => this.#fail(new ClientError('the consumer stopped unexpectedly')));
    // A failed rejoin after a heartbeat error is emitted, not thrown.
    consumer.on('error', (error: unknown) => this.#fail(error));
  }

  /** Checks the topic, joins the group and starts fetching what the group assigns. */
  static async open(options: GroupReaderOptions): Promise<GroupReader> {
    const { topic } = options;
    const checker = new ClusterClient({
      bootstrap: options.bootstrap,
      clientId: options.clientId ?? 'sluice',
    });
    const layout = await readLayout(checker, [topic]).finally(() => checker.close());
    if (!layout.topics.has(topic)) throw new ClientError(`topic '${topic}' does not exist`, 'NOT_FOUND');
    const consumer = createGroupConsumer(options);
    try {
      const stream = await consumer.consume({
        topics: [topic],
        mode: 'committed',
        fallbackMode: options.start,
        autocommit: false,
        maxWaitTime: FETCH_MAX_WAIT_MS,
      });
      return new GroupReader(consumer, stream, topic, options.bootstrap);
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
    if (this.#failure !== undefined) throw toClientError(this.#failure, this.#bootstrap);
    const ready = this.#drain();
    if (ready.length > 0) return ready;
    const { promise, resolve } = Promise.withResolvers<void>();
    const timer = setTimeout(resolve, maxWaitMs);
    this.#wake = resolve;
    await promise;
    clearTimeout(timer);
    this.#wake = undefined;
    if (this.#failure !== undefined) throw toClientError(this.#failure, this.#bootstrap);
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
    await this.#consumer.commit({ offsets }).catch((error: unknown) => {
      throw toClientError(error, this.#bootstrap);
    });
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
