// Requests a platform component sends with Sluice's own codec rather than a client library, for
// what the library lacks or gets wrong. Connections are kept per broker address and each one
// negotiates versions with ApiVersions (v0, which every broker answers), as Kafka clients do.

import {
  type ApiDefinition,
  ApiVersions,
  type Partially,
  type RequestOf,
  type ResponseOf,
} from '../../protocol/index.js';
import { ClientError } from '../client-error.js';
import { BrokerConnection } from './broker-connection.js';

export interface ClusterClientOptions {
  bootstrap: string[];
  clientId: string;
  /** Bound on connecting and on each request. Default 10 s. */
  timeoutMs?: number;
}

interface Negotiated {
  connection: BrokerConnection;
  /** The broker's [min, max] version by API key. */
  versions: Map<number, [number, number]>;
}

export function splitAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  const port = Number(address.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port) || port <= 0)
    throw new ClientError(`bad broker address '${address}'`);
  return { host: address.slice(0, colon).replace(/^\[|\]$/g, ''), port };
}

export class ClusterClient {
  readonly #bootstrap: string[];
  readonly #clientId: string;
  readonly #timeoutMs: number;
  readonly #connections = new Map<string, Promise<Negotiated>>();

  constructor(options: ClusterClientOptions) {
    if (options.bootstrap.length === 0) throw new ClientError('no bootstrap broker given');
    this.#bootstrap = options.bootstrap;
    this.#clientId = options.clientId;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Sends to any reachable bootstrap broker. */
  async toAnyBroker<A extends ApiDefinition>(api: A, body: Partially<RequestOf<A>>): Promise<Sent<A>> {
    let last: unknown;
    for (const address of this.#bootstrap) {
      try {
        return await this.send(address, api, body);
      } catch (error) {
        last = error;
      }
    }
    throw last;
  }

  /** Sends in the highest version both sides serve, and says which version that was. */
  async send<A extends ApiDefinition>(
    address: string,
    api: A,
    body: Partially<RequestOf<A>>,
  ): Promise<Sent<A>> {
    const { connection, versions } = await this.#negotiated(address);
    const range = versions.get(api.key);
    const version = range ? Math.min(range[1], api.versions.max) : -1;
    if (!range || version < Math.max(range[0], api.versions.min)) {
      throw new ClientError(`broker ${address} serves no version of ${api.name} that Sluice speaks`);
    }
    return { version, body: await connection.request(api, version, body) };
  }

  #negotiated(address: string): Promise<Negotiated> {
    const known = this.#connections.get(address);
    if (known) {
      return known.then((n) => {
        if (n.connection.usable) return n;
        this.#connections.delete(address);
        return this.#negotiated(address);
      });
    }
    const opening = this.#open(address);
    this.#connections.set(address, opening);
    opening.catch(() => this.#connections.delete(address));
    return opening;
  }

  async #open(address: string): Promise<Negotiated> {
    const { host, port } = splitAddress(address);
    const connection = await BrokerConnection.open(host, port, this.#clientId, this.#timeoutMs);
    try {
      const answer = await connection.request(ApiVersions, 0, {});
      if (answer.errorCode !== 0)
        throw new ClientError(`ApiVersions to ${address} answered error ${answer.errorCode}`);
      const versions = new Map(
        answer.apiKeys.map((k) => [k.apiKey, [k.minVersion, k.maxVersion] as [number, number]]),
      );
      return { connection, versions };
    } catch (error) {
      connection.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    const open = [...this.#connections.values()];
    this.#connections.clear();
    await Promise.all(
      open.map((n) =>
        n.then(
          (c) => c.connection.close(),
          () => {},
        ),
      ),
    );
  }
}

export interface Sent<A extends ApiDefinition> {
  version: number;
  body: ResponseOf<A>;
}
