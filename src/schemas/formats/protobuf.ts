// Protobuf schemas with protobufjs: the referenced files are parsed first into one Root under their
// import names (Google's well-known types come from protobufjs' own copies), then the schema; every
// type must resolve. Compatibility is basic and says so in the docs: a message that disappears, or
// a field number whose type or cardinality changes, is incompatible; renames and new fields are not.

import protobuf from 'protobufjs';
import { invalidSchema } from '../errors.js';
import type { SchemaReference } from '../records.js';
import type { ParsedSchema, ResolvedReference } from './parsed-schema.js';

interface FieldShape {
  name: string;
  type: string;
  repeated: boolean;
  map: boolean;
}

class ProtobufSchema implements ParsedSchema {
  readonly type = 'PROTOBUF' as const;
  constructor(
    readonly text: string,
    readonly canonical: string,
    readonly references: readonly SchemaReference[],
    /** Field shapes by message full name, then field number. */
    readonly messages: ReadonlyMap<string, ReadonlyMap<number, FieldShape>>,
  ) {}

  readProblems(writer: ParsedSchema): string[] {
    if (!(writer instanceof ProtobufSchema))
      return [`TYPE_MISMATCH: the other schema is ${writer.type}, not PROTOBUF`];
    const problems: string[] = [];
    for (const [name, wFields] of writer.messages) {
      const rFields = this.messages.get(name);
      if (rFields === undefined) {
        problems.push(`MESSAGE_REMOVED: message ${name} is missing`);
        continue;
      }
      for (const [number, w] of wFields) {
        const r = rFields.get(number);
        if (r === undefined) continue;
        if (r.type !== w.type || r.map !== w.map) {
          problems.push(`FIELD_TYPE_CHANGED: field ${number} of ${name}: ${w.type} → ${r.type}`);
        } else if (r.repeated !== w.repeated) {
          problems.push(
            `FIELD_KIND_CHANGED: field ${number} of ${name} changed between repeated and singular`,
          );
        }
      }
    }
    return problems;
  }
}

function addWellKnown(root: protobuf.Root, imports: readonly string[] | undefined): void {
  for (const file of imports ?? []) {
    const common = protobuf.common.get(file);
    if (common !== null && common !== undefined) root.addJSON(common.nested ?? {});
  }
}

function parseInto(root: protobuf.Root, text: string, what: string): void {
  try {
    const parsed = protobuf.parse(text, root, { keepCase: true });
    addWellKnown(root, [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]);
  } catch (error) {
    throw invalidSchema(`Invalid schema: ${what}: ${(error as Error).message}`);
  }
}

function addReferences(root: protobuf.Root, refs: readonly ResolvedReference[], seen: Set<string>): void {
  for (const ref of refs) {
    if (seen.has(ref.name)) continue;
    seen.add(ref.name);
    addReferences(root, ref.references, seen);
    parseInto(root, ref.schema, `reference '${ref.name}'`);
  }
}

function shapesOf(root: protobuf.Root): Map<string, Map<number, FieldShape>> {
  const messages = new Map<string, Map<number, FieldShape>>();
  const visit = (ns: protobuf.NamespaceBase) => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) {
        const fields = new Map<number, FieldShape>();
        for (const f of nested.fieldsArray) {
          const type = f.resolvedType ? f.resolvedType.fullName : f.type;
          fields.set(f.id, { name: f.name, type, repeated: f.repeated, map: f.map });
        }
        messages.set(nested.fullName, fields);
      }
      if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) visit(nested);
    }
  };
  visit(root);
  return messages;
}

export function parseProtobuf(
  text: string,
  references: readonly SchemaReference[],
  resolved: readonly ResolvedReference[],
): ParsedSchema {
  const root = new protobuf.Root();
  addReferences(root, resolved, new Set());
  parseInto(root, text, 'the schema');
  try {
    root.resolveAll();
  } catch (error) {
    throw invalidSchema(`Invalid schema: ${(error as Error).message}`);
  }
  // Whitespace and comments aside, the same text is the same schema.
  const canonical = text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/[^\n]*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return new ProtobufSchema(text, canonical, references, shapesOf(root));
}
