// The registry as the gateway sees it: it follows the registry's events topic (no polling of the
// Eureka API), keeps the latest state of every instance, and picks UP instances of a service in
// turn. Each event carries the whole instance, so the latest event of a key is its state; a
// DELETED event or a tombstone removes it.

import type { Logger } from 'pino';
import { PartitionReader } from '../client/index.js';
import { decodeEvent, type InstanceInfo } from '../registry/index.js';

const CLIENT_ID = 'sluice-gateway';
const POLL_WAIT_MS = 500;
const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 5_000;

export interface FollowerOptions {
  bootstrap: string[];
  topic: string;
  logger: Logger;
}

export class RegistryFollower {
  readonly #options: FollowerOptions;
  /** APP → instanceId → instance. */
  readonly #apps = new Map<string, Map<string, InstanceInfo>>();
  readonly #turns = new Map<string, number>();
  readonly #caughtUp = Promise.withResolvers<void>();
  #closed = false;
  readonly #running: Promise<void>;

  constructor(options: FollowerOptions) {
    this.#options = options;
    this.#running = this.#follow();
  }

  /** Resolves once what the topic held at start has been read. */
  get caughtUp(): Promise<void> {
    return this.#caughtUp.promise;
  }

  /** Registered services (upper case, as Eureka names them). */
  services(): string[] {
    return [...this.#apps.keys()];
  }

  has(service: string): boolean {
    return this.#apps.has(service.toUpperCase());
  }

  /** The UP instances of a service, in a stable order. */
  up(service: string): InstanceInfo[] {
    const instances = this.#apps.get(service.toUpperCase());
    if (!instances) return [];
    return [...instances.values()]
      .filter((i) => i.status === 'UP')
      .sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
  }

  /** The next UP instance's base URL in round-robin order, or undefined when none is up. */
  pick(service: string): string | undefined {
    const up = this.up(service);
    if (up.length === 0) return undefined;
    const key = service.toUpperCase();
    const turn = this.#turns.get(key) ?? 0;
    this.#turns.set(key, turn + 1);
    return baseUrl(up[turn % up.length] as InstanceInfo);
  }

  /**
   * As pick, skipping the instances `skip` says no to (those that failed this request, those
   * ejected as outliers); undefined when every UP instance is skipped.
   */
  pickExcept(service: string, skip: (url: string) => boolean): string | undefined {
    const up = this.up(service).map(baseUrl);
    const key = service.toUpperCase();
    const turn = this.#turns.get(key) ?? 0;
    for (let i = 0; i < up.length; i++) {
      const url = up[(turn + i) % up.length] as string;
      if (skip(url)) continue;
      this.#turns.set(key, turn + i + 1);
      return url;
    }
    return undefined;
  }

  /** The base URLs of a service's UP instances. */
  upUrls(service: string): string[] {
    return this.up(service).map(baseUrl);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#running;
  }

  async #follow(): Promise<void> {
    let backoff = RETRY_MIN_MS;
    while (!this.#closed) {
      try {
        const reader = await PartitionReader.open({
          bootstrap: this.#options.bootstrap,
          topic: this.#options.topic,
          partitions: [0],
          start: 'earliest',
          clientId: CLIENT_ID,
        });
        this.#apps.clear();
        try {
          const end = (await reader.endOffsets()).get(0) ?? 0n;
          if (end === 0n) this.#caughtUp.resolve();
          while (!this.#closed) {
            for (const r of await reader.poll(POLL_WAIT_MS)) this.#apply(r.key, r.value);
            if ((reader.positions.get(0) ?? 0n) >= end) this.#caughtUp.resolve();
            backoff = RETRY_MIN_MS;
          }
        } finally {
          await reader.close().catch(() => {});
        }
      } catch (error) {
        if (this.#closed) return;
        // A registry that has not started yet has no topic: nothing is registered, so far.
        this.#caughtUp.resolve();
        this.#options.logger.debug({ err: error }, 'cannot read the registry events topic yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff = Math.min(backoff * 2, RETRY_MAX_MS);
      }
    }
  }

  #apply(key: Buffer | null, value: Buffer | null): void {
    if (value === null) {
      const text = key?.toString('utf8') ?? '';
      const slash = text.indexOf('/');
      if (slash > 0) this.#remove(text.slice(0, slash), text.slice(slash + 1));
      return;
    }
    const event = decodeEvent(value, Date.now());
    if (event === undefined) return;
    if (event.action === 'DELETED' || event.restored === undefined) {
      this.#remove(event.app, event.instanceId);
      return;
    }
    const instances = this.#apps.get(event.app) ?? new Map<string, InstanceInfo>();
    instances.set(event.instanceId, event.restored.instance);
    this.#apps.set(event.app, instances);
  }

  #remove(app: string, instanceId: string): void {
    const instances = this.#apps.get(app);
    if (!instances) return;
    instances.delete(instanceId);
    if (instances.size === 0) this.#apps.delete(app);
  }
}

/** http://host:port, or https on the secure port when only that one is enabled. */
export function baseUrl(instance: InstanceInfo): string {
  const host = instance.hostName || instance.ipAddr;
  const shown = host.includes(':') ? `[${host}]` : host;
  if (!instance.port.enabled && instance.securePort.enabled)
    return `https://${shown}:${instance.securePort.port}`;
  return `http://${shown}:${instance.port.port}`;
}
