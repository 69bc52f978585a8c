// Avro schemas with avsc: parsed (referenced named types first, into one registry of names),
// identified by avsc's export with attributes (docs, defaults, aliases kept, as Confluent keeps
// them), and checked for compatibility with Avro's own schema resolution (`createResolver`
// throws where a reader cannot read a writer's data).

import avro from 'avsc';
import { invalidSchema } from '../errors.js';
import type { SchemaReference } from '../records.js';
import type { ParsedSchema, ResolvedReference } from './parsed-schema.js';

type AvroType = ReturnType<typeof avro.Type.forSchema>;

class AvroSchema implements ParsedSchema {
  readonly type = 'AVRO' as const;
  constructor(
    readonly text: string,
    readonly canonical: string,
    readonly references: readonly SchemaReference[],
    readonly avroType: AvroType,
  ) {}

  readProblems(writer: ParsedSchema): string[] {
    if (!(writer instanceof AvroSchema))
      return [`TYPE_MISMATCH: the other schema is ${writer.type}, not AVRO`];
    try {
      this.avroType.createResolver(writer.avroType);
      return [];
    } catch (error) {
      return [`READER_CANNOT_READ_WRITER: ${(error as Error).message}`];
    }
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Confluent accepts a bare name ("string") as well as its JSON form ("\"string\"").
    if (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(text.trim())) return text.trim();
    throw invalidSchema(`Invalid schema: ${what} is not JSON`);
  }
}

function register(ref: ResolvedReference, names: Record<string, AvroType>): void {
  for (const inner of ref.references) register(inner, names);
  try {
    avro.Type.forSchema(parseJson(ref.schema, `reference '${ref.name}'`) as avro.Schema, { registry: names });
  } catch (error) {
    throw invalidSchema(`Invalid schema: reference '${ref.name}': ${(error as Error).message}`);
  }
}

export function parseAvro(
  text: string,
  references: readonly SchemaReference[],
  resolved: readonly ResolvedReference[],
): ParsedSchema {
  const json = parseJson(text, 'the schema');
  const names: Record<string, AvroType> = {};
  for (const ref of resolved) register(ref, names);
  let parsed: AvroType;
  try {
    parsed = avro.Type.forSchema(json as avro.Schema, { registry: names });
  } catch (error) {
    throw invalidSchema(`Invalid schema: ${(error as Error).message}`);
  }
  const canonical = JSON.stringify(parsed.schema({ exportAttrs: true }));
  return new AvroSchema(JSON.stringify(json), canonical, references, parsed);
}
