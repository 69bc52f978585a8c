import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BATCH, type BatchHeader, patchBaseOffset, readInt64 } from '../protocol/records/batch-header.js';
import type { PartitionCleanState } from './clean-shutdown.js';
import { defaultIo, type StorageIo, writeFileAtomic } from './file-io.js';
import { INT32_MAX, type LogConfig, validateLogConfig } from './log-config.js';
import { loadLog } from './log-loader.js';
import { findBatchByTimestamp, type ReadResult, readBatches, scanBatchHeaders } from './log-reader.js';
import { LogSync } from './log-sync.js';
import type { ReadBuffers } from './read-buffers.js';
import { countBelowStart, countExpiredByTime, countOverSize } from './retention.js';
import { Segment } from './segment.js';
import { CLEAN_SHUTDOWN_FILE } from './segment-files.js';
import { ioError, isStorageError, StorageError } from './storage-error.js';

export interface LogOptions {
  /** Durability calls; tests inject counters or failures. */
  io?: StorageIo;
  /** Wall clock for append times and segment.ms; tests inject a fake one. */
  clock?: () => number;
  /** Problems that cost nothing but a longer next start (a metadata write skipped on a full disk). */
  onWarning?: (message: string, err: unknown) => void;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** The broker's clock at append, for LogAppendTime topics and the produce response. */
  logAppendTime: number;
}

export interface SegmentInfo {
  baseOffset: number;
  nextOffset: number;
  size: number;
  maxTimestamp: number;
}

export interface OpenReport {
  /** The previous shutdown was clean (the tail was only sanity-checked). */
  clean: boolean;
  /** Bytes dropped from torn or corrupt tails. */
  truncatedBytes: number;
  /** A checkpoint or index write skipped for lack of space while opening (next start recovers more). */
  skippedWrite?: unknown;
}

/**
 * One partition's durable log: a directory of segments, appended synchronously, fsynced by group
 * commit, read by file position. Offsets are assigned here; batches are never decoded.
 */
export class PartitionLog {
  /** Replaced, never mutated, so an in-flight read keeps a consistent list. */
  private segments: readonly Segment[];
  private startOffset: number;
  private totalSize: number;
  private logConfig: LogConfig;
  private readonly sync: LogSync;
  private closing: Promise<void> | undefined;
  private cleanState: PartitionCleanState | undefined;
  /** What recovery found when the log was opened. */
  readonly openReport: OpenReport;

  private constructor(
    readonly dir: string,
    config: LogConfig,
    loaded: Awaited<ReturnType<typeof loadLog>>,
    private readonly io: StorageIo,
    private readonly clock: () => number,
    warn: LogOptions['onWarning'],
  ) {
    this.logConfig = { ...config };
    this.segments = loaded.segments;
    this.startOffset = loaded.logStartOffset;
    this.totalSize = loaded.segments.reduce((sum, s) => sum + s.size, 0);
    this.openReport = {
      clean: loaded.clean,
      truncatedBytes: loaded.truncatedBytes,
      ...(loaded.skippedWrite === undefined ? {} : { skippedWrite: loaded.skippedWrite }),
    };
    this.sync = new LogSync(dir, io, this, loaded.recoveryPoint, warn);
    this.sync.schedule(config.flushIntervalMs);
  }

  /**
   * Opens (creating if missing) the log in `dir`, recovering a torn tail. `cleanState` is what
   * a clean shutdown recorded for it (see clean-shutdown.ts): if it still matches, nothing is
   * scanned.
   */
  static async open(
    dir: string,
    config: LogConfig,
    options: LogOptions = {},
    cleanState?: PartitionCleanState,
  ): Promise<PartitionLog> {
    validateLogConfig(config);
    const io = options.io ?? defaultIo;
    const clock = options.clock ?? Date.now;
    const loaded = await loadLog(dir, config.indexIntervalBytes, io, clock(), cleanState);
    return new PartitionLog(dir, config, loaded, io, clock, options.onWarning);
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  /** The offset the next appended record gets. */
  get logEndOffset(): number {
    return this.active.nextOffset;
  }

  /** Bytes over all segments. */
  get size(): number {
    return this.totalSize;
  }

  get config(): Readonly<LogConfig> {
    return this.logConfig;
  }

  get segmentInfo(): SegmentInfo[] {
    return this.segments.map((s) => ({
      baseOffset: s.baseOffset,
      nextOffset: s.nextOffset,
      size: s.size,
      maxTimestamp: s.maxTimestamp,
    }));
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1];
  }

  /**
   * Appends already-validated batches (concatenated in `records`, in order). Patches each
   * batch's base offset in place, rolls first if needed, and writes all bytes with one call.
   * The data has reached the OS when this returns; call flush() for durability.
   */
  append(records: Buffer, batches: readonly BatchHeader[]): AppendResult {
    this.assertWritable();
    let total = 0;
    let count = 0;
    for (const batch of batches) {
      if (batch.size < BATCH.headerSize || batch.lastOffsetDelta < 0) {
        throw new StorageError('INVALID_ARGUMENT', `malformed batch header (size ${batch.size})`);
      }
      total += batch.size;
      count += batch.lastOffsetDelta + 1;
    }
    if (batches.length === 0 || total !== records.length) {
      throw new StorageError(
        'INVALID_ARGUMENT',
        `batches cover ${total} bytes but records hold ${records.length}`,
      );
    }
    if (total > this.logConfig.segmentBytes) {
      throw new StorageError(
        'BATCH_TOO_LARGE',
        `${total} bytes exceed segment.bytes ${this.logConfig.segmentBytes}`,
      );
    }
    const now = this.clock();
    const baseOffset = this.logEndOffset;
    const lastOffset = baseOffset + count - 1;
    const segment = this.shouldRoll(total, lastOffset, now) ? this.roll() : this.active;

    let position = 0;
    let next = baseOffset;
    for (const batch of batches) {
      patchBaseOffset(records, position, next);
      next += batch.lastOffsetDelta + 1;
      position += batch.size;
    }
    const start = segment.size;
    try {
      segment.write(records);
    } catch (err) {
      if (segment.torn) this.sync.fail(err);
      throw err;
    }
    segment.rollStartMs ??= now;
    position = 0;
    next = baseOffset;
    for (const batch of batches) {
      // Read from the bytes, not the header object: the broker may have stamped LogAppendTime.
      const maxTimestamp = readInt64(records, position + BATCH.maxTimestamp);
      segment.track(
        next,
        next + batch.lastOffsetDelta,
        maxTimestamp,
        batch.size,
        start + position,
        this.interval,
      );
      next += batch.lastOffsetDelta + 1;
      position += batch.size;
    }
    this.totalSize += total;
    this.sync.written(segment);
    if (this.logConfig.flushIntervalMs === 0) this.sync.flush().catch(() => {});
    return { baseOffset, lastOffset, logAppendTime: now };
  }

  /**
   * Resolves once every byte appended before the call is on disk. Concurrent callers share
   * fdatasyncs (group commit). A failed fsync fails the log: later appends and flushes reject.
   */
  flush(): Promise<void> {
    if (this.closing) return Promise.reject(this.closedError());
    return this.sync.flush();
  }

  /**
   * Whole batches from the one containing `offset`, up to about `maxBytes` (at least one batch),
   * never reaching `upTo`. Empty at the log end; OFFSET_OUT_OF_RANGE outside [start, end].
   * `buffers` lends the memory read into (Fetch's pooled lease); by default the result owns it.
   */
  async read(
    offset: number,
    maxBytes: number,
    upTo = this.logEndOffset,
    buffers?: ReadBuffers,
  ): Promise<ReadResult> {
    if (this.closing) throw this.closedError();
    if (offset < this.startOffset || offset > this.logEndOffset) {
      throw new StorageError(
        'OFFSET_OUT_OF_RANGE',
        `offset ${offset} is outside [${this.startOffset}, ${this.logEndOffset}] of ${this.dir}`,
      );
    }
    const limit = Math.min(upTo, this.logEndOffset);
    try {
      return await readBatches(this.segments, offset, maxBytes, limit, this.interval, buffers);
    } catch (err) {
      throw this.retiredDuringRead(err, offset);
    }
  }

  /**
   * The first batch at or after the log start whose max timestamp is >= `timestamp` (ListOffsets).
   * Precision is one batch: the offset is the batch's base offset, the timestamp its maximum.
   */
  async offsetForTimestamp(timestamp: number): Promise<{ offset: number; timestamp: number } | null> {
    if (this.closing) throw this.closedError();
    for (const segment of this.segments) {
      try {
        const found = await findBatchByTimestamp(segment, timestamp, this.startOffset);
        if (found) return found;
      } catch (err) {
        throw this.retiredDuringRead(err, this.startOffset);
      }
    }
    return null;
  }

  /** Offset (last offset of its batch) and value of the largest timestamp (ListOffsets -3). */
  maxTimestampOffset(): { offset: number; timestamp: number } | null {
    let best: { offset: number; timestamp: number } | null = null;
    for (const segment of this.segments) {
      if (segment.nextOffset <= this.startOffset || segment.maxTimestamp < 0) continue;
      if (best === null || segment.maxTimestamp > best.timestamp) {
        best = { offset: segment.offsetOfMaxTimestamp, timestamp: segment.maxTimestamp };
      }
    }
    return best;
  }

  /**
   * Visits the header of every batch whose last offset is >= `fromOffset`, in order, until
   * `visit` returns false. Used to rebuild producer state without touching records.
   */
  async scanBatchHeaders(fromOffset: number, visit: (header: BatchHeader) => unknown): Promise<void> {
    if (this.closing) throw this.closedError();
    await scanBatchHeaders(this.segments, fromOffset, visit);
  }

  /** Advances the log start (DeleteRecords), deletes segments wholly below it, persists it. */
  async deleteRecordsBefore(offset: number): Promise<number> {
    this.assertWritable();
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > this.logEndOffset) {
      throw new StorageError(
        'OFFSET_OUT_OF_RANGE',
        `cannot delete before ${offset}: log ends at ${this.logEndOffset}`,
      );
    }
    if (offset <= this.startOffset) return this.startOffset;
    this.startOffset = offset;
    this.deleteOldest(countBelowStart(this.segments, offset));
    await this.sync.persist();
    return this.startOffset;
  }

  /**
   * Deletes the oldest segments past retention.ms / retention.bytes and those below the log
   * start. Never deletes the segment being appended to: if it has expired too, a new one is
   * rolled first (as Kafka does) so it stops being active. Returns the bytes deleted.
   */
  async applyRetention(now = this.clock()): Promise<number> {
    this.assertWritable();
    let bytes = 0;
    // Compaction is not implemented yet; a compact-only topic keeps everything, as Kafka would.
    if (this.logConfig.cleanupPolicy !== 'compact') {
      bytes += this.deleteOldest(countExpiredByTime(this.segments, now, this.logConfig.retentionMs));
      bytes += this.deleteOldest(countOverSize(this.segments, this.totalSize, this.logConfig.retentionBytes));
    }
    bytes += this.deleteOldest(countBelowStart(this.segments, this.startOffset));
    if (bytes > 0) await this.sync.enqueue(async () => {});
    return bytes;
  }

  updateConfig(config: LogConfig): void {
    validateLogConfig(config);
    this.logConfig = { ...config };
    this.sync.schedule(config.flushIntervalMs);
  }

  /**
   * Flushes and writes the active segment's indexes; then `closedCleanly` holds what the next
   * open needs to skip recovery. A LogManager records that for all its partitions in one file
   * (`recordInDir: false`); a log closed on its own writes it to a marker in its directory.
   */
  close(options: { recordInDir?: boolean } = {}): Promise<void> {
    this.closing ??= this.shutdown(true, options.recordInDir ?? true);
    return this.closing;
  }

  /** After a clean close, the state to hand to the next open; undefined otherwise. */
  get closedCleanly(): PartitionCleanState | undefined {
    return this.cleanState;
  }

  /** Closes and removes the partition directory. */
  async delete(): Promise<void> {
    this.closing ??= this.shutdown(false, false);
    await this.closing.catch(() => {});
    // Rename first (atomic): a crash mid-removal leaves a "-delete" dir the manager cleans up,
    // never a half-deleted partition under its real name.
    const doomed = join(
      dirname(this.dir),
      `${basename(this.dir).slice(0, 200)}.${randomBytes(8).toString('hex')}-delete`,
    );
    try {
      await fs.promises.rename(this.dir, doomed);
      await fs.promises.rm(doomed, { recursive: true, force: true });
    } catch (err) {
      throw ioError(`cannot delete ${this.dir}`, err);
    }
  }

  private async shutdown(clean: boolean, recordInDir: boolean): Promise<void> {
    try {
      const active = this.active;
      if (await this.sync.shutdown(clean, active)) {
        const state: PartitionCleanState = {
          logStartOffset: this.startOffset,
          activeBase: active.baseOffset,
          activeSize: active.size,
          nextOffset: active.nextOffset,
          rollStartMs: active.rollStartMs ?? null,
        };
        if (recordInDir)
          await writeFileAtomic(join(this.dir, CLEAN_SHUTDOWN_FILE), JSON.stringify(state), this.io);
        this.cleanState = state;
      }
    } catch (err) {
      throw ioError(`closing ${this.dir} failed`, err);
    } finally {
      for (const segment of this.segments) segment.retire();
    }
  }

  private shouldRoll(bytes: number, lastOffset: number, now: number): boolean {
    const segment = this.active;
    if (segment.isEmpty) return false;
    return (
      segment.size + bytes > this.logConfig.segmentBytes ||
      (segment.rollStartMs !== undefined && now - segment.rollStartMs > this.logConfig.segmentMs) ||
      lastOffset - segment.baseOffset > INT32_MAX ||
      segment.isIndexFull(this.logConfig.segmentIndexBytes)
    );
  }

  /** Starts a new active segment; the old one is indexed, synced and checkpointed in the background. */
  private roll(): Segment {
    const old = this.active;
    const segment = Segment.create(this.dir, old.nextOffset);
    old.sealTimeIndex();
    this.segments = [...this.segments, segment];
    this.sync.created();
    this.sync.finalize(old);
    return segment;
  }

  /** Removes the `count` oldest segments (rolling first if that includes the active one). */
  private deleteOldest(count: number): number {
    if (count === 0) return 0;
    if (count >= this.segments.length) this.roll();
    const victims = this.segments.slice(0, count);
    this.segments = this.segments.slice(count);
    this.startOffset = Math.max(this.startOffset, this.segments[0].baseOffset);
    let bytes = 0;
    for (const segment of victims) {
      bytes += segment.size;
      segment.retire();
      this.sync.forget(segment);
    }
    this.totalSize -= bytes;
    this.sync
      .enqueue(async () => {
        for (const segment of victims) await segment.deleteFiles();
      })
      .catch(() => {});
    return bytes;
  }

  private assertWritable(): void {
    if (this.sync.failure) throw this.sync.failure;
    if (this.closing) throw this.closedError();
  }

  private closedError(): StorageError {
    return new StorageError('CLOSED', `log ${this.dir} is closed`);
  }

  /** A segment deleted by retention mid-read means the offset fell below the new log start. */
  private retiredDuringRead(err: unknown, offset: number): unknown {
    if (!isStorageError(err, 'CLOSED') || this.closing) return err;
    return new StorageError('OFFSET_OUT_OF_RANGE', `offset ${offset} was deleted while being read`);
  }

  private get interval(): number {
    return this.logConfig.indexIntervalBytes;
  }
}
