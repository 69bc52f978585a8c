// Parsing by schema type: AVRO (the default when a request names none), JSON and PROTOBUF.

import { invalidSchema } from '../errors.js';
import type { SchemaReference, SchemaType } from '../records.js';
import { parseAvro } from './avro.js';
import { parseJsonSchema } from './json-schema.js';
import type { ParsedSchema, ResolvedReference } from './parsed-schema.js';
import { parseProtobuf } from './protobuf.js';

export { identityOf, type ParsedSchema, type ResolvedReference } from './parsed-schema.js';

export const SCHEMA_TYPES: readonly SchemaType[] = ['JSON', 'PROTOBUF', 'AVRO'];

export function parseSchemaType(given: unknown): SchemaType {
  if (given === undefined || given === null) return 'AVRO';
  const upper = String(given).toUpperCase();
  if ((SCHEMA_TYPES as readonly string[]).includes(upper)) return upper as SchemaType;
  throw invalidSchema(
    `Invalid schema type '${String(given)}': the registry knows ${SCHEMA_TYPES.join(', ')}`,
  );
}

export function parseSchema(
  type: SchemaType,
  text: string,
  references: readonly SchemaReference[],
  resolved: readonly ResolvedReference[],
): ParsedSchema {
  if (type === 'JSON') return parseJsonSchema(text, references, resolved);
  if (type === 'PROTOBUF') return parseProtobuf(text, references, resolved);
  return parseAvro(text, references, resolved);
}
