// The records of the `_schemas` topic, keyed and written as Confluent Schema Registry writes them:
// JSON keys `{"keytype":"SCHEMA","subject":"s","version":1,"magic":1}`, `{"keytype":"CONFIG",
// "subject":null,"magic":0}`, MODE, DELETE_SUBJECT (and NOOP, which readers skip); JSON values; a
// null value (tombstone) when a version is deleted for good, so compaction drops it.

export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';

export interface SchemaReference {
  name: string;
  subject: string;
  version: number;
}

/** One version of a subject, as stored (value of a SCHEMA key). */
export interface SchemaVersionValue {
  subject: string;
  version: number;
  id: number;
  schemaType?: SchemaType;
  references?: SchemaReference[];
  schema: string;
  deleted: boolean;
}

export type RegistryKey =
  | { keytype: 'SCHEMA'; subject: string; version: number; magic: 1 }
  | { keytype: 'CONFIG'; subject: string | null; magic: 0 }
  | { keytype: 'MODE'; subject: string | null; magic: 0 }
  | { keytype: 'DELETE_SUBJECT'; subject: string; magic: 0 }
  | { keytype: 'NOOP'; magic: 0 };

export type RegistryRecord =
  | { key: Extract<RegistryKey, { keytype: 'SCHEMA' }>; value: SchemaVersionValue | null }
  | { key: Extract<RegistryKey, { keytype: 'CONFIG' }>; value: { compatibilityLevel: string } | null }
  | { key: Extract<RegistryKey, { keytype: 'MODE' }>; value: { mode: string } | null }
  | {
      key: Extract<RegistryKey, { keytype: 'DELETE_SUBJECT' }>;
      value: { subject: string; version: number } | null;
    }
  | { key: Extract<RegistryKey, { keytype: 'NOOP' }>; value: null };

export const schemaKey = (subject: string, version: number): RegistryKey => ({
  keytype: 'SCHEMA',
  subject,
  version,
  magic: 1,
});
export const configKey = (subject: string | null): RegistryKey => ({ keytype: 'CONFIG', subject, magic: 0 });
export const modeKey = (subject: string | null): RegistryKey => ({ keytype: 'MODE', subject, magic: 0 });
export const deleteSubjectKey = (subject: string): RegistryKey => ({
  keytype: 'DELETE_SUBJECT',
  subject,
  magic: 0,
});

/** The key's bytes: JSON with Confluent's field order (keytype, subject, version, magic). */
export function encodeKey(key: RegistryKey): Buffer {
  return Buffer.from(JSON.stringify(key));
}

export function encodeValue(value: object | null): Buffer | undefined {
  return value === null ? undefined : Buffer.from(JSON.stringify(value));
}

/**
 * A record read back from the topic, or undefined for one this registry does not know (another
 * key type written by a newer Confluent, a NOOP, or bytes that are not a registry record).
 */
export function decodeRecord(key: Buffer | null, value: Buffer | null): RegistryRecord | undefined {
  if (key === null) return undefined;
  let k: Record<string, unknown>;
  let v: Record<string, unknown> | null;
  try {
    k = JSON.parse(key.toString('utf8'));
    v = value === null || value.length === 0 ? null : JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof k !== 'object' || k === null) return undefined;
  const subject = typeof k.subject === 'string' ? k.subject : null;
  switch (k.keytype) {
    case 'SCHEMA':
      if (subject === null || typeof k.version !== 'number') return undefined;
      return {
        key: { keytype: 'SCHEMA', subject, version: k.version, magic: 1 },
        value: v === null ? null : schemaValueOf(v, subject, k.version),
      };
    case 'CONFIG':
      return {
        key: { keytype: 'CONFIG', subject, magic: 0 },
        value: v === null ? null : { compatibilityLevel: String(v.compatibilityLevel ?? v.compatibility) },
      };
    case 'MODE':
      return {
        key: { keytype: 'MODE', subject, magic: 0 },
        value: v === null ? null : { mode: String(v.mode) },
      };
    case 'DELETE_SUBJECT':
      if (subject === null) return undefined;
      return {
        key: { keytype: 'DELETE_SUBJECT', subject, magic: 0 },
        value: v === null ? null : { subject, version: Number(v.version) },
      };
    default:
      return undefined;
  }
}

function schemaValueOf(v: Record<string, unknown>, subject: string, version: number): SchemaVersionValue {
  const value: SchemaVersionValue = {
    subject,
    version,
    id: Number(v.id),
    schema: String(v.schema),
    deleted: v.deleted === true,
  };
  if (v.schemaType === 'JSON' || v.schemaType === 'PROTOBUF') value.schemaType = v.schemaType;
  if (Array.isArray(v.references) && v.references.length > 0) {
    value.references = v.references.map((r: Record<string, unknown>) => ({
      name: String(r.name),
      subject: String(r.subject),
      version: Number(r.version),
    }));
  }
  return value;
}
