// Confluent's wire framing of a value: byte 0 = 0x00 then a big-endian 4-byte schema id, or 0x01
// then a 16-byte schema GUID, then the payload (for Protobuf preceded by the message-index array:
// a zigzag varint count, then the indexes, `[0]` written as a lone 0x00). Newer serializers may put
// the same id bytes in a `__value_schema_id` header and leave the value unframed. JSON text never
// starts with byte 0 or 1, so framed and plain JSON values cannot be mistaken for each other.

export const VALUE_SCHEMA_ID_HEADER = '__value_schema_id';
const MAGIC_ID = 0;
const MAGIC_GUID = 1;

export type SchemaRef = { readonly id: number } | { readonly guid: string };

export interface Framing {
  readonly ref: SchemaRef;
  /** The bytes after the id: for Protobuf the message indexes, then the message. */
  readonly rest: Buffer;
  readonly where: 'value' | 'header';
  /** The value's payload when the id came from a header (the whole value). */
  readonly payload?: Buffer;
}

export type FramingResult = { readonly framing?: Framing } | { readonly error: string };

function readRef(bytes: Buffer, what: string): { ref: SchemaRef; length: number } | { error: string } {
  if (bytes[0] === MAGIC_ID) {
    if (bytes.length < 5)
      return { error: `${what} has magic byte 0 but ${bytes.length - 1} bytes of schema id (4 needed)` };
    return { ref: { id: bytes.readInt32BE(1) }, length: 5 };
  }
  if (bytes[0] === MAGIC_GUID) {
    if (bytes.length < 17)
      return { error: `${what} has magic byte 1 but ${bytes.length - 1} bytes of schema GUID (16 needed)` };
    const hex = bytes.subarray(1, 17).toString('hex');
    const guid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    return { ref: { guid }, length: 17 };
  }
  return { error: `${what} starts with byte ${bytes[0]}, not a schema-id magic byte (0 or 1)` };
}

/** Where the value names its schema, if it does: the `__value_schema_id` header first, then the value. */
export function readFraming(value: Buffer | null, header: Buffer | undefined): FramingResult {
  if (header !== undefined) {
    const read = readRef(header, `header ${VALUE_SCHEMA_ID_HEADER}`);
    if ('error' in read) return read;
    return {
      framing: {
        ref: read.ref,
        rest: header.subarray(read.length),
        where: 'header',
        payload: value ?? Buffer.alloc(0),
      },
    };
  }
  if (value === null || value.length === 0 || (value[0] !== MAGIC_ID && value[0] !== MAGIC_GUID)) return {};
  const read = readRef(value, 'the value');
  if ('error' in read) return read;
  return { framing: { ref: read.ref, rest: value.subarray(read.length), where: 'value' } };
}

/** Reads a zigzag varint at `offset`: the number and the offset after it. */
function readZigzag(bytes: Buffer, offset: number): { value: number; next: number } {
  let result = 0;
  let shift = 0;
  let at = offset;
  for (;;) {
    if (at >= bytes.length) throw new Error('message indexes end before their varint does');
    if (shift > 28) throw new Error('message index varint is longer than 5 bytes');
    const byte = bytes[at++];
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
  }
  return { value: (result >>> 1) ^ -(result & 1), next: at };
}

/** The Protobuf message-index array at the start of `bytes` and the message after it. */
export function readMessageIndexes(bytes: Buffer): { indexes: number[]; message: Buffer } {
  const count = readZigzag(bytes, 0);
  if (count.value === 0) return { indexes: [0], message: bytes.subarray(count.next) };
  if (count.value < 0 || count.value > 100)
    throw new Error(`message index count ${count.value} is not plausible`);
  const indexes: number[] = [];
  let at = count.next;
  for (let i = 0; i < count.value; i++) {
    const index = readZigzag(bytes, at);
    if (index.value < 0) throw new Error(`message index ${index.value} is negative`);
    indexes.push(index.value);
    at = index.next;
  }
  return { indexes, message: bytes.subarray(at) };
}

/** Zigzag varint bytes of the indexes, as Confluent's serializers write them (for tests and the runtime). */
export function writeMessageIndexes(indexes: readonly number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0]);
  const out: number[] = [];
  const write = (n: number) => {
    let z = ((n << 1) ^ (n >> 31)) >>> 0;
    while (z > 0x7f) {
      out.push((z & 0x7f) | 0x80);
      z >>>= 7;
    }
    out.push(z);
  };
  write(indexes.length);
  for (const index of indexes) write(index);
  return Buffer.from(out);
}

/** A value framed with schema id `id`: magic 0, the id, then `payload` (with indexes for Protobuf). */
export function frameValue(id: number, payload: Buffer, indexes?: readonly number[]): Buffer {
  const head = Buffer.alloc(5);
  head.writeInt32BE(id, 1);
  return Buffer.concat(
    indexes === undefined ? [head, payload] : [head, writeMessageIndexes(indexes), payload],
  );
}
