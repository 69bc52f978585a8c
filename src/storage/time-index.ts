import { readInt64, writeInt64 } from '../protocol/records/batch-header.js';

/** Bytes per on-disk entry: int64 timestamp, int32 relative offset (big-endian, as Kafka). */
export const TIME_INDEX_ENTRY = 12;

export interface TimestampOffset {
  timestamp: number;
  offset: number;
}

/**
 * Sparse map from "largest timestamp so far" to the offset that carried it. Timestamps only
 * increase, so a binary search finds where a timestamp lookup must start scanning.
 */
export class TimeIndex {
  private timestamps: Float64Array;
  private offsets: Int32Array;
  private count = 0;

  constructor(
    readonly baseOffset: number,
    capacity = 16,
  ) {
    this.timestamps = new Float64Array(Math.max(1, capacity));
    this.offsets = new Int32Array(Math.max(1, capacity));
  }

  get length(): number {
    return this.count;
  }

  get sizeInBytes(): number {
    return this.count * TIME_INDEX_ENTRY;
  }

  /** Appends only if `timestamp` is larger than the last entry's, keeping the index monotonic. */
  maybeAppend(timestamp: number, offset: number): void {
    if (this.count > 0 && timestamp <= this.timestamps[this.count - 1]) return;
    if (this.count === this.timestamps.length) {
      const ts = new Float64Array(this.count * 2);
      ts.set(this.timestamps);
      this.timestamps = ts;
      const offs = new Int32Array(this.count * 2);
      offs.set(this.offsets);
      this.offsets = offs;
    }
    this.timestamps[this.count] = timestamp;
    this.offsets[this.count] = offset - this.baseOffset;
    this.count++;
  }

  entry(i: number): TimestampOffset {
    return { timestamp: this.timestamps[i], offset: this.baseOffset + this.offsets[i] };
  }

  last(): TimestampOffset | undefined {
    return this.count === 0 ? undefined : this.entry(this.count - 1);
  }

  /**
   * The last entry whose timestamp is strictly below `timestamp`: every batch up to its offset
   * is older than the target, so a search for the first batch >= target may start there.
   */
  lastEntryBefore(timestamp: number): TimestampOffset | undefined {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timestamps[mid] < timestamp) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? undefined : this.entry(found);
  }

  toBuffer(): Buffer {
    const buf = Buffer.allocUnsafe(this.count * TIME_INDEX_ENTRY);
    for (let i = 0; i < this.count; i++) {
      writeInt64(buf, i * TIME_INDEX_ENTRY, this.timestamps[i]);
      buf.writeInt32BE(this.offsets[i], i * TIME_INDEX_ENTRY + 8);
    }
    return buf;
  }

  /** Loads an index file, or undefined when it is malformed or not monotonic. */
  static fromBuffer(baseOffset: number, buf: Buffer, nextOffset?: number): TimeIndex | undefined {
    if (buf.length % TIME_INDEX_ENTRY !== 0) return undefined;
    const n = buf.length / TIME_INDEX_ENTRY;
    const index = new TimeIndex(baseOffset, n);
    let prevTs = Number.NEGATIVE_INFINITY;
    let prevRel = -1;
    for (let i = 0; i < n; i++) {
      const ts = readInt64(buf, i * TIME_INDEX_ENTRY);
      const rel = buf.readInt32BE(i * TIME_INDEX_ENTRY + 8);
      if (ts <= prevTs || rel < prevRel) return undefined;
      if (nextOffset !== undefined && baseOffset + rel >= nextOffset) return undefined;
      index.timestamps[i] = ts;
      index.offsets[i] = rel;
      prevTs = ts;
      prevRel = rel;
    }
    index.count = n;
    return index;
  }
}
