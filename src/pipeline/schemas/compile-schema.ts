// A schema compiled once into a decoder and checker of payloads: JSON Schema with ajv (draft-07 by
// default, 2019-09 or 2020-12 when `$schema` says so), Avro with avsc, Protobuf with protobufjs.
// Each JSON Schema gets its own ajv instance, so two schemas with the same `$id` never clash and a
// schema dropped from the cache leaves nothing behind. `format` is an annotation, not checked, as
// the 2020-12 specification has it by default.

import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import avro from 'avsc';
import { loadProto } from '../../schemas/index.js';
import { re2RegExp } from './re2-regexp.js';
import type { ReferencedSchema, SchemaType } from './resolver.js';
import { readMessageIndexes } from './wire-format.js';

export type Decoded =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly reason: string };

export interface CompiledSchema {
  readonly type: SchemaType;
  /** Decodes a payload written with this schema (Protobuf: after the frame's id) and checks it. */
  decode(payload: Buffer, framed: boolean): Decoded;
  /** Checks a value already decoded (JSON Schema only; others accept what they decoded). */
  check(value: unknown): string | undefined;
}

const OPTIONS = {
  strict: false,
  allErrors: false,
  validateFormats: false,
  logger: false,
  code: { regExp: re2RegExp },
} as const;

function ajvFor(schema: AnySchemaObject): Ajv {
  const draft = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (draft.includes('2020-12')) return new Ajv2020(OPTIONS);
  if (draft.includes('2019-09')) return new Ajv2019(OPTIONS);
  return new Ajv(OPTIONS);
}

/** `/amount must be >= 0`: the first error, where it is in the value and what is wrong. */
function describeErrors(validate: ValidateFunction): string {
  const [first] = validate.errors ?? [];
  if (first === undefined) return 'does not match the schema';
  const at = first.instancePath === '' ? 'the value' : first.instancePath;
  const extra =
    first.keyword === 'additionalProperties'
      ? ` '${String(first.params.additionalProperty)}'`
      : first.keyword === 'enum'
        ? ` (${(first.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')})`
        : '';
  return `${at} ${first.message ?? 'is invalid'}${extra}`;
}

export function compileJsonSchema(schema: unknown): CompiledSchema {
  if (
    typeof schema !== 'boolean' &&
    (schema === null || typeof schema !== 'object' || Array.isArray(schema))
  ) {
    throw new Error('a JSON Schema is an object or a boolean');
  }
  const validate = ajvFor(typeof schema === 'boolean' ? {} : (schema as AnySchemaObject)).compile(
    schema as AnySchemaObject,
  );
  const check = (value: unknown) =>
    validate(value) ? undefined : `schema violation: ${describeErrors(validate)}`;
  return {
    type: 'JSON',
    decode(payload) {
      let value: unknown;
      try {
        value = JSON.parse(payload.toString('utf8'));
      } catch (err) {
        return { ok: false, reason: `the value is not JSON: ${(err as Error).message}` };
      }
      const problem = check(value);
      return problem === undefined ? { ok: true, value } : { ok: false, reason: problem };
    },
    check,
  };
}

/** Avro and Protobuf values as JSON: bytes as base64, longs as numbers or (if unsafe) strings. */
function toJson(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJson(v);
    return out;
  }
  return value;
}

export function compileAvro(text: string): CompiledSchema {
  const type = avro.Type.forSchema(JSON.parse(text));
  return {
    type: 'AVRO',
    decode(payload) {
      try {
        return { ok: true, value: toJson(type.fromBuffer(payload)) };
      } catch (err) {
        return {
          ok: false,
          reason: `not a valid Avro ${type.name ?? type.typeName}: ${(err as Error).message}`,
        };
      }
    },
    check: () => undefined,
  };
}

/**
 * A Protobuf schema (a .proto text or a base64 FileDescriptorProto) with the files it references;
 * a framed message's indexes name its message type (Confluent's order: top-level messages as
 * declared, then nested ones), an unframed one is the first message.
 */
export function compileProtobuf(text: string, references: readonly ReferencedSchema[] = []): CompiledSchema {
  const loaded = loadProto(text, references);
  if (loaded.messageAt([0]) === undefined) throw new Error('the .proto file declares no messages');
  return {
    type: 'PROTOBUF',
    decode(payload, framed) {
      try {
        const { indexes, message } = framed
          ? readMessageIndexes(payload)
          : { indexes: [0], message: payload };
        const type = loaded.messageAt(indexes);
        if (type === undefined)
          return { ok: false, reason: `no message type at index [${indexes.join(', ')}]` };
        const decoded = type.decode(message);
        const value = type.toObject(decoded, { longs: String, enums: String, bytes: String });
        return { ok: true, value: toJson(value) };
      } catch (err) {
        return { ok: false, reason: `not a valid Protobuf message: ${(err as Error).message}` };
      }
    },
    check: () => undefined,
  };
}

export function compileRegistered(
  type: SchemaType,
  text: string,
  references: readonly ReferencedSchema[] = [],
): CompiledSchema {
  switch (type) {
    case 'JSON':
      return compileJsonSchema(JSON.parse(text));
    case 'AVRO':
      return compileAvro(text);
    case 'PROTOBUF':
      return compileProtobuf(text, references);
  }
}
