// A small Eureka client for Node services (exported as `sluice/discovery`): registers the service,
// renews its lease every 30 s (registering again when the server answers 404), keeps a copy of the
// registry fresh with deltas (a full fetch when the hash code does not match), picks instances
// round-robin among those UP, and deregisters on close or when the process is stopped by a signal.
// It speaks Eureka's REST API only, so it works against Spring's Eureka server as well.

import { hostname, networkInterfaces } from 'node:os';
import { type DiscoveredInstance, LocalRegistry, parseApplications } from './local-registry.js';

export interface DiscoveryOptions {
  /** The registry's Eureka URL, e.g. http://127.0.0.1:8080/eureka (Spring's defaultZone). */
  url: string;
  /** This service's application name; without it the client only discovers. */
  app?: string;
  /** The port this service listens on (default 8080). */
  port?: number;
  /** Default: the machine's host name. */
  hostName?: string;
  /** Default: the first non-internal IPv4 address, else 127.0.0.1. */
  ipAddr?: string;
  /** Default: HOSTNAME:app:PORT, as Spring Cloud names instances. */
  instanceId?: string;
  /** Default: the application name in lower case. */
  vipAddress?: string;
  metadata?: Record<string, string>;
  /** How often the lease is renewed (default 30 s) and the lease length asked for (default 90 s). */
  renewIntervalMs?: number;
  leaseDurationMs?: number;
  /** How often the registry copy is refreshed by a delta (default 30 s); 0: never fetch. */
  fetchIntervalMs?: number;
  /** Deregister when the process gets SIGINT or SIGTERM (default true). */
  deregisterOnExit?: boolean;
}

export type { DiscoveredInstance };

export interface DiscoveryStats {
  registrations: number;
  renewals: number;
  fullFetches: number;
  deltaFetches: number;
  /** Deltas after which the hash code differed, so a full fetch followed. */
  hashMismatches: number;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const CLOSE_ON_SIGNAL_MS = 3_000;

function firstIpv4(): string {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

export class DiscoveryClient {
  readonly #options: DiscoveryOptions;
  readonly #base: string;
  readonly #local = new LocalRegistry();
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #stats: DiscoveryStats = {
    registrations: 0,
    renewals: 0,
    fullFetches: 0,
    deltaFetches: 0,
    hashMismatches: 0,
  };
  #instance: Record<string, unknown> | undefined;
  #closed = false;
  #onSignal: ((signal: NodeJS.Signals) => void) | undefined;
  /** The last error of a background renewal or fetch (they are retried at the next interval). */
  lastError: unknown;

  private constructor(options: DiscoveryOptions) {
    this.#options = options;
    this.#base = options.url.replace(/\/+$/, '');
  }

  /** Registers (when `app` is given), fetches the registry, and starts renewing and refreshing. */
  static async start(options: DiscoveryOptions): Promise<DiscoveryClient> {
    const client = new DiscoveryClient(options);
    await client.#begin();
    return client;
  }

  get stats(): Readonly<DiscoveryStats> {
    return { ...this.#stats };
  }

  /** This instance's id (undefined for a client that only discovers). */
  get instanceId(): string | undefined {
    return this.#instance?.instanceId as string | undefined;
  }

  /** Every instance of `app` the copy holds, whatever its status. */
  instances(app: string): DiscoveredInstance[] {
    return this.#local.instances(app);
  }

  /** The next instance of `app` that is UP, round-robin; undefined when none is. */
  pick(app: string): DiscoveredInstance | undefined {
    return this.#local.pick(app);
  }

  /** Refreshes the copy now: a delta, or the full registry when the hash code does not match. */
  async refresh(): Promise<void> {
    if (this.#local.applications().length === 0) return this.#fetchFull();
    const delta = parseApplications(await this.#call('GET', '/apps/delta'));
    this.#stats.deltaFetches++;
    if (!this.#local.applyDelta(delta)) {
      this.#stats.hashMismatches++;
      await this.#fetchFull();
    }
  }

  /** Renews the lease now; registers again when the registry does not know this instance. */
  async renew(): Promise<void> {
    const i = this.#instance;
    if (!i) return;
    const path = `/apps/${i.app}/${encodeURIComponent(String(i.instanceId))}?status=UP&lastDirtyTimestamp=${i.lastDirtyTimestamp}`;
    const response = await this.#request('PUT', path);
    if (response.status === 404) return this.#register();
    if (!response.ok) throw new Error(`renewal answered ${response.status}: ${await response.text()}`);
    this.#stats.renewals++;
  }

  /** Stops renewing and refreshing and deregisters. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers.splice(0)) clearInterval(t);
    if (this.#onSignal) for (const s of SIGNALS) process.off(s, this.#onSignal);
    const i = this.#instance;
    if (i) {
      const response = await this.#request(
        'DELETE',
        `/apps/${i.app}/${encodeURIComponent(String(i.instanceId))}`,
      );
      if (!response.ok && response.status !== 404)
        throw new Error(`deregistration answered ${response.status}`);
    }
  }

  async #begin(): Promise<void> {
    const o = this.#options;
    if (o.app !== undefined) {
      const hostName = o.hostName ?? hostname();
      const port = o.port ?? 8080;
      const app = o.app.toUpperCase();
      const now = Date.now();
      this.#instance = {
        instanceId: o.instanceId ?? `${hostName}:${o.app.toLowerCase()}:${port}`,
        hostName,
        app,
        ipAddr: o.ipAddr ?? firstIpv4(),
        status: 'UP',
        overriddenStatus: 'UNKNOWN',
        port: { $: port, '@enabled': 'true' },
        securePort: { $: 443, '@enabled': 'false' },
        countryId: 1,
        dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
        leaseInfo: {
          renewalIntervalInSecs: Math.max(1, Math.round((o.renewIntervalMs ?? 30_000) / 1000)),
          durationInSecs: Math.max(1, Math.round((o.leaseDurationMs ?? 90_000) / 1000)),
        },
        metadata: { ...o.metadata },
        homePageUrl: `http://${hostName}:${port}/`,
        vipAddress: o.vipAddress ?? o.app.toLowerCase(),
        isCoordinatingDiscoveryServer: 'false',
        lastUpdatedTimestamp: String(now),
        lastDirtyTimestamp: String(now),
      };
      await this.#register();
      this.#every(o.renewIntervalMs ?? 30_000, () => this.renew());
      if (o.deregisterOnExit ?? true) this.#deregisterOnSignal();
    }
    const fetchMs = o.fetchIntervalMs ?? 30_000;
    if (fetchMs > 0) {
      await this.#fetchFull();
      this.#every(fetchMs, () => this.refresh());
    }
  }

  async #register(): Promise<void> {
    const i = this.#instance!;
    const response = await this.#request('POST', `/apps/${i.app}`, JSON.stringify({ instance: i }));
    if (response.status !== 204 && !response.ok)
      throw new Error(`registration answered ${response.status}: ${await response.text()}`);
    this.#stats.registrations++;
  }

  async #fetchFull(): Promise<void> {
    this.#local.replace(parseApplications(await this.#call('GET', '/apps/')));
    this.#stats.fullFetches++;
  }

  #every(ms: number, task: () => Promise<void>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running || this.#closed) return;
      running = true;
      task()
        .then(() => {
          this.lastError = undefined;
        })
        .catch((error: unknown) => {
          this.lastError = error;
        })
        .finally(() => {
          running = false;
        });
    }, ms);
    // The service's own server keeps the process alive; the client's timers must not.
    timer.unref();
    this.#timers.push(timer);
  }

  /** Deregisters on SIGINT/SIGTERM, then lets the signal do what it would have done. */
  #deregisterOnSignal(): void {
    const handler = (signal: NodeJS.Signals) => {
      for (const s of SIGNALS) process.off(s, handler);
      const timeout = new Promise((resolve) => setTimeout(resolve, CLOSE_ON_SIGNAL_MS).unref());
      void Promise.race([this.close().catch(() => {}), timeout]).then(() => {
        // Others listening decide what the signal means; alone, the default is to end the process.
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    };
    this.#onSignal = handler;
    for (const s of SIGNALS) process.on(s, handler);
  }

  async #call(method: string, path: string): Promise<unknown> {
    const response = await this.#request(method, path);
    if (!response.ok)
      throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    return response.json();
  }

  #request(method: string, path: string, body?: string): Promise<Response> {
    return fetch(`${this.#base}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body }),
    });
  }
}
