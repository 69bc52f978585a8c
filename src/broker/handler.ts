import type { RequestHeader } from '../protocol/frames.js';
import type { ApiDefinition, RequestOf, ResponseInput } from '../protocol/index.js';
import type { BrokerCore } from './broker-core.js';
import type { Connection } from './connection.js';

export interface RequestContext {
  readonly broker: BrokerCore;
  readonly connection: Connection;
  readonly header: RequestHeader;
  readonly version: number;
  /**
   * Registers `done` to run once nothing refers to the response's buffers any more: written to
   * the kernel, or dropped before any write. It never runs if a write failed or the request
   * failed, so memory lent to a response is then left to the garbage collector.
   */
  readonly whenSent: (done: () => void) => void;
}

/** Answers one API. Returning null sends no response (Produce with acks=0). */
export interface Handler<A extends ApiDefinition = ApiDefinition> {
  readonly api: A;
  /** The versions this handler serves, when narrower than the definition's. */
  readonly minVersion: number;
  readonly maxVersion: number;
  handle(
    ctx: RequestContext,
    request: RequestOf<A>,
  ): Promise<ResponseInput<A> | null> | ResponseInput<A> | null;
}

export function defineHandler<A extends ApiDefinition>(
  api: A,
  handle: Handler<A>['handle'],
  versions: { min?: number; max?: number } = {},
): Handler<A> {
  return {
    api,
    minVersion: Math.max(api.versions.min, versions.min ?? 0),
    maxVersion: Math.min(api.versions.max, versions.max ?? 0x7fff),
    handle,
  };
}
