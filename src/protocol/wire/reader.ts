import { MalformedFrameError } from './protocol-error.js';

const TWO_32 = 0x1_0000_0000;

/** Reads Kafka wire primitives from a buffer, refusing to read past its end. */
export class Reader {
  offset: number;
  readonly end: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    end = buf.length,
  ) {
    this.offset = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  private take(n: number): number {
    const at = this.offset;
    if (n < 0 || at + n > this.end) {
      throw new MalformedFrameError(`frame truncated: needed ${n} bytes at ${at}, ${this.end - at} left`);
    }
    this.offset = at + n;
    return at;
  }

  int8(): number {
    return this.buf.readInt8(this.take(1));
  }
  int16(): number {
    return this.buf.readInt16BE(this.take(2));
  }
  uint16(): number {
    return this.buf.readUInt16BE(this.take(2));
  }
  int32(): number {
    return this.buf.readInt32BE(this.take(4));
  }
  uint32(): number {
    return this.buf.readUInt32BE(this.take(4));
  }
  int64(): number {
    const at = this.take(8);
    return this.buf.readInt32BE(at) * TWO_32 + this.buf.readUInt32BE(at + 4);
  }
  float64(): number {
    return this.buf.readDoubleBE(this.take(8));
  }
  bool(): boolean {
    return this.buf[this.take(1)] !== 0;
  }

  uvarint(): number {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = this.buf[this.take(1)];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
      shift += 7;
      if (shift > 28) throw new MalformedFrameError('unsigned varint longer than 5 bytes');
    }
  }

  /** An unsigned varint of up to 10 bytes (64-bit), exact up to 2^53. */
  uvarlong(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this.buf[this.take(1)];
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return value;
      scale *= 128;
    }
    throw new MalformedFrameError('varlong longer than 10 bytes');
  }

  /** A zig-zag varlong, as record timestamps deltas are written. */
  varlong(): number {
    const raw = this.uvarlong();
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }

  varint(): number {
    const raw = this.uvarint();
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }

  uuid(): string {
    const at = this.take(16);
    return this.buf.toString('base64url', at, at + 16);
  }

  /** Bytes of the given length as a view into the frame (no copy). */
  slice(length: number): Buffer {
    const at = this.take(length);
    return this.buf.subarray(at, at + length);
  }

  utf8(length: number): string {
    const at = this.take(length);
    return this.buf.toString('utf8', at, at + length);
  }

  /** A length read as int16 (strings) or int32 (bytes, arrays); -1 means null. */
  classicLength(wide: boolean): number {
    const n = wide ? this.int32() : this.int16();
    if (n < -1) throw new MalformedFrameError(`negative length ${n}`);
    return n;
  }

  /** A compact length: uvarint of length + 1, 0 meaning null. Returns -1 for null. */
  compactLength(): number {
    return this.uvarint() - 1;
  }
}
