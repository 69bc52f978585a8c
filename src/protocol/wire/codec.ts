import type { Field, FieldMap, Primitive } from '../schema/fields.js';
import { inRange } from '../schema/versions.js';
import { MalformedFrameError } from './protocol-error.js';
import { Reader } from './reader.js';
import type { Writer } from './writer.js';

// Values are plain objects shaped by the schema; the codec itself is untyped.
// biome-ignore lint/suspicious/noExplicitAny: the codec walks schema-shaped data generically
type Value = any;
export type Decode = (r: Reader) => Value;
export type Encode = (w: Writer, v: Value) => void;

export interface StructCodec {
  decode: Decode;
  encode: Encode;
}

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const EMPTY = Buffer.alloc(0);

/** The value a field takes when it is absent from a version or left out by a handler. */
export function defaultOf(field: Field<unknown>): Value {
  if (field.defaultValue !== undefined) return field.defaultValue;
  // A field that can be null means "not given" by null: an absent group.instance.id is a dynamic
  // member, not the static member "". (Kafka's specs declare these with default "null".)
  if (field.nullable.min <= field.nullable.max) return null;
  if (field.kind === 'array') return [];
  if (field.kind === 'struct') return defaultsOf(field.fields as FieldMap);
  switch (field.primitive) {
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
    case 'records':
      return EMPTY;
    case 'uuid':
      return ZERO_UUID;
    default:
      return 0;
  }
}

function defaultsOf(fields: FieldMap): Value {
  const out: Value = {};
  for (const [name, field] of Object.entries(fields)) out[name] = defaultOf(field);
  return out;
}

interface Shape {
  version: number;
  flexible: boolean;
}

function primitiveCodec(type: Primitive, nullable: boolean, compact: boolean, name: string): StructCodec {
  const refuseNull = () => {
    throw new MalformedFrameError(`field ${name} is not nullable but was null`);
  };
  const readLength = (r: Reader, wide: boolean) => (compact ? r.compactLength() : r.classicLength(wide));
  const writeLength = (w: Writer, n: number, wide: boolean) => {
    if (compact) w.uvarint(n + 1);
    else if (wide) w.int32(n);
    else w.int16(n);
  };
  switch (type) {
    case 'int8':
      return { decode: (r) => r.int8(), encode: (w, v) => w.int8(v ?? 0) };
    case 'int16':
      return { decode: (r) => r.int16(), encode: (w, v) => w.int16(v ?? 0) };
    case 'uint16':
      return { decode: (r) => r.uint16(), encode: (w, v) => w.uint16(v ?? 0) };
    case 'int32':
      return { decode: (r) => r.int32(), encode: (w, v) => w.int32(v ?? 0) };
    case 'uint32':
      return { decode: (r) => r.uint32(), encode: (w, v) => w.uint32(v ?? 0) };
    case 'int64':
      return { decode: (r) => r.int64(), encode: (w, v) => w.int64(v ?? 0) };
    case 'float64':
      return { decode: (r) => r.float64(), encode: (w, v) => w.float64(v ?? 0) };
    case 'bool':
      return { decode: (r) => r.bool(), encode: (w, v) => w.bool(v ?? false) };
    case 'uuid':
      return { decode: (r) => r.uuid(), encode: (w, v) => w.uuid(v ?? ZERO_UUID) };
    case 'string':
      return {
        decode: (r) => {
          const n = readLength(r, false);
          if (n < 0) return nullable ? null : refuseNull();
          return r.utf8(n);
        },
        encode: (w, v) => {
          if (v === null || v === undefined) {
            if (nullable) return writeLength(w, -1, false);
            v = '';
          }
          const n = Buffer.byteLength(v, 'utf8');
          writeLength(w, n, false);
          w.utf8(v, n);
        },
      };
    case 'bytes':
    case 'records':
      return {
        decode: (r) => {
          const n = readLength(r, true);
          if (n < 0) return nullable ? null : refuseNull();
          return r.slice(n);
        },
        encode: (w, v) => {
          if (v === null || v === undefined) {
            if (nullable) return writeLength(w, -1, true);
            v = EMPTY;
          }
          if (Array.isArray(v)) {
            let total = 0;
            for (const part of v) total += part.length;
            writeLength(w, total, true);
            for (const part of v) w.raw(part);
            return;
          }
          writeLength(w, v.length, true);
          w.raw(v);
        },
      };
  }
}

function arrayCodec(item: StructCodec, nullable: boolean, compact: boolean, name: string): StructCodec {
  return {
    decode: (r) => {
      const n = compact ? r.compactLength() : r.classicLength(true);
      if (n < 0) {
        if (nullable) return null;
        throw new MalformedFrameError(`array ${name} is not nullable but was null`);
      }
      // Each element takes at least one byte: a length beyond what is left is a lie.
      if (n > r.remaining)
        throw new MalformedFrameError(`array ${name} claims ${n} elements, ${r.remaining} bytes left`);
      const out = new Array(n);
      for (let i = 0; i < n; i++) out[i] = item.decode(r);
      return out;
    },
    encode: (w, v) => {
      if (v === null || v === undefined) {
        if (nullable) {
          if (compact) w.uvarint(0);
          else w.int32(-1);
          return;
        }
        v = [];
      }
      if (compact) w.uvarint(v.length + 1);
      else w.int32(v.length);
      for (let i = 0; i < v.length; i++) item.encode(w, v[i]);
    },
  };
}

/** Nullable structs carry a one-byte marker: -1 for null, 1 for present. */
function nullableStructCodec(inner: StructCodec): StructCodec {
  return {
    decode: (r) => (r.int8() < 0 ? null : inner.decode(r)),
    encode: (w, v) => {
      if (v === null || v === undefined) return void w.int8(-1);
      w.int8(1);
      inner.encode(w, v);
    },
  };
}

function fieldCodec(field: Field<unknown>, name: string, shape: Shape): StructCodec {
  const nullable = inRange(shape.version, field.nullable);
  const compact = shape.flexible && !field.neverCompact;
  if (field.kind === 'primitive')
    return primitiveCodec(field.primitive as Primitive, nullable, compact, name);
  if (field.kind === 'struct') {
    const inner = compileStruct(field.fields as FieldMap, shape);
    return nullable ? nullableStructCodec(inner) : inner;
  }
  const items = field.items as Primitive | FieldMap;
  const item =
    typeof items === 'string'
      ? primitiveCodec(items, false, compact, `${name}[]`)
      : compileStruct(items, shape);
  return arrayCodec(item, nullable, compact, name);
}

interface Slot {
  name: string;
  codec: StructCodec;
  defaultValue: Value;
  /** Null when a handler leaves out a field that is nullable in this version. */
  omittedValue: Value;
}

function isDefault(value: Value, defaultValue: Value): boolean {
  if (value === undefined || value === defaultValue) return true;
  if (Array.isArray(value)) return value.length === 0 && Array.isArray(defaultValue);
  if (Buffer.isBuffer(value)) return value.length === 0 && Buffer.isBuffer(defaultValue);
  return false;
}

/** Compiles the fields of one struct for one version into a decoder and an encoder. */
export function compileStruct(fields: FieldMap, shape: Shape): StructCodec {
  const present: Slot[] = [];
  const tagged = new Map<number, Slot>();
  const absent: { name: string; value: Value }[] = [];
  for (const [name, field] of Object.entries(fields)) {
    if (!inRange(shape.version, field.versions)) {
      absent.push({ name, value: defaultOf(field) });
      continue;
    }
    if (field.tag !== undefined && !shape.flexible) {
      absent.push({ name, value: defaultOf(field) });
      continue;
    }
    const slot: Slot = {
      name,
      codec: fieldCodec(field, name, shape),
      defaultValue: defaultOf(field),
      omittedValue:
        inRange(shape.version, field.nullable) && field.defaultValue === undefined ? null : defaultOf(field),
    };
    if (field.tag !== undefined) tagged.set(field.tag, slot);
    else present.push(slot);
  }
  const taggedSlots = [...tagged.entries()].sort((a, b) => a[0] - b[0]);

  const decode: Decode = (r) => {
    const out: Value = {};
    for (let i = 0; i < present.length; i++) out[present[i].name] = present[i].codec.decode(r);
    for (let i = 0; i < taggedSlots.length; i++) out[taggedSlots[i][1].name] = taggedSlots[i][1].defaultValue;
    for (let i = 0; i < absent.length; i++) out[absent[i].name] = absent[i].value;
    if (shape.flexible) decodeTaggedFields(r, tagged, out);
    return out;
  };

  const encode: Encode = (w, v) => {
    for (let i = 0; i < present.length; i++) {
      const slot = present[i];
      const value = v[slot.name];
      slot.codec.encode(w, value === undefined ? slot.omittedValue : value);
    }
    if (shape.flexible) encodeTaggedFields(w, taggedSlots, v);
  };
  return { decode, encode };
}

function decodeTaggedFields(r: Reader, tagged: Map<number, Slot>, out: Value): void {
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    const size = r.uvarint();
    const slot = tagged.get(tag);
    if (!slot) {
      r.slice(size); // unknown tags are skipped, as the protocol allows
      continue;
    }
    const sub = new Reader(r.buf, r.offset, r.offset + size);
    if (sub.end > r.end) throw new MalformedFrameError(`tagged field ${tag} overruns its struct`);
    out[slot.name] = slot.codec.decode(sub);
    r.offset += size;
  }
}

function encodeTaggedFields(w: Writer, slots: [number, Slot][], v: Value): void {
  let count = 0;
  for (const [, slot] of slots) if (!isDefault(v[slot.name], slot.defaultValue)) count++;
  w.uvarint(count);
  if (count === 0) return;
  for (const [tag, slot] of slots) {
    const value = v[slot.name];
    if (isDefault(value, slot.defaultValue)) continue;
    const body = new (w.constructor as new () => Writer)();
    slot.codec.encode(body, value);
    const bytes = body.toBuffer();
    w.uvarint(tag).uvarint(bytes.length).raw(bytes);
  }
}
