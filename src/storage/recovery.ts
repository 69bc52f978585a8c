import { BATCH, isCrcValid, readInt64 } from '../protocol/records/batch-header.js';
import { readAt } from './file-io.js';
import { INT32_MAX } from './log-config.js';
import { scanSegmentHeaders } from './log-reader.js';
import type { Segment } from './segment.js';
import { isStorageError } from './storage-error.js';

/** Read size while validating; large enough that CRC work, not syscalls, dominates. */
const WINDOW = 1024 * 1024;

export interface SegmentRecovery {
  /** Bytes cut off the end of the file; 0 if every byte was a valid batch. */
  truncatedBytes: number;
  /** Why validation stopped early, for logs. */
  reason?: string;
}

/**
 * Validates every batch of a segment whose tail cannot be trusted (unclean shutdown): the length
 * fits, magic is 2, offsets continue from the previous batch, the CRC-32C matches. Rebuilds the
 * indexes on the way and truncates the file at the first batch that fails; everything before
 * it is intact. `segment.size` must hold the file's size on entry.
 */
export async function recoverSegment(segment: Segment, indexIntervalBytes: number): Promise<SegmentRecovery> {
  segment.resetIndexes();
  const fileSize = segment.size;
  const fd = segment.acquire();
  let reason: string | undefined;
  let valid = 0;
  try {
    let buf: Buffer = Buffer.alloc(0);
    let bufPos = 0;
    let expected = segment.baseOffset;
    while (valid < fileSize) {
      if (fileSize - valid < BATCH.headerSize) {
        reason = 'torn batch header';
        break;
      }
      if (valid + BATCH.headerSize > bufPos + buf.length) {
        buf = await readAt(fd, valid, Math.min(fileSize - valid, WINDOW));
        bufPos = valid;
      }
      let at = valid - bufPos;
      const magic = buf.readInt8(at + BATCH.magic);
      const size = buf.readInt32BE(at + BATCH.batchLength) + BATCH.logOverhead;
      if (magic !== 2) {
        reason = `magic ${magic}`;
        break;
      }
      if (size < BATCH.headerSize || valid + size > fileSize) {
        reason = `batch length ${size} does not fit`;
        break;
      }
      if (at + size > buf.length) {
        buf = await readAt(fd, valid, Math.min(fileSize - valid, Math.max(WINDOW, size)));
        bufPos = valid;
        at = 0;
      }
      const baseOffset = readInt64(buf, at + BATCH.baseOffset);
      const lastOffsetDelta = buf.readInt32BE(at + BATCH.lastOffsetDelta);
      // Offsets are contiguous until compaction exists; it will relax this to "increasing".
      if (
        baseOffset !== expected ||
        lastOffsetDelta < 0 ||
        baseOffset + lastOffsetDelta - segment.baseOffset > INT32_MAX
      ) {
        reason = `offset ${baseOffset} where ${expected} was expected`;
        break;
      }
      if (!isCrcValid(buf, at, size)) {
        reason = 'CRC-32C mismatch';
        break;
      }
      const lastOffset = baseOffset + lastOffsetDelta;
      segment.track(
        baseOffset,
        lastOffset,
        readInt64(buf, at + BATCH.maxTimestamp),
        size,
        valid,
        indexIntervalBytes,
      );
      expected = lastOffset + 1;
      valid += size;
    }
  } finally {
    segment.release();
  }
  if (valid < fileSize) segment.truncateTo(valid);
  return reason === undefined ? { truncatedBytes: 0 } : { truncatedBytes: fileSize - valid, reason };
}

/**
 * After a clean shutdown the indexes are trusted, but the tail after the last index entry is
 * still walked (lengths, magic, contiguous offsets; no CRC) to learn the next offset and to catch
 * a file that changed under us. Returns false if the tail does not add up; the caller then
 * recovers the segment in full.
 */
export async function loadSegmentTail(segment: Segment): Promise<boolean> {
  const from = segment.offsetIndex.last() ?? { offset: segment.baseOffset, position: 0 };
  let expected = from.offset;
  let ok = true;
  try {
    await scanSegmentHeaders(segment, from.position, (header) => {
      if (header.magic !== 2 || header.baseOffset !== expected || header.lastOffsetDelta < 0) {
        ok = false;
        return false;
      }
      expected = header.baseOffset + header.lastOffsetDelta + 1;
      if (header.maxTimestamp > segment.maxTimestamp) {
        segment.maxTimestamp = header.maxTimestamp;
        segment.offsetOfMaxTimestamp = expected - 1;
      }
      return true;
    });
  } catch (err) {
    if (isStorageError(err, 'CORRUPT')) return false;
    throw err;
  }
  if (ok) segment.nextOffset = expected;
  return ok;
}
