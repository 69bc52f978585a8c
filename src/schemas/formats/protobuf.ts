// Protobuf schemas (a .proto text or a base64 FileDescriptorProto, protobuf-files.ts) with their
// references in one protobufjs Root; every type must resolve. Compatibility compares messages by
// full name and fields by number, as the wire does: a message that disappears, a field number whose
// type or cardinality changes, or a field that keeps its name under another number (its data would
// be dropped unread) is incompatible. New fields, renames and removed fields are not (Confluent's
// rules: a reader skips the fields it does not know).

import protobuf from 'protobufjs';
import { invalidSchema } from '../errors.js';
import type { SchemaReference } from '../records.js';
import type { ParsedSchema, ResolvedReference } from './parsed-schema.js';
import { type LoadedProto, loadProto } from './protobuf-files.js';

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
    readonly loaded: LoadedProto,
  ) {}

  serialized(): string {
    return this.loaded.serialized();
  }

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
      const readerNumbers = new Map([...rFields].map(([number, r]) => [r.name, number]));
      for (const [number, w] of wFields) {
        const r = rFields.get(number);
        const moved = readerNumbers.get(w.name);
        if (moved !== undefined && moved !== number && r?.name !== w.name) {
          problems.push(`FIELD_NUMBER_CHANGED: field ${w.name} of ${name}: number ${number} → ${moved}`);
        }
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

function shapesOf(root: protobuf.Root): Map<string, Map<number, FieldShape>> {
  const messages = new Map<string, Map<number, FieldShape>>();
  const visit = (ns: protobuf.NamespaceBase) => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) {
        const fields = new Map<number, FieldShape>();
        for (const f of nested.fieldsArray) {
          const type = f.resolvedType ? f.resolvedType.fullName.slice(1) : f.type;
          fields.set(f.id, { name: f.name, type, repeated: f.repeated, map: f.map });
        }
        messages.set(nested.fullName.slice(1), fields);
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
  let loaded: LoadedProto;
  try {
    loaded = loadProto(text, resolved);
  } catch (error) {
    throw invalidSchema(`Invalid schema: ${(error as Error).message}`);
  }
  // By meaning, so a .proto text and the descriptor a client sends for it are one schema (one id).
  const canonical = loaded.canonical();
  return new ProtobufSchema(text, canonical, references, shapesOf(loaded.root), loaded);
}
