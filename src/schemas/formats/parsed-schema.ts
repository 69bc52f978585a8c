// What every schema type gives the registry once a schema is parsed: its identity (so the same
// schema under two subjects gets one id) and a compatibility check between two of its kind.

import type { SchemaReference, SchemaType } from '../records.js';

export interface ParsedSchema {
  readonly type: SchemaType;
  /** The text stored and answered (the given schema, compacted where it is JSON). */
  readonly text: string;
  /** Equal for two schemas that mean the same (whitespace, key spelling), with their references. */
  readonly canonical: string;
  readonly references: readonly SchemaReference[];
  /**
   * Why a reader with this schema cannot read data written with `writer` (same type): one message
   * per problem, `TYPE: description`; empty when it can.
   */
  readProblems(writer: ParsedSchema): string[];
  /** Protobuf only: the schema as a base64 FileDescriptorProto (Confluent's `?format=serialized`). */
  serialized?(): string;
}

/** A referenced schema, already found in the registry: its name (import path, $ref, Avro name) and text. */
export interface ResolvedReference {
  readonly name: string;
  readonly schema: string;
  /** References of the referenced schema, already resolved (depth first). */
  readonly references: readonly ResolvedReference[];
}

/** The identity of a schema: its canonical text and the references it names. */
export function identityOf(canonical: string, references: readonly SchemaReference[]): string {
  return JSON.stringify([canonical, references.map((r) => [r.name, r.subject, r.version])]);
}
