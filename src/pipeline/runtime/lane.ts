// One consumer of a pipeline and the work on what it reads: its sources, or its retry topics. Each
// partition's records are worked in order by one worker at a time, so per-key order holds from a
// partition to its outputs: a batch of records is processed in order and all its outputs are sent
// in one request; while it is in flight the next batches are processed and sent behind it (up to
// `inFlightBatches`, acknowledged in order: ordered-sends.ts), and only once a batch and all before
// it are acknowledged is the partition's offset committed past it (at-least-once). Commits are
// gathered: one request at a time for every partition that moved. Partitions work side by side. A
// retry partition whose next record is not due yet waits on a timer (the others go on); memory is
// bounded by a cap on the records and bytes read but not yet acknowledged: the consumer is not
// polled above it.

import { GroupConsumer, type TopicRecord } from '../../client/index.js';
import { HEADER } from '../retry/headers.js';
import type { OutputRecord } from '../retry/records.js';
import type { RuntimeClock, RuntimeTimer } from './clock.js';
import { OrderedSends } from './ordered-sends.js';
import { recordBytes } from './records.js';

export type LaneKind = 'source' | 'retry';

export interface LaneLimits {
  /** Records read and not yet committed, at most (about: one poll may overshoot by its size). */
  readonly messages: number;
  readonly bytes: number;
  /** Records processed before their outputs are sent together. */
  readonly batch: number;
  /** A partition's batches sent and not yet acknowledged, at most. */
  readonly inFlightBatches: number;
}

/** What a lane asks of its runner. */
export interface LaneHost {
  readonly clock: RuntimeClock;
  readonly limits: LaneLimits;
  /** The records a record becomes (outputs, or its retry or dead letter); undefined when stopped first. */
  handle(record: TopicRecord, kind: LaneKind, signal: AbortSignal): Promise<OutputRecord[] | undefined>;
  /**
   * Sends each record's outputs (`outputs[i]` from `batch[i]`) until acknowledged (true), or until
   * `signal` aborts (false: nothing may be committed). Calls `failed` when an attempt fails.
   */
  send(
    batch: readonly TopicRecord[],
    outputs: readonly OutputRecord[][],
    signal: AbortSignal,
    failed: () => void,
  ): Promise<boolean>;
  /** A commit failed (a rebalance took the partition): its records will be read again. */
  commitFailed(error: unknown): void;
  /** The consumer failed: the lane stopped reading and must be replaced. */
  laneFailed(error: unknown): void;
}

export interface LaneOptions {
  readonly bootstrap: string[];
  readonly clientId: string;
  readonly group: string;
  readonly topics: readonly string[];
  readonly kind: LaneKind;
}

const RETRY_DUE = HEADER.retryDue;

interface Batch {
  readonly records: readonly TopicRecord[];
  readonly outputs: readonly OutputRecord[][];
}

interface PartitionWork {
  readonly topic: string;
  readonly partition: number;
  readonly queue: TopicRecord[];
  readonly sends: OrderedSends<Batch>;
  busy: boolean;
  timer: RuntimeTimer | undefined;
}

/** When a retry record is due (ms since the epoch); a record without the header is due now. */
function dueOf(record: TopicRecord): number {
  for (let i = record.headers.length - 1; i >= 0; i--) {
    const [name, value] = record.headers[i];
    if (name?.toString('utf8') === RETRY_DUE) {
      const due = Number(value?.toString('utf8'));
      return Number.isFinite(due) ? due : 0;
    }
  }
  return 0;
}

export class Lane {
  readonly topics: readonly string[];
  readonly #host: LaneHost;
  readonly #kind: LaneKind;
  readonly #consumer: GroupConsumer;
  readonly #partitions = new Map<string, PartitionWork>();
  readonly #workers = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #inFlight = { messages: 0, bytes: 0 };
  /** The next offsets to commit, per partition, gathered while a commit is under way. */
  readonly #toCommit = new Map<string, { topic: string; partition: number; offset: bigint }>();
  #committing: Promise<void> | undefined;
  #freed: (() => void) | undefined;
  #failure: unknown;
  readonly done: Promise<void>;

  private constructor(host: LaneHost, options: LaneOptions, consumer: GroupConsumer) {
    this.#host = host;
    this.#kind = options.kind;
    this.topics = options.topics;
    this.#consumer = consumer;
    this.done = this.#loop();
    this.done.catch((error: unknown) => host.laneFailed(error));
  }

  static async open(host: LaneHost, options: LaneOptions): Promise<Lane> {
    const consumer = await GroupConsumer.open({
      bootstrap: options.bootstrap,
      clientId: options.clientId,
      group: options.group,
      topics: options.topics,
      start: 'earliest',
    });
    return new Lane(host, options, consumer);
  }

  /** Records read and not yet committed. */
  get inFlight(): { messages: number; bytes: number } {
    return { ...this.#inFlight };
  }

  get #stopping(): boolean {
    return this.#abort.signal.aborted;
  }

  async #loop(): Promise<void> {
    const { limits } = this.#host;
    while (!this.#stopping) {
      if (this.#failure !== undefined) throw this.#failure;
      const room = limits.messages - this.#inFlight.messages;
      if (room <= 0 || this.#inFlight.bytes >= limits.bytes) {
        await new Promise<void>((resolve) => {
          this.#freed = resolve;
        });
        this.#freed = undefined;
        continue;
      }
      const records = await this.#consumer.poll(500, room);
      const touched = new Set<PartitionWork>();
      for (const record of records) {
        const work = this.#partition(record.topic, record.partition);
        work.queue.push(record);
        this.#inFlight.messages++;
        this.#inFlight.bytes += recordBytes(record);
        touched.add(work);
      }
      for (const work of touched) this.#kick(work);
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  #partition(topic: string, partition: number): PartitionWork {
    const key = `${topic}:${partition}`;
    let work = this.#partitions.get(key);
    if (work === undefined) {
      const signal = this.#abort.signal;
      const sends = new OrderedSends<Batch>({
        depth: this.#host.limits.inFlightBatches,
        send: (batch, failed) =>
          batch.outputs.some((o) => o.length > 0)
            ? this.#host.send(batch.records, batch.outputs, signal, failed)
            : Promise.resolve(true),
        settled: (batch, acked) => {
          if (acked) {
            const last = batch.records[batch.records.length - 1];
            this.#commitLater(key, topic, partition, last.offset + 1n);
          }
          this.#release(batch.records);
        },
      });
      work = { topic, partition, queue: [], sends, busy: false, timer: undefined };
      this.#partitions.set(key, work);
    }
    return work;
  }

  #commitLater(key: string, topic: string, partition: number, offset: bigint): void {
    this.#toCommit.set(key, { topic, partition, offset });
    this.#committing ??= this.#commitGathered();
  }

  async #commitGathered(): Promise<void> {
    while (this.#toCommit.size > 0) {
      const offsets = [...this.#toCommit.values()];
      this.#toCommit.clear();
      await this.#consumer.commit(offsets).catch((error: unknown) => this.#host.commitFailed(error));
    }
    this.#committing = undefined;
  }

  #kick(work: PartitionWork): void {
    if (work.busy || work.timer !== undefined || this.#stopping || this.#failure !== undefined) return;
    work.busy = true;
    const worker = this.#work(work)
      .catch((error: unknown) => this.#fail(error))
      .finally(() => {
        work.busy = false;
        this.#workers.delete(worker);
        // Records may have come while the worker was finishing.
        if (work.queue.length > 0) this.#kick(work);
      });
    this.#workers.add(worker);
  }

  #fail(error: unknown): void {
    this.#failure ??= error;
    this.#consumer.interrupt();
    this.#freed?.();
  }

  #release(batch: readonly TopicRecord[]): void {
    for (const record of batch) {
      this.#inFlight.messages--;
      this.#inFlight.bytes -= recordBytes(record);
    }
    this.#freed?.();
  }

  async #work(work: PartitionWork): Promise<void> {
    const { clock, limits } = this.#host;
    const signal = this.#abort.signal;
    while (work.queue.length > 0 && !this.#stopping) {
      if (this.#kind === 'retry') {
        // Not due yet: this partition waits (its later records are due later still); the rest go on.
        const wait = dueOf(work.queue[0]) - clock.now();
        if (wait > 0) {
          work.timer = clock.setTimeout(() => {
            work.timer = undefined;
            this.#kick(work);
          }, wait);
          return;
        }
      }
      const records: TopicRecord[] = [];
      const outputs: OutputRecord[][] = [];
      while (records.length < limits.batch && work.queue.length > 0 && !this.#stopping) {
        const record = work.queue[0];
        if (this.#kind === 'retry' && dueOf(record) > clock.now()) break;
        const produced = await this.#host.handle(record, this.#kind, signal);
        if (produced === undefined) break;
        work.queue.shift();
        records.push(record);
        outputs.push(produced);
      }
      if (records.length === 0) continue;
      if (!(await work.sends.push({ records, outputs }))) return;
    }
  }

  /** Stops reading; what was sent is committed, what was not is read again by the next owner. */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.#consumer.interrupt();
    this.#freed?.();
    await this.done.catch(() => {});
    await Promise.allSettled([...this.#workers]);
    for (const work of this.#partitions.values()) work.timer?.cancel();
    await Promise.all([...this.#partitions.values()].map((work) => work.sends.flush()));
    await this.#committing;
    await this.#consumer.close();
  }
}
