/** Bytes per on-disk entry: int32 relative offset, int32 file position (big-endian, as Kafka). */
export const OFFSET_INDEX_ENTRY = 8;

export interface OffsetPosition {
  offset: number;
  position: number;
}

/**
 * Sparse map from offset to the file position of a batch, kept in memory and written to
 * `.index` when the segment becomes inactive or the log closes. No checksum: an index that
 * may be stale is rebuilt from the log instead (Kafka's approach).
 */
export class OffsetIndex {
  /** Interleaved [relativeOffset, position] pairs; grows by doubling. */
  private entries: Int32Array;
  private count = 0;

  constructor(
    readonly baseOffset: number,
    capacity = 16,
  ) {
    this.entries = new Int32Array(Math.max(2, capacity * 2));
  }

  get length(): number {
    return this.count;
  }

  get sizeInBytes(): number {
    return this.count * OFFSET_INDEX_ENTRY;
  }

  /** Entries must arrive in increasing offset and position order. */
  append(offset: number, position: number): void {
    if (this.count * 2 === this.entries.length) {
      const grown = new Int32Array(this.entries.length * 2);
      grown.set(this.entries);
      this.entries = grown;
    }
    this.entries[this.count * 2] = offset - this.baseOffset;
    this.entries[this.count * 2 + 1] = position;
    this.count++;
  }

  entry(i: number): OffsetPosition {
    return { offset: this.baseOffset + this.entries[i * 2], position: this.entries[i * 2 + 1] };
  }

  last(): OffsetPosition | undefined {
    return this.count === 0 ? undefined : this.entry(this.count - 1);
  }

  /**
   * The entry with the largest offset <= `offset`, or the segment start when there is none.
   * The batch containing `offset` starts at or after the returned position.
   */
  lookup(offset: number): OffsetPosition {
    const rel = offset - this.baseOffset;
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid * 2] <= rel) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(found);
  }

  toBuffer(): Buffer {
    const buf = Buffer.allocUnsafe(this.count * OFFSET_INDEX_ENTRY);
    for (let i = 0; i < this.count; i++) {
      buf.writeInt32BE(this.entries[i * 2], i * OFFSET_INDEX_ENTRY);
      buf.writeInt32BE(this.entries[i * 2 + 1], i * OFFSET_INDEX_ENTRY + 4);
    }
    return buf;
  }

  /**
   * Loads an index file, or returns undefined when it cannot be trusted (wrong size, entries
   * out of order, positions past the end of the log) so the caller rebuilds it.
   */
  static fromBuffer(baseOffset: number, buf: Buffer, logSize: number): OffsetIndex | undefined {
    if (buf.length % OFFSET_INDEX_ENTRY !== 0) return undefined;
    const n = buf.length / OFFSET_INDEX_ENTRY;
    const index = new OffsetIndex(baseOffset, n);
    let prevRel = -1;
    let prevPos = -1;
    for (let i = 0; i < n; i++) {
      const rel = buf.readInt32BE(i * OFFSET_INDEX_ENTRY);
      const pos = buf.readInt32BE(i * OFFSET_INDEX_ENTRY + 4);
      if (rel <= prevRel || pos <= prevPos || pos >= logSize) return undefined;
      index.entries[i * 2] = rel;
      index.entries[i * 2 + 1] = pos;
      prevRel = rel;
      prevPos = pos;
    }
    index.count = n;
    return index;
  }
}
