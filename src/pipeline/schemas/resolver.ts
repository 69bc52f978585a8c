// How the pipeline core reaches a schema registry: an interface the runtime wires to Sluice's
// registry (or to Confluent's over HTTP). The core asks by subject and version at load, and by id
// (or GUID) for messages that name the schema they were written with.

export type SchemaType = 'JSON' | 'AVRO' | 'PROTOBUF';

export interface RegisteredSchema {
  readonly id: number;
  /** Confluent's `schemaType`; absent there for Avro, so the resolver fills it in. */
  readonly schemaType: SchemaType;
  /**
   * The schema text as registered (JSON Schema or Avro as JSON text, Protobuf as .proto text or a
   * base64 FileDescriptorProto, as Confluent's Protobuf serializers register it).
   */
  readonly schema: string;
  /** The schemas it references (Protobuf imports), already fetched, depth first. */
  readonly references?: readonly ReferencedSchema[];
}

/** A referenced schema: the name it is imported under, its text and its own references. */
export interface ReferencedSchema {
  readonly name: string;
  readonly schema: string;
  readonly references: readonly ReferencedSchema[];
}

/**
 * Lookups against a schema registry. A schema that does not exist is a SluiceError NOT_FOUND (the
 * message goes to the dead-letter topic); any other failure is taken for a registry that did not
 * answer, and the message is tried again by the retry policy.
 */
export interface SchemaResolver {
  bySubject(subject: string, version: number | 'latest'): Promise<RegisteredSchema>;
  byId(id: number): Promise<RegisteredSchema>;
  /** Newer Confluent serializers name schemas by GUID; without this such messages are refused. */
  byGuid?(guid: string): Promise<RegisteredSchema>;
}
