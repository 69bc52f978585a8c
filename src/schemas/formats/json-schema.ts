// JSON Schemas with ajv: compiled (draft-07 by default, draft 2020-12 when `$schema` names it; the
// referenced schemas added first under their reference names, which is what `$ref` points at), so a
// schema that is not valid JSON Schema or refers to nothing known is refused. Compatibility follows
// the rules Confluent documents, in json-compat.ts.

import { Ajv, type AnySchema } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { invalidSchema } from '../errors.js';
import type { SchemaReference } from '../records.js';
import { type JsonNode, jsonReadProblems } from './json-compat.js';
import type { ParsedSchema, ResolvedReference } from './parsed-schema.js';

const DRAFT_2020 = /json-schema\.org\/draft\/2020-12\/schema/;

class JsonSchema implements ParsedSchema {
  readonly type = 'JSON' as const;
  constructor(
    readonly text: string,
    readonly canonical: string,
    readonly references: readonly SchemaReference[],
    readonly root: JsonNode,
  ) {}

  readProblems(writer: ParsedSchema): string[] {
    if (!(writer instanceof JsonSchema))
      return [`TYPE_MISMATCH: the other schema is ${writer.type}, not JSON`];
    return jsonReadProblems(this.root, writer.root);
  }
}

function parse(text: string, what: string): JsonNode {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalidSchema(`Invalid schema: ${what} is not JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'boolean' && (typeof json !== 'object' || json === null || Array.isArray(json))) {
    throw invalidSchema(`Invalid schema: ${what} must be a JSON object or a boolean`);
  }
  return json as JsonNode;
}

function addReferences(ajv: Ajv, refs: readonly ResolvedReference[], seen: Set<string>): void {
  for (const ref of refs) {
    if (seen.has(ref.name)) continue;
    seen.add(ref.name);
    addReferences(ajv, ref.references, seen);
    const node = parse(ref.schema, `reference '${ref.name}'`);
    // Referenced by its reference name; an `$id` inside would register a second name, so drop it.
    const schema =
      typeof node === 'object' ? Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$id')) : node;
    ajv.addSchema(schema as AnySchema, ref.name);
  }
}

export function parseJsonSchema(
  text: string,
  references: readonly SchemaReference[],
  resolved: readonly ResolvedReference[],
): ParsedSchema {
  const root = parse(text, 'the schema');
  const draft2020 =
    typeof root === 'object' && typeof root.$schema === 'string' && DRAFT_2020.test(root.$schema);
  // strict off: Confluent accepts keywords it does not know (`connect.type`, titles in odd places).
  const options = { strict: false, allErrors: false, validateFormats: false } as const;
  const ajv = draft2020 ? new Ajv2020(options) : new Ajv(options);
  try {
    addReferences(ajv, resolved, new Set());
    ajv.compile(root as AnySchema);
  } catch (error) {
    throw invalidSchema(`Invalid schema: ${(error as Error).message}`);
  }
  const compact = JSON.stringify(root);
  return new JsonSchema(compact, compact, references, root);
}
