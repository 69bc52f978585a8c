import { BATCH, type BatchHeader, readBatchHeader, readInt64 } from '../protocol/records/batch-header.js';
import { readAt } from './file-io.js';
import { freshBuffers, type ReadBuffers } from './read-buffers.js';
import type { Segment } from './segment.js';
import { StorageError } from './storage-error.js';

/** Smallest read; amortises the syscall over many small batches. */
const MIN_WINDOW = 64 * 1024;
/** Largest single read, so one fetch never allocates without bound. */
const MAX_WINDOW = 16 * 1024 * 1024;

export interface ReadResult {
  /** Whole batches, ready to be written to a socket in order. */
  records: Buffer[];
  bytes: number;
}

function corrupt(segment: Segment, position: number, why: string): StorageError {
  return new StorageError('CORRUPT', `${segment.logPath} at ${position}: ${why}`);
}

/**
 * Visits the batch headers of one segment starting at `position` (a batch boundary) until
 * `visit` returns false or the segment ends. Reads windows of the file and parses headers only.
 * Returns false if the visitor stopped the scan.
 */
export async function scanSegmentHeaders(
  segment: Segment,
  position: number,
  visit: (header: BatchHeader, position: number) => unknown,
): Promise<boolean> {
  const end = segment.size;
  const fd = segment.acquire();
  try {
    let pos = position;
    let window = MIN_WINDOW;
    while (pos < end) {
      if (end - pos < BATCH.headerSize)
        throw corrupt(segment, pos, 'trailing bytes shorter than a batch header');
      const buf = await readAt(fd, pos, Math.min(end - pos, window));
      let at = 0;
      let lastSize = 0;
      while (at + BATCH.headerSize <= buf.length) {
        const header = readBatchHeader(buf, at);
        if (header.size < BATCH.headerSize || pos + at + header.size > end) {
          throw corrupt(segment, pos + at, `batch length ${header.size} does not fit`);
        }
        if (visit(header, pos + at) === false) return false;
        at += header.size;
        lastSize = header.size;
      }
      pos += at;
      // Large batches: read just the next header instead of a window that is mostly skipped.
      window = lastSize > MIN_WINDOW ? BATCH.headerSize : MIN_WINDOW;
    }
    return true;
  } finally {
    segment.release();
  }
}

/**
 * Appends to `out` the whole batches of `segment` from the one containing `offset`, stopping
 * before a batch that reaches `upTo` or would push `out.bytes` past `maxBytes` (the first batch
 * of the whole read is always taken). Returns true if the segment was exhausted and the
 * caller may continue with the next one.
 */
export async function readSegmentBatches(
  segment: Segment,
  offset: number,
  maxBytes: number,
  upTo: number,
  slack: number,
  out: ReadResult,
  buffers: ReadBuffers = freshBuffers,
): Promise<boolean> {
  const end = segment.size;
  if (segment.nextOffset <= offset) return true;
  let pos = segment.offsetIndex.lookup(offset).position;
  const fd = segment.acquire();
  try {
    let found = false;
    // The index points up to about one index interval before the wanted batch.
    let want = maxBytes + slack;
    // A batch that did not fit the last window: the next one must hold it whole, whatever the cap.
    let pending = 0;
    while (pos < end) {
      const len = Math.min(end - pos, Math.max(MIN_WINDOW, pending, Math.min(want, MAX_WINDOW)));
      const buf = await readAt(fd, pos, len, buffers);
      let at = 0;
      let runStart = -1;
      let incomplete = 0;
      let stop = false;
      while (at + BATCH.headerSize <= buf.length) {
        const size = buf.readInt32BE(at + BATCH.batchLength) + BATCH.logOverhead;
        if (size < BATCH.headerSize || pos + at + size > end) {
          throw corrupt(segment, pos + at, `batch length ${size} does not fit`);
        }
        const lastOffset =
          readInt64(buf, at + BATCH.baseOffset) + buf.readInt32BE(at + BATCH.lastOffsetDelta);
        if (!found) {
          if (lastOffset < offset) {
            at += size;
            continue;
          }
          found = true;
        }
        if (lastOffset >= upTo || (out.bytes > 0 && out.bytes + size > maxBytes)) {
          stop = true;
          break;
        }
        if (at + size > buf.length) {
          incomplete = size;
          break;
        }
        if (runStart < 0) runStart = at;
        out.bytes += size;
        at += size;
      }
      if (runStart >= 0) out.records.push(buf.subarray(runStart, at));
      if (stop) return false;
      if (at === 0 && incomplete === 0)
        throw corrupt(segment, pos, 'trailing bytes shorter than a batch header');
      pos += at;
      pending = incomplete;
      want = found ? maxBytes - out.bytes : MIN_WINDOW;
    }
    return true;
  } finally {
    segment.release();
  }
}

/**
 * The first batch in `segment` at or after `fromOffset` whose max timestamp is >= `timestamp`.
 * The time index tells where all earlier batches are known to be older.
 */
export async function findBatchByTimestamp(
  segment: Segment,
  timestamp: number,
  fromOffset: number,
): Promise<{ offset: number; timestamp: number } | null> {
  if (segment.maxTimestamp < timestamp || segment.nextOffset <= fromOffset) return null;
  const older = segment.timeIndex.lastEntryBefore(timestamp);
  const start = Math.max(older?.offset ?? segment.baseOffset, fromOffset);
  let result: { offset: number; timestamp: number } | null = null;
  await scanSegmentHeaders(segment, segment.offsetIndex.lookup(start).position, (header) => {
    if (header.baseOffset + header.lastOffsetDelta < fromOffset || header.maxTimestamp < timestamp)
      return true;
    result = { offset: Math.max(header.baseOffset, fromOffset), timestamp: header.maxTimestamp };
    return false;
  });
  return result;
}

/** Index of the last segment whose base offset is <= `offset` (0 if none). */
export function segmentIndexFor(segments: readonly Segment[], offset: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid].baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Reads whole batches across segments; see PartitionLog.read. `limit` is already <= the log end. */
export async function readBatches(
  segments: readonly Segment[],
  offset: number,
  maxBytes: number,
  limit: number,
  slack: number,
  buffers: ReadBuffers = freshBuffers,
): Promise<ReadResult> {
  const out: ReadResult = { records: [], bytes: 0 };
  let from = offset;
  for (let i = segmentIndexFor(segments, offset); i < segments.length && from < limit; i++) {
    const more = await readSegmentBatches(segments[i], from, maxBytes, limit, slack, out, buffers);
    if (!more || out.bytes >= maxBytes) break;
    from = Math.max(from, segments[i].nextOffset);
  }
  return out;
}

/** Visits headers of batches whose last offset is >= `fromOffset` across segments, until `visit` returns false. */
export async function scanBatchHeaders(
  segments: readonly Segment[],
  fromOffset: number,
  visit: (header: BatchHeader) => unknown,
): Promise<void> {
  for (let i = segmentIndexFor(segments, fromOffset); i < segments.length; i++) {
    const segment = segments[i];
    if (segment.nextOffset <= fromOffset) continue;
    const position = segment.offsetIndex.lookup(fromOffset).position;
    const go = await scanSegmentHeaders(segment, position, (header) =>
      header.baseOffset + header.lastOffsetDelta < fromOffset ? true : visit(header),
    );
    if (!go) return;
  }
}
