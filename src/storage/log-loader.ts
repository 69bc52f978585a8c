import * as fs from 'node:fs';
import { join } from 'node:path';
import { BATCH, readInt64 } from '../protocol/records/batch-header.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { type PartitionCleanState, parseCleanState } from './clean-shutdown.js';
import { ensureDir, readAt, removeFile, type StorageIo } from './file-io.js';
import { OffsetIndex } from './offset-index.js';
import { loadSegmentTail, recoverSegment } from './recovery.js';
import { Segment } from './segment.js';
import {
  CLEAN_SHUTDOWN_FILE,
  offsetIndexPath,
  parseSegmentFileName,
  timeIndexPath,
} from './segment-files.js';
import { ioError, isOutOfSpace } from './storage-error.js';
import { TimeIndex } from './time-index.js';

export interface LoadedLog {
  segments: Segment[];
  logStartOffset: number;
  /** Segments below this offset are durable and indexed on disk. */
  recoveryPoint: number;
  /** Whether the previous shutdown was clean. */
  clean: boolean;
  /** Bytes cut from torn or corrupt tails (including segments dropped after a hole). */
  truncatedBytes: number;
  /**
   * A checkpoint or index write that failed for lack of space and was skipped: the log is
   * correct, the next start just recovers more of it.
   */
  skippedWrite?: unknown;
}

/**
 * Opens a partition directory. With `state` from a clean shutdown whose active segment still
 * matches, trusts everything and touches nothing but the index files; otherwise trusts the
 * segments below the checkpoint's recovery point (or all, after a per-partition clean marker of
 * older versions), validates the rest batch by batch, truncates what is torn, and makes the
 * result durable before anything is appended.
 */
export async function loadLog(
  dir: string,
  indexIntervalBytes: number,
  io: StorageIo,
  now: number,
  state?: PartitionCleanState,
): Promise<LoadedLog> {
  await ensureDir(dir, io);
  const marker = join(dir, CLEAN_SHUTDOWN_FILE);
  const own = readMarker(marker);
  if (own !== undefined) {
    // Durably forget the marker first: a crash from here on must lead to a recovery.
    await removeFile(marker);
    await io.syncDir(dir);
  }
  const listed = await listSegments(dir);
  const trusted = own === 'legacy' ? undefined : (own ?? state);
  if (trusted) {
    const loaded = trustCleanShutdown(listed, trusted);
    if (loaded) return loaded;
  }
  return recoverLog(dir, listed, own === 'legacy', indexIntervalBytes, io, now);
}

/**
 * A partition's own clean-shutdown marker, written when a PartitionLog is closed on its own
 * (without a LogManager): its state, 'legacy' for the empty marker of earlier versions (trust
 * the indexes, walk the tail), undefined when absent or unreadable (recover).
 */
function readMarker(path: string): PartitionCleanState | 'legacy' | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  if (text === '') return 'legacy';
  try {
    return parseCleanState(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * The clean-shutdown path: the active segment must still be the one that was closed (same base
 * and size); then no tail is walked, no file opened for writing, nothing written.
 */
function trustCleanShutdown(listed: Segment[], state: PartitionCleanState): LoadedLog | undefined {
  const active = listed[listed.length - 1];
  if (active === undefined || active.baseOffset !== state.activeBase || active.size !== state.activeSize)
    return undefined;
  for (let i = 0; i < listed.length - 1; i++) {
    const segment = listed[i];
    if (segment.isEmpty || !loadIndexes(segment, listed[i + 1].baseOffset)) return undefined;
  }
  if (!loadIndexes(active)) return undefined;
  const lastIndexed = active.offsetIndex.last()?.offset ?? active.baseOffset;
  if (active.isEmpty ? state.nextOffset !== active.baseOffset : lastIndexed >= state.nextOffset)
    return undefined;
  active.nextOffset = state.nextOffset;
  active.rollStartMs = state.rollStartMs ?? undefined;
  const logStartOffset = Math.max(state.logStartOffset, listed[0].baseOffset);
  if (logStartOffset > state.nextOffset) return undefined;
  return {
    segments: listed,
    logStartOffset,
    recoveryPoint: active.baseOffset,
    clean: true,
    truncatedBytes: 0,
  };
}

async function recoverLog(
  dir: string,
  listed: Segment[],
  clean: boolean,
  indexIntervalBytes: number,
  io: StorageIo,
  now: number,
): Promise<LoadedLog> {
  const checkpoint = await readCheckpoint(dir);
  const recoveryPoint = clean ? Number.POSITIVE_INFINITY : (checkpoint?.recoveryPoint ?? 0);

  const segments: Segment[] = [];
  const recovered: Segment[] = [];
  let truncatedBytes = 0;
  const drop = async (rest: Segment[]) => {
    for (const segment of rest) {
      truncatedBytes += segment.size;
      await segment.deleteFiles();
    }
  };
  for (let i = 0; i < listed.length; i++) {
    const segment = listed[i];
    const nextBase = listed[i + 1]?.baseOffset;
    if (segment.isEmpty && nextBase !== undefined) {
      await segment.deleteFiles(); // Only the active segment may be empty; this one holds nothing.
      continue;
    }
    const prev = segments[segments.length - 1];
    if (prev !== undefined && segment.baseOffset !== prev.nextOffset) {
      await drop(listed.slice(i)); // A hole: what follows was never durably acknowledged.
      break;
    }
    const trusted =
      nextBase !== undefined
        ? nextBase <= recoveryPoint && loadIndexes(segment, nextBase)
        : clean && loadIndexes(segment) && (await loadSegmentTail(segment));
    segments.push(segment);
    if (trusted) continue;
    const result = await recoverSegment(segment, indexIntervalBytes);
    recovered.push(segment);
    if (result.truncatedBytes > 0) {
      truncatedBytes += result.truncatedBytes;
      await drop(listed.slice(i + 1));
      break;
    }
  }

  let logStartOffset = Math.max(checkpoint?.logStartOffset ?? 0, segments[0]?.baseOffset ?? 0);
  const last = segments[segments.length - 1];
  if (last === undefined || logStartOffset > last.nextOffset) {
    // Empty, or DeleteRecords moved the start past what survived: start over at the start offset.
    for (const segment of segments) await segment.deleteFiles();
    segments.length = 0;
    segments.push(Segment.create(dir, logStartOffset));
    await io.syncDir(dir);
  } else {
    logStartOffset = Math.max(logStartOffset, segments[0].baseOffset);
  }
  const active = segments[segments.length - 1];
  active.rollStartMs = await firstBatchTimestamp(active, now);

  // Recovered data may exist only in the page cache (process crash): make it durable and
  // record it as checked, so the next unclean start does not validate it again. Index files
  // that cannot be written (full disk) are left out: the next load rebuilds them.
  let skippedWrite: unknown;
  const tolerate = (err: unknown) => {
    if (!isOutOfSpace(err)) throw err;
    skippedWrite ??= err;
  };
  for (const segment of recovered) {
    if (segment.isRetired) continue;
    await segment.datasync(io);
    if (segment !== active) {
      segment.sealTimeIndex();
      await segment.writeIndexes(io).catch(tolerate);
    }
  }
  // Every inactive segment is now durable, and indexed on disk or without index files.
  const durableTo = active.baseOffset;
  if (checkpoint?.logStartOffset !== logStartOffset || checkpoint.recoveryPoint !== durableTo) {
    await writeCheckpoint(dir, { logStartOffset, recoveryPoint: durableTo }, io).catch(tolerate);
  }
  return { segments, logStartOffset, recoveryPoint: durableTo, clean, truncatedBytes, skippedWrite };
}

/** Segments on disk in offset order; removes leftovers (temp files, indexes without a log). */
async function listSegments(dir: string): Promise<Segment[]> {
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch (err) {
    throw ioError(`cannot list ${dir}`, err);
  }
  const logs = new Set<number>();
  for (const name of names) {
    const parsed = parseSegmentFileName(name);
    if (parsed?.kind === 'log') logs.add(parsed.baseOffset);
  }
  for (const name of names) {
    const parsed = parseSegmentFileName(name);
    if (name.endsWith('.tmp') || (parsed !== undefined && !logs.has(parsed.baseOffset))) {
      await removeFile(join(dir, name));
    }
  }
  const segments: Segment[] = [];
  for (const baseOffset of [...logs].sort((a, b) => a - b)) {
    const segment = Segment.existing(dir, baseOffset, 0);
    try {
      segment.size = fs.statSync(segment.logPath).size;
    } catch (err) {
      throw ioError(`cannot stat ${segment.logPath}`, err);
    }
    segments.push(segment);
  }
  return segments;
}

/**
 * Loads a segment's index files. With `nextOffset` (an inactive segment) the segment's extent is
 * known; the active segment's is found by walking its tail afterwards. False if either file is
 * missing or implausible.
 */
function loadIndexes(segment: Segment, nextOffset?: number): boolean {
  let offsetBytes: Buffer;
  let timeBytes: Buffer;
  try {
    offsetBytes = fs.readFileSync(offsetIndexPath(segment.dir, segment.baseOffset));
    timeBytes = fs.readFileSync(timeIndexPath(segment.dir, segment.baseOffset));
  } catch {
    return false;
  }
  const offsetIndex = OffsetIndex.fromBuffer(segment.baseOffset, offsetBytes, segment.size);
  const timeIndex = TimeIndex.fromBuffer(segment.baseOffset, timeBytes, nextOffset);
  if (!offsetIndex || !timeIndex) return false;
  if (nextOffset !== undefined) {
    const lastIndexed = offsetIndex.last()?.offset ?? segment.baseOffset;
    if (lastIndexed >= nextOffset && segment.size > 0) return false;
    segment.nextOffset = nextOffset;
  }
  segment.adoptIndexes(offsetIndex, timeIndex);
  return true;
}

/**
 * Start of the segment.ms clock for a reopened segment: its first batch's timestamp (Kafka's
 * choice), unless that is missing or in the future.
 */
async function firstBatchTimestamp(segment: Segment, now: number): Promise<number | undefined> {
  if (segment.isEmpty) return undefined;
  const fd = segment.acquire();
  try {
    const header = await readAt(fd, 0, BATCH.headerSize);
    const ts = readInt64(header, BATCH.maxTimestamp);
    return ts >= 0 && ts <= now ? ts : now;
  } finally {
    segment.release();
  }
}
