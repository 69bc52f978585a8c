// A SchemaResolver over Confluent Schema Registry's REST API: Sluice's own registry (the platform's
// HTTP server, inside `sluice start`) or Confluent's. A 404 is NOT_FOUND (the message goes to the
// dead-letter topic); anything else is a registry that did not answer, retried by the policy.
// Schemas by id are cached by the core's SchemaValidators (an id never changes its schema).

import { SluiceError } from '../../errors/index.js';
import type { ReferencedSchema, RegisteredSchema, SchemaResolver, SchemaType } from '../schemas/resolver.js';

const TYPES: readonly string[] = ['JSON', 'AVRO', 'PROTOBUF'];
const REQUEST_TIMEOUT_MS = 5_000;
/** References nested deeper than this are taken for a cycle. */
const MAX_REFERENCE_DEPTH = 32;

interface ReferenceAnswer {
  name?: unknown;
  subject?: unknown;
  version?: unknown;
}

interface RegistryAnswer {
  id?: number;
  schema?: string;
  schemaType?: string;
  references?: ReferenceAnswer[];
}

export class HttpSchemaResolver implements SchemaResolver {
  /** The registry's base URL, asked on every lookup: inside `sluice start` it is known once listening. */
  readonly #base: () => string;

  constructor(base: string | (() => string)) {
    this.#base = typeof base === 'string' ? () => base : base;
  }

  async #get(path: string, what: string): Promise<RegistryAnswer> {
    const base = this.#base().replace(/\/+$/, '');
    if (base === '') throw new SluiceError('UNAVAILABLE', 'the schema registry is not serving yet');
    const response = await fetch(`${base}${path}`, {
      headers: { accept: 'application/vnd.schemaregistry.v1+json, application/json' },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => ({}))) as RegistryAnswer & { message?: string };
    if (response.status === 404) throw new SluiceError('NOT_FOUND', `${what}: not found`);
    if (!response.ok) {
      throw new SluiceError(
        'UNAVAILABLE',
        `${what}: the registry answered ${response.status} ${body.message ?? ''}`,
      );
    }
    return body;
  }

  async #registered(answer: RegistryAnswer, id: number | undefined, what: string): Promise<RegisteredSchema> {
    const schemaType = (answer.schemaType ?? 'AVRO') as SchemaType;
    const schemaId = answer.id ?? id;
    if (typeof answer.schema !== 'string' || schemaId === undefined || !TYPES.includes(schemaType))
      throw new SluiceError('UNAVAILABLE', `${what}: the registry's answer is not a schema`);
    const references = await this.#references(answer.references, what, 0);
    return {
      id: schemaId,
      schemaType,
      schema: answer.schema,
      ...(references.length > 0 ? { references } : {}),
    };
  }

  /** Fetches what a schema references, by subject and version, and what those reference in turn. */
  async #references(
    given: ReferenceAnswer[] | undefined,
    what: string,
    depth: number,
  ): Promise<ReferencedSchema[]> {
    if (!Array.isArray(given) || given.length === 0) return [];
    if (depth >= MAX_REFERENCE_DEPTH)
      throw new SluiceError('UNAVAILABLE', `${what}: references nest deeper than ${MAX_REFERENCE_DEPTH}`);
    const out: ReferencedSchema[] = [];
    for (const ref of given) {
      if (typeof ref.name !== 'string' || typeof ref.subject !== 'string' || typeof ref.version !== 'number')
        throw new SluiceError('UNAVAILABLE', `${what}: the registry's answer has a malformed reference`);
      const refWhat = `${what}: reference '${ref.name}' (subject '${ref.subject}' version ${ref.version})`;
      const path = `/subjects/${encodeURIComponent(ref.subject)}/versions/${ref.version}?deleted=true`;
      const answer = await this.#get(path, refWhat);
      if (typeof answer.schema !== 'string')
        throw new SluiceError('UNAVAILABLE', `${refWhat}: the registry's answer is not a schema`);
      out.push({
        name: ref.name,
        schema: answer.schema,
        references: await this.#references(answer.references, refWhat, depth + 1),
      });
    }
    return out;
  }

  async bySubject(subject: string, version: number | 'latest'): Promise<RegisteredSchema> {
    const what = `subject '${subject}' version ${version}`;
    const path = `/subjects/${encodeURIComponent(subject)}/versions/${version}`;
    return this.#registered(await this.#get(path, what), undefined, what);
  }

  async byId(id: number): Promise<RegisteredSchema> {
    const what = `schema id ${id}`;
    return this.#registered(await this.#get(`/schemas/ids/${id}`, what), id, what);
  }

  async byGuid(guid: string): Promise<RegisteredSchema> {
    const what = `schema GUID ${guid}`;
    return this.#registered(
      await this.#get(`/schemas/guids/${encodeURIComponent(guid)}`, what),
      undefined,
      what,
    );
  }
}
