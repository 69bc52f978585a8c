// The registry's operations, as Confluent's REST API defines them. Reads answer from the state the
// follower built; writes go through one queue (a single writer in this process: two registrations
// of one subject never race for a version number or an id), are appended to `_schemas` and answered
// once the follower has applied them. Several registries on one cluster would need a leader
// election (Confluent's), which is left for the multi-node work.

import {
  COMPATIBILITY_LEVELS,
  type CompatibilityLevel,
  compatibilityProblems,
  DEFAULT_COMPATIBILITY,
  parseCompatibility,
} from './compatibility.js';
import * as E from './errors.js';
import {
  identityOf,
  type ParsedSchema,
  parseSchema,
  parseSchemaType,
  type ResolvedReference,
} from './formats/index.js';
import {
  configKey,
  deleteSubjectKey,
  encodeKey,
  encodeValue,
  modeKey,
  type RegistryKey,
  type SchemaReference,
  type SchemaType,
  type SchemaVersionValue,
  schemaKey,
} from './records.js';
import type { RegistryState, StoredSchema } from './registry-state.js';

export const MODES = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'] as const;
export type Mode = (typeof MODES)[number];

/** Where writes go: the `_schemas` topic (a FollowedTopic, start-registry.ts) in the running platform. */
export interface RecordLog {
  append(key: Buffer, value: Buffer | undefined): Promise<bigint>;
  waitFor(offset: bigint): Promise<void>;
}

export interface SchemaInput {
  schema?: unknown;
  schemaType?: unknown;
  references?: unknown;
  id?: unknown;
  version?: unknown;
}

export interface RegistryLimits {
  maxSchemaBytes: number;
}

export interface RegistryEvents {
  registered(): void;
}

const MAX_VERSION = 2 ** 31 - 1;

export class SchemaRegistry {
  #queue: Promise<unknown> = Promise.resolve();
  /** Parsed schemas by id: a stored schema never changes, so parsing once is enough. */
  readonly #parsed = new Map<number, ParsedSchema>();

  constructor(
    readonly state: RegistryState,
    private readonly log: RecordLog,
    private readonly limits: RegistryLimits,
    private readonly events: RegistryEvents = { registered() {} },
  ) {}

  // ---- reading

  subjects(includeDeleted: boolean): string[] {
    return [...this.state.subjects.keys()]
      .filter((s) => this.state.versionsOf(s, includeDeleted).length > 0)
      .sort();
  }

  versions(subject: string, includeDeleted: boolean): number[] {
    const versions = this.state.versionsOf(subject, includeDeleted);
    if (versions.length === 0) throw E.subjectNotFound(subject);
    return versions.map((v) => v.version);
  }

  /** `version` is a number, "latest" or -1. */
  version(subject: string, version: string, includeDeleted = false): SchemaVersionValue {
    const all = this.state.versionsOf(subject, true);
    if (all.length === 0) throw E.subjectNotFound(subject);
    const wanted = parseVersion(version);
    if (wanted === 'latest') {
      const live = this.state.versionsOf(subject, includeDeleted);
      const latest = live.at(-1);
      if (latest === undefined) throw E.versionNotFound(version);
      return latest;
    }
    const found = all.find((v) => v.version === wanted);
    if (found === undefined || (found.deleted && !includeDeleted)) throw E.versionNotFound(wanted);
    return found;
  }

  schemaById(id: number): StoredSchema {
    const found = this.state.schemaById(id);
    if (found === undefined) throw E.schemaNotFound(id);
    return found;
  }

  /**
   * The text of schema `id` in the `format` asked: `serialized` gives a Protobuf schema as a base64
   * FileDescriptorProto (what Confluent's Protobuf serdes read); otherwise, as registered.
   */
  schemaText(id: number, format: string | undefined): string {
    const stored = this.schemaById(id);
    if (format !== 'serialized' || stored.schemaType !== 'PROTOBUF') return stored.schema;
    return this.#parsedOf(id).serialized?.() ?? stored.schema;
  }

  subjectVersionsOfId(id: number, includeDeleted = false): Array<{ subject: string; version: number }> {
    this.schemaById(id);
    const out: Array<{ subject: string; version: number }> = [];
    for (const subject of [...this.state.subjects.keys()].sort()) {
      for (const v of this.state.versionsOf(subject, includeDeleted)) {
        if (v.id === id) out.push({ subject, version: v.version });
      }
    }
    return out;
  }

  referencedBy(subject: string, version: string): number[] {
    const target = this.version(subject, version, true);
    const ids = new Set<number>();
    for (const s of this.state.subjects.keys()) {
      for (const v of this.state.versionsOf(s)) {
        if (v.references?.some((r) => r.subject === subject && r.version === target.version)) ids.add(v.id);
      }
    }
    return [...ids].sort((a, b) => a - b);
  }

  compatibilityOf(subject: string | null, defaultToGlobal: boolean): CompatibilityLevel {
    if (subject !== null) {
      const own = this.state.subjectCompatibility.get(subject);
      if (own !== undefined) return own as CompatibilityLevel;
      if (!defaultToGlobal) throw E.subjectConfigNotSet(subject);
    }
    return (this.state.globalCompatibility as CompatibilityLevel | undefined) ?? DEFAULT_COMPATIBILITY;
  }

  modeOf(subject: string | null, defaultToGlobal: boolean): Mode {
    if (subject !== null) {
      const own = this.state.subjectModes.get(subject);
      if (own !== undefined) return own as Mode;
      if (!defaultToGlobal) throw E.subjectModeNotSet(subject);
    }
    return (this.state.globalMode as Mode | undefined) ?? 'READWRITE';
  }

  /** Finds the version of `subject` holding this schema (POST /subjects/{s}). */
  lookup(subject: string, input: SchemaInput, includeDeleted: boolean): SchemaVersionValue {
    const versions = this.state.versionsOf(subject, includeDeleted);
    if (versions.length === 0) throw E.subjectNotFound(subject);
    const candidate = this.#parseInput(input);
    const identity = identityOf(candidate.canonical, candidate.references);
    const match = versions.reverse().find((v) => {
      const parsed = this.#parsedOf(v.id);
      return parsed.type === candidate.type && identityOf(parsed.canonical, parsed.references) === identity;
    });
    if (match === undefined) throw E.schemaNotFound();
    return match;
  }

  /** POST /compatibility/subjects/{s}/versions/{v}: `version` undefined checks against all. */
  checkCompatibility(subject: string, version: string | undefined, input: SchemaInput): string[] {
    const candidate = this.#parseInput(input);
    const level = this.compatibilityOf(subject, true);
    let previous: SchemaVersionValue[];
    if (version === undefined) previous = this.state.versionsOf(subject);
    else if (parseVersion(version) === 'latest') {
      previous = this.state.versionsOf(subject);
      if (this.state.versionsOf(subject, true).length === 0) throw E.subjectNotFound(subject);
    } else previous = [this.version(subject, version)];
    const ordered = previous
      .sort((a, b) => b.version - a.version)
      .map((v) => ({ version: v.version, parsed: this.#parsedOf(v.id) }));
    // A single version named explicitly is checked alone, whatever the level's transitivity.
    const effective =
      version !== undefined && parseVersion(version) !== 'latest' ? nonTransitive(level) : level;
    return compatibilityProblems(effective, candidate, ordered);
  }

  // ---- writing (one at a time)

  register(subject: string, input: SchemaInput): Promise<{ id: number; version: number }> {
    return this.#serial(async () => {
      const mode = this.modeOf(subject, true);
      if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') {
        throw E.operationNotPermitted(`Subject ${subject} is in read-only mode`);
      }
      const importing = mode === 'IMPORT';
      if (!importing && input.id !== undefined && input.id !== null) {
        throw E.operationNotPermitted('Overriding the schema id is only permitted in IMPORT mode');
      }
      const candidate = this.#parseInput(input);
      const identity = identityOf(candidate.canonical, candidate.references);
      const all = this.state.versionsOf(subject, true);
      const live = all.filter((v) => !v.deleted);
      const same = (id: number) => {
        const p = this.#parsedOf(id);
        return p.type === candidate.type && identityOf(p.canonical, p.references) === identity;
      };
      const existing = live.find((v) => same(v.id));
      if (existing !== undefined) return { id: existing.id, version: existing.version };

      if (!importing) {
        const level = this.compatibilityOf(subject, true);
        const previous = [...live]
          .reverse()
          .map((v) => ({ version: v.version, parsed: this.#parsedOf(v.id) }));
        const problems = compatibilityProblems(level, candidate, previous);
        if (problems.length > 0) throw E.incompatibleSchema(problems);
      }

      let id = [...this.state.schemas().values()].find(
        (s) => s.schemaType === candidate.type && same(s.id),
      )?.id;
      if (importing && input.id !== undefined && input.id !== null) {
        const wanted = Number(input.id);
        if (!Number.isInteger(wanted) || wanted < 1) throw E.badRequest(`Invalid id ${String(input.id)}`);
        const taken = this.state.schemaById(wanted);
        if (taken !== undefined && !same(wanted)) {
          throw new E.SchemaRegistryError(42207, `Schema id ${wanted} is already used by another schema`);
        }
        id = wanted;
      }
      id ??= this.state.maxId + 1;
      let version = (all.at(-1)?.version ?? 0) + 1;
      if (importing && input.version !== undefined && input.version !== null) {
        const wanted = Number(input.version);
        if (!Number.isInteger(wanted) || wanted < 1 || wanted > MAX_VERSION)
          throw E.invalidVersion(String(input.version));
        version = wanted;
      }
      const value: SchemaVersionValue = {
        subject,
        version,
        id,
        ...(candidate.type === 'AVRO' ? {} : { schemaType: candidate.type }),
        ...(candidate.references.length > 0 ? { references: [...candidate.references] } : {}),
        schema: candidate.text,
        deleted: false,
      };
      await this.#write(schemaKey(subject, version), value);
      this.#parsed.set(id, candidate);
      this.events.registered();
      return { id, version };
    });
  }

  deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.#serial(async () => {
      this.#writable(subject);
      const all = this.state.versionsOf(subject, true);
      if (all.length === 0) throw E.subjectNotFound(subject);
      const live = all.filter((v) => !v.deleted);
      if (permanent) {
        if (live.length > 0) throw E.subjectNotSoftDeleted(subject);
        this.#refusedIfReferenced(subject, all);
        for (const v of all) await this.#write(schemaKey(subject, v.version), null);
        await this.#write(deleteSubjectKey(subject), null);
        return all.map((v) => v.version);
      }
      if (live.length === 0) throw E.subjectSoftDeleted(subject);
      this.#refusedIfReferenced(subject, live);
      await this.#write(deleteSubjectKey(subject), { subject, version: live.at(-1)!.version });
      return live.map((v) => v.version);
    });
  }

  deleteVersion(subject: string, version: string, permanent: boolean): Promise<number> {
    return this.#serial(async () => {
      this.#writable(subject);
      const all = this.state.versionsOf(subject, true);
      if (all.length === 0) throw E.subjectNotFound(subject);
      const wanted = parseVersion(version);
      const entry =
        wanted === 'latest'
          ? (permanent ? all : all.filter((v) => !v.deleted)).at(-1)
          : all.find((v) => v.version === wanted);
      if (entry === undefined) throw E.versionNotFound(version);
      this.#refusedIfReferenced(subject, [entry]);
      if (permanent) {
        if (!entry.deleted) throw E.versionNotSoftDeleted(subject, entry.version);
        await this.#write(schemaKey(subject, entry.version), null);
      } else {
        if (entry.deleted) throw E.versionSoftDeleted(subject, entry.version);
        await this.#write(schemaKey(subject, entry.version), { ...entry, deleted: true });
      }
      return entry.version;
    });
  }

  setCompatibility(subject: string | null, given: unknown): Promise<CompatibilityLevel> {
    const level = parseCompatibility(given);
    return this.#serial(async () => {
      await this.#write(configKey(subject), { compatibilityLevel: level });
      return level;
    });
  }

  /** Removes a subject's level (or resets the global one); answers what it was. */
  deleteCompatibility(subject: string | null): Promise<CompatibilityLevel> {
    return this.#serial(async () => {
      if (subject !== null && this.state.versionsOf(subject, true).length === 0) {
        if (!this.state.subjectCompatibility.has(subject)) throw E.subjectNotFound(subject);
      }
      const before = this.compatibilityOf(subject, true);
      await this.#write(configKey(subject), null);
      return before;
    });
  }

  setMode(subject: string | null, given: unknown, force: boolean): Promise<Mode> {
    const mode = typeof given === 'string' ? given.toUpperCase() : '';
    if (!(MODES as readonly string[]).includes(mode)) throw E.invalidMode(given);
    return this.#serial(async () => {
      if (mode === 'IMPORT' && !force) {
        const holding =
          subject === null ? this.subjects(false).length > 0 : this.state.versionsOf(subject).length > 0;
        if (holding) {
          throw E.operationNotPermitted(
            'Cannot import since found existing subjects; set force=true to switch to IMPORT mode anyway',
          );
        }
      }
      await this.#write(modeKey(subject), { mode });
      return mode as Mode;
    });
  }

  deleteMode(subject: string): Promise<Mode> {
    return this.#serial(async () => {
      const before = this.modeOf(subject, true);
      await this.#write(modeKey(subject), null);
      return before;
    });
  }

  // ---- inside

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work, work);
    this.#queue = run.catch(() => {});
    return run;
  }

  #writable(subject: string): void {
    const mode = this.modeOf(subject, true);
    if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') {
      throw E.operationNotPermitted(`Subject ${subject} is in read-only mode`);
    }
  }

  /** Confluent refuses to delete a version another schema references (42206). */
  #refusedIfReferenced(subject: string, versions: readonly SchemaVersionValue[]): void {
    for (const v of versions) {
      const users = this.referencedBy(subject, String(v.version));
      if (users.length > 0) {
        throw new E.SchemaRegistryError(
          42206,
          `One or more references exist to the schema {subject=${subject},version=${v.version}}: ids ${users.join(', ')}`,
        );
      }
    }
  }

  async #write(key: RegistryKey, value: object | null): Promise<void> {
    let offset: bigint;
    try {
      offset = await this.log.append(encodeKey(key), encodeValue(value));
    } catch (error) {
      throw E.storeError(`Error while writing to the _schemas topic: ${(error as Error).message}`, error);
    }
    await this.log.waitFor(offset);
  }

  #parsedOf(id: number): ParsedSchema {
    const cached = this.#parsed.get(id);
    if (cached !== undefined) return cached;
    const stored = this.schemaById(id);
    const parsed = parseSchema(
      stored.schemaType,
      stored.schema,
      stored.references,
      this.#resolve(stored.references, new Set()),
    );
    this.#parsed.set(id, parsed);
    return parsed;
  }

  #parseInput(input: SchemaInput): ParsedSchema {
    if (typeof input !== 'object' || input === null)
      throw E.badRequest('The request body must be a JSON object');
    if (typeof input.schema !== 'string' || input.schema.trim() === '') {
      throw E.invalidSchema('Invalid schema: the request has no "schema" string');
    }
    const bytes = Buffer.byteLength(input.schema);
    if (bytes > this.limits.maxSchemaBytes) throw E.schemaTooLarge(bytes, this.limits.maxSchemaBytes);
    const type: SchemaType = parseSchemaType(input.schemaType);
    const references = parseReferences(input.references);
    return parseSchema(type, input.schema, references, this.#resolve(references, new Set()));
  }

  #resolve(references: readonly SchemaReference[], seen: Set<string>): ResolvedReference[] {
    return references.map((ref) => {
      const key = `${ref.subject}\0${ref.version}`;
      if (seen.has(key))
        throw E.invalidSchema(`Invalid schema: circular reference to ${ref.subject} version ${ref.version}`);
      const target = this.state.versionsOf(ref.subject, true).find((v) => v.version === ref.version);
      if (target === undefined) {
        throw E.invalidSchema(
          `Invalid schema: reference '${ref.name}' names subject '${ref.subject}' version ${ref.version}, which does not exist`,
        );
      }
      const inner = new Set(seen).add(key);
      return {
        name: ref.name,
        schema: target.schema,
        references: this.#resolve(target.references ?? [], inner),
      };
    });
  }
}

function nonTransitive(level: CompatibilityLevel): CompatibilityLevel {
  return level.replace('_TRANSITIVE', '') as CompatibilityLevel;
}

/** "latest", "-1" or 1..2^31-1; anything else is 42202. */
export function parseVersion(given: string): number | 'latest' {
  if (given === 'latest' || given === '-1') return 'latest';
  if (!/^\d{1,10}$/.test(given)) throw E.invalidVersion(given);
  const n = Number(given);
  if (n < 1 || n > MAX_VERSION) throw E.invalidVersion(given);
  return n;
}

function parseReferences(given: unknown): SchemaReference[] {
  if (given === undefined || given === null) return [];
  if (!Array.isArray(given)) throw E.invalidSchema('Invalid schema: "references" must be an array');
  return given.map((r, i) => {
    const ok =
      typeof r === 'object' &&
      r !== null &&
      typeof r.name === 'string' &&
      typeof r.subject === 'string' &&
      Number.isInteger(r.version);
    if (!ok)
      throw E.invalidSchema(`Invalid schema: reference ${i} needs a name, a subject and an integer version`);
    return { name: r.name, subject: r.subject, version: r.version };
  });
}

export { COMPATIBILITY_LEVELS };
