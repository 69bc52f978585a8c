import { writeCheckpoint } from './checkpoint.js';
import type { StorageIo } from './file-io.js';
import { GroupCommit } from './group-commit.js';
import { MAX_TIMER_MS } from './log-config.js';
import type { Segment } from './segment.js';
import { ioError, isOutOfSpace, type StorageError } from './storage-error.js';

/**
 * The durability side of a partition log: which segments hold unsynced bytes, the group commit
 * that fsyncs them, the serial queue for work done after an append returns (finalizing rolled
 * segments, deleting files, checkpoints), and the failed state an fsync error leaves behind.
 */
export class LogSync {
  /** Every offset below this has been fsynced. */
  private flushedOffset: number;
  /** Every segment below this is durable and indexed on disk (persisted in the checkpoint). */
  private recoveryPoint: number;
  private readonly dirty = new Set<Segment>();
  /** A segment file was created since the last directory fsync. */
  private dirDirty = false;
  private background: Promise<void> = Promise.resolve();
  private readonly commit: GroupCommit;
  private timer: NodeJS.Timeout | undefined;
  /** Set by the first failed fsync or background write; the log rejects writes from then on. */
  failure: StorageError | undefined;

  constructor(
    private readonly dir: string,
    private readonly io: StorageIo,
    private readonly log: { readonly logEndOffset: number; readonly logStartOffset: number },
    recoveryPoint: number,
    private readonly warn: (message: string, err: unknown) => void = () => {},
  ) {
    this.flushedOffset = log.logEndOffset;
    this.recoveryPoint = recoveryPoint;
    this.commit = new GroupCommit(() => this.syncNow());
  }

  /** True when every appended byte has been fsynced and no sync is running. */
  get isFlushed(): boolean {
    return this.flushedOffset >= this.log.logEndOffset && !this.commit.busy;
  }

  /** Records that `segment` has bytes the next sync must cover. */
  written(segment: Segment): void {
    this.dirty.add(segment);
  }

  /** Records that a file was created in the directory (its entry needs an fsync too). */
  created(): void {
    this.dirDirty = true;
  }

  /** A deleted segment needs no sync. */
  forget(segment: Segment): void {
    this.dirty.delete(segment);
  }

  /** Resolves after a sync that started after this call: group commit across callers. */
  flush(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.isFlushed) return Promise.resolve();
    return this.commit.request();
  }

  /**
   * Indexes, syncs and checkpoints a segment that stopped being active, off the append path.
   * A full disk only costs the index files or the checkpoint (reported, not fatal): the data is
   * synced either way, and the next start recovers what they would have spared it.
   */
  finalize(segment: Segment): void {
    this.enqueue(async () => {
      if (segment.isRetired) return;
      await segment.writeIndexes(this.io).catch((err) => this.tolerate(err));
      await segment.datasync(this.io);
      this.dirty.delete(segment);
      this.recoveryPoint = Math.max(this.recoveryPoint, segment.nextOffset);
      await this.checkpoint().catch((err) => this.tolerate(err));
    }).catch(() => {});
  }

  /** Persists the log start and recovery point (atomically) after earlier background work. */
  persist(): Promise<void> {
    return this.enqueue(() => this.checkpoint());
  }

  /** Runs `task` after earlier background work; a failure there fails the log. */
  enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.background.then(task);
    this.background = run.then(
      () => {},
      (err) => {
        this.fail(err);
      },
    );
    return run;
  }

  /** Flushes on a timer (Kafka's flush.ms); unset, zero or huge intervals disable it. */
  schedule(intervalMs: number | undefined): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (intervalMs === undefined || intervalMs <= 0 || intervalMs > MAX_TIMER_MS) return;
    this.timer = setInterval(() => {
      if (!this.isFlushed) this.flush().catch(() => {});
    }, intervalMs);
    this.timer.unref();
  }

  /**
   * Stops the timer and waits for background work; when `clean`, makes every byte durable and
   * the active segment's index files current. True if the log closed cleanly and the caller may
   * record it so (see clean-shutdown.ts); never after a failure: the next open must recover.
   */
  async shutdown(clean: boolean, active: Segment): Promise<boolean> {
    this.schedule(undefined);
    await this.background;
    if (!clean || this.failure) return false;
    await this.commit.request();
    active.sealTimeIndex();
    if (!active.indexesOnDisk) await active.writeIndexes(this.io);
    return true;
  }

  /** Marks the log failed: after an fsync error the page cache can no longer be trusted. */
  fail(err: unknown): StorageError {
    const error = ioError(`log ${this.dir} failed`, err);
    this.failure ??= error;
    return error;
  }

  private async syncNow(): Promise<void> {
    const target = this.log.logEndOffset;
    const segments = [...this.dirty];
    this.dirty.clear();
    const dir = this.dirDirty;
    this.dirDirty = false;
    try {
      await Promise.all(segments.map((s) => s.datasync(this.io)));
      if (dir) await this.io.syncDir(this.dir);
    } catch (err) {
      throw this.fail(err);
    }
    this.flushedOffset = Math.max(this.flushedOffset, target);
  }

  /** Swallows (and reports) a metadata write that failed for lack of space; rethrows the rest. */
  private tolerate(err: unknown): void {
    if (!isOutOfSpace(err)) throw err;
    this.warn(`${this.dir}: skipped a metadata write for lack of space; the next start recovers more`, err);
  }

  private checkpoint(): Promise<void> {
    const { logStartOffset } = this.log;
    return writeCheckpoint(this.dir, { logStartOffset, recoveryPoint: this.recoveryPoint }, this.io);
  }
}
