import * as fs from 'node:fs';
import type { Segment } from './segment.js';

/**
 * Retention picks a prefix of the segment list (oldest first) and stops at the first segment that
 * must stay, so the log never gets holes. These functions only count; PartitionLog deletes.
 */

/** The segment's newest timestamp, or its file's mtime when no record carried one (as Kafka). */
function largestTimestamp(segment: Segment): number {
  if (segment.maxTimestamp >= 0) return segment.maxTimestamp;
  try {
    return fs.statSync(segment.logPath).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY; // Cannot tell its age: keep it.
  }
}

/** Leading segments whose newest record is older than `retentionMs`. */
export function countExpiredByTime(segments: readonly Segment[], now: number, retentionMs: number): number {
  if (retentionMs < 0) return 0;
  let count = 0;
  for (const segment of segments) {
    if (segment.isEmpty || now - largestTimestamp(segment) <= retentionMs) break;
    count++;
  }
  return count;
}

/** Leading segments that can go while the rest still holds at least `retentionBytes`. */
export function countOverSize(
  segments: readonly Segment[],
  totalSize: number,
  retentionBytes: number,
): number {
  if (retentionBytes < 0 || totalSize < retentionBytes) return 0;
  let excess = totalSize - retentionBytes;
  let count = 0;
  for (const segment of segments) {
    if (segment.isEmpty || excess - segment.size < 0) break;
    excess -= segment.size;
    count++;
  }
  return count;
}

/** Leading segments that lie entirely below the log start offset. */
export function countBelowStart(segments: readonly Segment[], logStartOffset: number): number {
  let count = 0;
  for (const segment of segments) {
    if (segment.isEmpty || segment.nextOffset > logStartOffset) break;
    count++;
  }
  return count;
}
