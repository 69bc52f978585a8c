const TWO_32 = 0x1_0000_0000;
/** Buffers at least this large are sent by reference rather than copied into the frame. */
const ZERO_COPY_THRESHOLD = 1024;

/**
 * Writes Kafka wire primitives. Small values go into a growing scratch buffer; large byte
 * fields (record batches) are kept as references, so a fetch response never copies log bytes.
 */
export class Writer {
  private chunks: Buffer[] = [];
  private buf: Buffer;
  private pos = 0;
  private flushedBytes = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.flushedBytes + this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.pos === 0 && this.chunks.length === 0) {
      this.buf = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2));
      return;
    }
    this.sealScratch();
    if (this.buf.length >= n) return;
    this.buf = Buffer.allocUnsafe(Math.max(n, 4096));
  }

  private sealScratch(): void {
    if (this.pos === 0) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.flushedBytes += this.pos;
    this.buf = this.buf.subarray(this.pos);
    this.pos = 0;
  }

  int8(v: number): this {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
    return this;
  }
  int16(v: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }
  uint16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }
  int32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }
  uint32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
    return this;
  }
  int64(v: number): this {
    this.ensure(8);
    const high = Math.floor(v / TWO_32);
    this.buf.writeInt32BE(high, this.pos);
    this.buf.writeUInt32BE(v - high * TWO_32, this.pos + 4);
    this.pos += 8;
    return this;
  }
  float64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
    return this;
  }
  bool(v: boolean): this {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
    return this;
  }

  uvarint(v: number): this {
    this.ensure(5);
    let rest = v >>> 0;
    while (rest >= 0x80) {
      this.buf[this.pos++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    this.buf[this.pos++] = rest;
    return this;
  }

  varint(v: number): this {
    return this.uvarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  uuid(v: string): this {
    this.ensure(16);
    const written = this.buf.write(v, this.pos, 16, 'base64url');
    if (written !== 16) throw new Error(`invalid uuid "${v}": expected 22 base64url characters`);
    this.pos += 16;
    return this;
  }

  utf8(v: string, byteLength: number): this {
    this.ensure(byteLength);
    this.buf.write(v, this.pos, byteLength, 'utf8');
    this.pos += byteLength;
    return this;
  }

  raw(v: Buffer): this {
    if (v.length >= ZERO_COPY_THRESHOLD) {
      this.sealScratch();
      this.chunks.push(v);
      this.flushedBytes += v.length;
      return this;
    }
    this.ensure(v.length);
    v.copy(this.buf, this.pos);
    this.pos += v.length;
    return this;
  }

  /** The written bytes as a list of buffers, in order. */
  finish(): Buffer[] {
    this.sealScratch();
    const out = this.chunks;
    this.chunks = [];
    this.flushedBytes = 0;
    return out;
  }

  /** The written bytes as one buffer (copies if there are several chunks). */
  toBuffer(): Buffer {
    const chunks = this.finish();
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  }
}
