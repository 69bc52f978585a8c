import { SluiceError, type SluiceErrorOptions } from '../../errors/index.js';

/** Thrown when a batch's records are malformed or would inflate past the allowed size. */
export class CorruptRecordsError extends SluiceError {
  constructor(message: string, options?: SluiceErrorOptions) {
    super('CORRUPT_DATA', message, options);
  }
}

/**
 * An output buffer that grows by doubling up to a hard limit, for decoders that do not know the
 * size of what they produce. Going past the limit throws before any memory is taken for it.
 */
export class BoundedOutput {
  private buf: Buffer;
  length = 0;

  constructor(
    private readonly limit: number,
    sizeHint: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(1, Math.min(limit, sizeHint)));
  }

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    const needed = this.length + n;
    if (needed > this.limit) {
      throw new CorruptRecordsError(`records inflate past the limit of ${this.limit} bytes`);
    }
    if (needed <= this.buf.length) return;
    let size = this.buf.length;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafe(Math.min(size, this.limit));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }

  append(src: Uint8Array, start: number, count: number): void {
    this.reserve(count);
    this.buf.set(src.subarray(start, start + count), this.length);
    this.length += count;
  }

  /** Copies `count` bytes from `distance` back (LZ77); the ranges may overlap. */
  copyBack(distance: number, count: number): void {
    if (distance <= 0 || distance > this.length) throw new CorruptRecordsError('match offset out of range');
    this.reserve(count);
    const from = this.length - distance;
    let written = 0;
    // The copied run repeats with period `distance`, so each pass can copy all bytes so far.
    while (written < count) {
      const n = Math.min(count - written, this.length - from);
      this.buf.copyWithin(this.length, from, from + n);
      this.length += n;
      written += n;
    }
  }

  result(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}
