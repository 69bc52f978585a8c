// Schemas named by id, compiled on first use and kept: a registered id never changes its schema,
// so a hit needs no lookup. Bounded (least recently used goes first), so a stream of messages
// naming ever new ids cannot grow the heap without limit. Lookups under way are shared.

import { isSluiceError } from '../../errors/index.js';
import { type CompiledSchema, compileRegistered } from './compile-schema.js';
import type { SchemaResolver } from './resolver.js';
import type { SchemaRef } from './wire-format.js';

export type Resolved =
  | { readonly ok: true; readonly schema: CompiledSchema }
  | { readonly ok: false; readonly reason: string; readonly retriable: boolean };

export class SchemaValidators {
  readonly #resolver: SchemaResolver | undefined;
  readonly #capacity: number;
  readonly #cache = new Map<string, Promise<Resolved>>();

  constructor(resolver: SchemaResolver | undefined, capacity = 1000) {
    this.#resolver = resolver;
    this.#capacity = capacity;
  }

  /** The compiled schema a message names. */
  byRef(ref: SchemaRef): Promise<Resolved> {
    const key = 'id' in ref ? `id:${ref.id}` : `guid:${ref.guid}`;
    const cached = this.#cache.get(key);
    if (cached !== undefined) {
      this.#cache.delete(key);
      this.#cache.set(key, cached);
      return cached;
    }
    const pending = this.#resolve(ref);
    this.#cache.set(key, pending);
    // A failed lookup is not kept: the next message asks again (the registry may be back, the id registered).
    void pending.then((r) => {
      if (!r.ok && this.#cache.get(key) === pending) this.#cache.delete(key);
    });
    if (this.#cache.size > this.#capacity) this.#cache.delete(this.#cache.keys().next().value as string);
    return pending;
  }

  async #resolve(ref: SchemaRef): Promise<Resolved> {
    const what = 'id' in ref ? `schema id ${ref.id}` : `schema GUID ${ref.guid}`;
    const resolver = this.#resolver;
    if (resolver === undefined)
      return { ok: false, reason: `${what}: no schema registry is configured`, retriable: false };
    let registered: Awaited<ReturnType<SchemaResolver['byId']>>;
    try {
      if ('id' in ref) registered = await resolver.byId(ref.id);
      else if (resolver.byGuid === undefined) {
        return { ok: false, reason: `${what}: the schema registry does not look up GUIDs`, retriable: false };
      } else registered = await resolver.byGuid(ref.guid);
    } catch (err) {
      const notFound = isSluiceError(err, 'NOT_FOUND');
      const message = err instanceof Error ? err.message : String(err);
      return {
        ok: false,
        reason: notFound ? `unknown ${what}` : `${what}: the schema registry failed: ${message}`,
        retriable: !notFound,
      };
    }
    try {
      return {
        ok: true,
        schema: compileRegistered(registered.schemaType, registered.schema, registered.references),
      };
    } catch (err) {
      const reason = `${what} (${registered.schemaType}) does not compile: ${(err as Error).message}`;
      return { ok: false, reason, retriable: false };
    }
  }
}
