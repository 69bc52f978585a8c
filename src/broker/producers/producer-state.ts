import type { PartitionLog } from '../../storage/index.js';
import { encodeSnapshot, readSnapshot, writeSnapshot } from './producer-snapshot.js';
import {
  checkSequence,
  type IncomingBatch,
  type ProducerEntry,
  recordBatch,
  type SequenceVerdict,
} from './sequence-check.js';

const SNAPSHOT_CONCURRENCY = 16;

/** A partition whose producer state is wanted: its key, log and topic id (snapshots name it). */
export interface PartitionRef {
  key: string;
  log: PartitionLog;
  topicId: string;
}

interface Slot extends PartitionRef {
  producers: Map<number, ProducerEntry>;
  /** Offset of the last snapshot written or read (-1: none). */
  snapshotOffset: number;
}

export interface ActiveProducer {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
}

/**
 * Idempotent-producer state of every partition, keyed by partition then producer id. A
 * partition's state is rebuilt on first use after a start, as Kafka does on recovery: the
 * snapshot plus a scan of the batch headers after it. Loading on first use keeps start-up
 * fast and never scans a log no idempotent producer writes to.
 */
export class ProducerStates {
  private readonly slots = new Map<string, Slot>();
  private readonly loading = new Map<string, Promise<void>>();
  /**
   * Per connection, the requests that had to wait for a load, chained so they still append in
   * arrival order (a producer's pipelined requests share one connection; other connections
   * need no order among themselves, so they never wait for someone else's load).
   */
  private readonly gates = new WeakMap<object, Promise<void>>();

  constructor(private readonly onError: (err: unknown, key: string) => void = () => {}) {}

  isLoaded(key: string): boolean {
    return this.slots.has(key);
  }

  /**
   * Undefined when every partition is loaded and nothing from `order` (the connection) is
   * queued, so the caller goes on at once; otherwise a promise to await first. It never
   * rejects: a partition that failed to load stays unloaded (see isLoaded) and is tried again
   * by the next request.
   */
  prepare(refs: readonly PartitionRef[], order: object = this): Promise<void> | undefined {
    const missing = refs.filter((ref) => !this.slots.has(ref.key));
    const queued = this.gates.get(order);
    if (missing.length === 0 && !queued) return undefined;
    const next = (queued ?? Promise.resolve()).then(() =>
      Promise.all(missing.map((ref) => this.load(ref))).then(() => {}),
    );
    this.gates.set(order, next);
    next.then(() => {
      if (this.gates.get(order) === next) this.gates.delete(order);
    });
    return next;
  }

  private load(ref: PartitionRef): Promise<void> {
    if (this.slots.has(ref.key)) return Promise.resolve();
    let pending = this.loading.get(ref.key);
    if (!pending) {
      pending = this.rebuild(ref)
        .then((slot) => {
          if (this.loading.get(ref.key) === pending) this.slots.set(ref.key, slot);
        })
        .catch((err) => this.onError(err, ref.key))
        .finally(() => {
          if (this.loading.get(ref.key) === pending) this.loading.delete(ref.key);
        });
      this.loading.set(ref.key, pending);
    }
    return pending;
  }

  private async rebuild(ref: PartitionRef): Promise<Slot> {
    const { log } = ref;
    const end = log.logEndOffset;
    const snap = await readSnapshot(log.dir);
    // A snapshot past the log end remembers batches the log no longer has: rebuild from the log.
    const usable = snap && snap.topicId === ref.topicId && snap.offset <= end ? snap : undefined;
    const producers = usable?.producers ?? new Map<number, ProducerEntry>();
    const from = usable ? usable.offset : log.logStartOffset;
    await log.scanBatchHeaders(from, (header) => {
      if (header.baseOffset >= end) return false; // appended while loading: not for this scan
      if (header.producerId >= 0) {
        producers.set(
          header.producerId,
          recordBatch(producers.get(header.producerId), header, header.baseOffset),
        );
      }
      return true;
    });
    return { ...ref, producers, snapshotOffset: usable ? usable.offset : -1 };
  }

  check(key: string, batch: IncomingBatch): SequenceVerdict {
    return checkSequence(this.slots.get(key)?.producers.get(batch.producerId), batch);
  }

  /** Records an appended batch; the partition must be loaded (prepare) first. */
  record(key: string, batch: IncomingBatch, baseOffset: number): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    slot.producers.set(
      batch.producerId,
      recordBatch(slot.producers.get(batch.producerId), batch, baseOffset),
    );
  }

  /** The partition's producers as DescribeProducers reports them (loaded first). */
  active(key: string): ActiveProducer[] {
    const slot = this.slots.get(key);
    if (!slot) return [];
    return [...slot.producers].map(([producerId, e]) => ({
      producerId,
      producerEpoch: e.epoch,
      lastSequence: e.recent.length > 0 ? e.recent[e.recent.length - 1].lastSeq : -1,
      lastTimestamp: e.lastTimestamp,
    }));
  }

  /**
   * Snapshots every loaded partition that has grown since its last snapshot. The state is
   * captured first, then the log is flushed up to that point, then the file is written, so a
   * snapshot never runs ahead of durable data. Failures are reported, never thrown: a missing
   * snapshot only makes the next load scan further.
   */
  async snapshotAll(): Promise<void> {
    const slots = [...this.slots.values()];
    // A few at a time: thousands of partitions must not open thousands of files at once.
    for (let i = 0; i < slots.length; i += SNAPSHOT_CONCURRENCY) {
      await Promise.all(slots.slice(i, i + SNAPSHOT_CONCURRENCY).map((slot) => this.snapshot(slot)));
    }
  }

  private async snapshot(slot: Slot): Promise<void> {
    const offset = slot.log.logEndOffset;
    if (offset === slot.snapshotOffset) return;
    const body = encodeSnapshot(slot.topicId, offset, slot.producers);
    try {
      await slot.log.flush();
      if (this.slots.get(slot.key) !== slot) return; // forgotten (topic deleted) meanwhile
      await writeSnapshot(slot.log.dir, body);
      slot.snapshotOffset = Math.max(slot.snapshotOffset, offset);
    } catch (err) {
      // A partition deleted meanwhile has nothing left to snapshot.
      if (this.slots.get(slot.key) === slot) this.onError(err, slot.key);
    }
  }

  /** Drops a partition's state, when its topic is deleted. */
  forget(key: string): void {
    this.slots.delete(key);
    this.loading.delete(key);
  }
}
