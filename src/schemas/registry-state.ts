// The registry as the `_schemas` topic says it is: every record read is applied here, in offset
// order, and nothing else changes it. Requests read it; writes go to the topic and are answered
// once the follower has applied them, so a restart (or another reader) rebuilds the same state.

import type { RegistryRecord, SchemaReference, SchemaType, SchemaVersionValue } from './records.js';

export interface StoredSchema {
  id: number;
  schemaType: SchemaType;
  schema: string;
  references: SchemaReference[];
}

export class RegistryState {
  /** Versions by subject, then version number (soft-deleted ones included, flagged). */
  readonly subjects = new Map<string, Map<number, SchemaVersionValue>>();
  /** The highest id ever seen, tombstoned ones included, so an id is never handed out twice. */
  maxId = 0;
  globalCompatibility: string | undefined;
  readonly subjectCompatibility = new Map<string, string>();
  globalMode: string | undefined;
  readonly subjectModes = new Map<string, string>();

  apply(record: RegistryRecord): void {
    switch (record.key.keytype) {
      case 'SCHEMA': {
        const { subject, version } = record.key;
        const value = record.value as SchemaVersionValue | null;
        let versions = this.subjects.get(subject);
        if (value === null) {
          versions?.delete(version);
          if (versions?.size === 0) this.subjects.delete(subject);
          return;
        }
        if (versions === undefined) {
          versions = new Map();
          this.subjects.set(subject, versions);
        }
        versions.set(version, value);
        this.maxId = Math.max(this.maxId, value.id);
        return;
      }
      case 'DELETE_SUBJECT': {
        const value = record.value as { version: number } | null;
        if (value === null) return;
        for (const [v, entry] of this.subjects.get(record.key.subject) ?? []) {
          if (v <= value.version) entry.deleted = true;
        }
        return;
      }
      case 'CONFIG': {
        const value = record.value as { compatibilityLevel: string } | null;
        const { subject } = record.key;
        if (subject === null) this.globalCompatibility = value?.compatibilityLevel;
        else if (value === null) this.subjectCompatibility.delete(subject);
        else this.subjectCompatibility.set(subject, value.compatibilityLevel);
        return;
      }
      case 'MODE': {
        const value = record.value as { mode: string } | null;
        const { subject } = record.key;
        if (subject === null) this.globalMode = value?.mode;
        else if (value === null) this.subjectModes.delete(subject);
        else this.subjectModes.set(subject, value.mode);
        return;
      }
      default:
        return;
    }
  }

  /** A subject's versions in order; soft-deleted ones only when asked. */
  versionsOf(subject: string, includeDeleted = false): SchemaVersionValue[] {
    const versions = [...(this.subjects.get(subject)?.values() ?? [])].filter(
      (v) => includeDeleted || !v.deleted,
    );
    return versions.sort((a, b) => a.version - b.version);
  }

  /** The schema an id names, from any version that still holds it (soft-deleted ones too). */
  schemaById(id: number): StoredSchema | undefined {
    for (const versions of this.subjects.values()) {
      for (const v of versions.values()) {
        if (v.id === id) {
          return { id, schemaType: v.schemaType ?? 'AVRO', schema: v.schema, references: v.references ?? [] };
        }
      }
    }
    return undefined;
  }

  /** Every stored schema by id (one entry per id). */
  schemas(): Map<number, StoredSchema> {
    const byId = new Map<number, StoredSchema>();
    for (const versions of this.subjects.values()) {
      for (const v of versions.values()) {
        if (!byId.has(v.id)) {
          byId.set(v.id, {
            id: v.id,
            schemaType: v.schemaType ?? 'AVRO',
            schema: v.schema,
            references: v.references ?? [],
          });
        }
      }
    }
    return byId;
  }
}
