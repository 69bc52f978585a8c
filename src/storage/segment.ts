import * as fs from 'node:fs';
import type { StorageIo } from './file-io.js';
import { removeFile, writeAllSync } from './file-io.js';
import { OFFSET_INDEX_ENTRY, OffsetIndex } from './offset-index.js';
import { logFilePath, offsetIndexPath, timeIndexPath } from './segment-files.js';
import { ioError, StorageError } from './storage-error.js';
import { TIME_INDEX_ENTRY, TimeIndex } from './time-index.js';

/**
 * One `.log` file plus its in-memory indexes. The log holds RecordBatch v2 bytes exactly as
 * received (base offsets patched); the indexes are sparse and rebuilt from the log when in doubt.
 *
 * The descriptor is opened lazily (old segments cost nothing until read) and reference-counted:
 * a segment deleted by retention while a fetch reads it closes its fd only when the read is done,
 * so a reused fd number can never serve another file's bytes.
 */
export class Segment {
  /** Bytes of valid batches in the `.log` file; appends go here. */
  size: number;
  /** The offset after the last batch; equals baseOffset while empty. */
  nextOffset: number;
  maxTimestamp = -1;
  offsetOfMaxTimestamp = -1;
  /** Wall-clock start of the segment for segment.ms rolling; set by the first append. */
  rollStartMs: number | undefined;
  offsetIndex: OffsetIndex;
  timeIndex: TimeIndex;
  /** Set when a failed write could not be cut back: the file no longer matches `size`. */
  torn = false;
  private bytesSinceIndexEntry = 0;
  /** Log size the index files on disk describe (-1: none known); equal to `size` means current. */
  private indexedSize = -1;
  private fd = -1;
  private refs = 0;
  private retired = false;

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    size: number,
  ) {
    this.size = size;
    this.nextOffset = baseOffset;
    this.offsetIndex = new OffsetIndex(baseOffset);
    this.timeIndex = new TimeIndex(baseOffset);
  }

  /** A new, empty segment; its file must not exist yet. */
  static create(dir: string, baseOffset: number): Segment {
    const segment = new Segment(dir, baseOffset, 0);
    try {
      segment.fd = fs.openSync(segment.logPath, 'wx+');
    } catch (err) {
      throw ioError(`cannot create segment ${segment.logPath}`, err);
    }
    return segment;
  }

  /** A segment whose `.log` exists on disk with `size` bytes; state is filled in by the loader. */
  static existing(dir: string, baseOffset: number, size: number): Segment {
    return new Segment(dir, baseOffset, size);
  }

  get logPath(): string {
    return logFilePath(this.dir, this.baseOffset);
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  get isRetired(): boolean {
    return this.retired;
  }

  /** True when an index has no room for another entry (Kafka rolls on a full index). */
  isIndexFull(segmentIndexBytes: number | undefined): boolean {
    if (segmentIndexBytes === undefined) return false;
    return (
      this.offsetIndex.length >= Math.floor(segmentIndexBytes / OFFSET_INDEX_ENTRY) ||
      this.timeIndex.length >= Math.floor(segmentIndexBytes / TIME_INDEX_ENTRY)
    );
  }

  /**
   * Accounts for one batch that sits in the file at `position`: advances nextOffset and the
   * max timestamp, and adds index entries once `indexIntervalBytes` have passed since the last.
   * Shared by append and by recovery, so a rebuilt index equals the one built while appending.
   */
  track(
    baseOffset: number,
    lastOffset: number,
    maxTimestamp: number,
    size: number,
    position: number,
    interval: number,
  ): void {
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp;
      this.offsetOfMaxTimestamp = lastOffset;
    }
    if (this.bytesSinceIndexEntry >= interval && position > 0) {
      this.offsetIndex.append(baseOffset, position);
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += size;
    this.nextOffset = lastOffset + 1;
  }

  /** Forgets all tracked batches (before a rebuild from the file). */
  resetIndexes(): void {
    this.offsetIndex = new OffsetIndex(this.baseOffset);
    this.timeIndex = new TimeIndex(this.baseOffset);
    this.bytesSinceIndexEntry = 0;
    this.indexedSize = -1;
    this.nextOffset = this.baseOffset;
    this.maxTimestamp = -1;
    this.offsetOfMaxTimestamp = -1;
  }

  /** Makes the time index's last entry carry the segment's max, so a clean reload knows it. */
  sealTimeIndex(): void {
    if (this.maxTimestamp >= 0) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
  }

  /** Adopts indexes loaded from disk; the caller has established nextOffset. */
  adoptIndexes(offsetIndex: OffsetIndex, timeIndex: TimeIndex): void {
    this.offsetIndex = offsetIndex;
    this.timeIndex = timeIndex;
    const last = timeIndex.last();
    if (last) {
      this.maxTimestamp = last.timestamp;
      this.offsetOfMaxTimestamp = last.offset;
    }
    this.bytesSinceIndexEntry = this.size - (offsetIndex.last()?.position ?? 0);
    this.indexedSize = this.size;
  }

  /** True when the index files on disk describe the whole segment as it is now. */
  get indexesOnDisk(): boolean {
    return this.indexedSize === this.size;
  }

  /** Writes `records` at the end of the log in one call. On failure the file is cut back. */
  write(records: Buffer): void {
    const fd = this.openFd();
    try {
      writeAllSync(fd, records, this.size);
    } catch (err) {
      // A partial write would leave bytes the log does not account for; drop them.
      try {
        fs.ftruncateSync(fd, this.size);
      } catch {
        this.torn = true;
      }
      throw ioError(`write to ${this.logPath} failed`, err);
    }
    this.size += records.length;
  }

  /** Cuts the file to `size` bytes (recovery of a torn tail). */
  truncateTo(size: number): void {
    try {
      fs.ftruncateSync(this.openFd(), size);
    } catch (err) {
      throw ioError(`cannot truncate ${this.logPath}`, err);
    }
    this.size = size;
  }

  /** Takes a reference on the descriptor for a read or sync; pair with release(). */
  acquire(): number {
    if (this.retired) throw new StorageError('CLOSED', `segment ${this.logPath} is closed`);
    const fd = this.openFd();
    this.refs++;
    return fd;
  }

  release(): void {
    this.refs--;
    if (this.refs === 0 && this.retired) this.closeFd();
  }

  /** fdatasync of the log file; a no-op once the segment is retired (its data no longer matters). */
  async datasync(io: StorageIo): Promise<void> {
    if (this.retired) return;
    const fd = this.acquire();
    try {
      await io.datasync(fd);
    } catch (err) {
      throw ioError(`fdatasync of ${this.logPath} failed`, err);
    } finally {
      this.release();
    }
  }

  /** Stops new use; the descriptor closes when the last reader releases it. */
  retire(): void {
    if (this.retired) return;
    this.retired = true;
    if (this.refs === 0) this.closeFd();
  }

  /**
   * Writes `.index` and `.timeindex` durably (write, fdatasync). If either cannot be written
   * whole (a full disk), both are removed: a missing index makes the next load rebuild it from
   * the log, while a cut one could pass for a true but shorter one.
   */
  async writeIndexes(io: StorageIo): Promise<void> {
    const size = this.size;
    const offsetPath = offsetIndexPath(this.dir, this.baseOffset);
    const timePath = timeIndexPath(this.dir, this.baseOffset);
    try {
      await writeDurably(offsetPath, this.offsetIndex.toBuffer(), io);
      await writeDurably(timePath, this.timeIndex.toBuffer(), io);
    } catch (err) {
      this.indexedSize = -1;
      await removeFile(offsetPath).catch(() => {});
      await removeFile(timePath).catch(() => {});
      throw err;
    }
    this.indexedSize = size;
  }

  /** Retires the segment and removes its three files. */
  async deleteFiles(): Promise<void> {
    this.retire();
    await removeFile(this.logPath);
    await removeFile(offsetIndexPath(this.dir, this.baseOffset));
    await removeFile(timeIndexPath(this.dir, this.baseOffset));
  }

  private openFd(): number {
    if (this.fd < 0) {
      try {
        this.fd = fs.openSync(this.logPath, 'r+');
      } catch (err) {
        throw ioError(`cannot open ${this.logPath}`, err);
      }
    }
    return this.fd;
  }

  private closeFd(): void {
    if (this.fd < 0) return;
    const fd = this.fd;
    this.fd = -1;
    // Closing can only fail for a bad fd, which would be our bug; nothing useful to do then.
    fs.close(fd, () => {});
  }
}

async function writeDurably(path: string, data: Buffer, io: StorageIo): Promise<void> {
  try {
    const handle = await fs.promises.open(path, 'w');
    try {
      await handle.writeFile(data);
      await io.datasync(handle.fd);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw ioError(`cannot write ${path}`, err);
  }
}
