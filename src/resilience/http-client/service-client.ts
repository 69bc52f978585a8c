// `sluice/http`: calls a service by its registry name, with the same policies as the gateway. Per
// service, one circuit breaker (resilience4j's) around the whole call; inside it, retries (only
// idempotent methods or calls marked safe, never twice on one instance, budgeted) over instances
// picked round-robin among those UP and not ejected by outlier detection; each attempt under the
// connect and response timeouts. HTTP/1.1 keep-alive pooling by undici.

import { Agent, type Dispatcher } from 'undici';
import { type Clock, systemClock } from '../../clock/index.js';
import type { DiscoveredInstance } from '../../registry/client/index.js';
import { DiscoveryClient } from '../../registry/client/index.js';
import { CircuitBreaker, type CircuitBreakerOptions } from '../breaker/circuit-breaker.js';
import { NoInstanceError } from '../errors.js';
import { type OutlierConfig, OutlierDetector } from '../outlier/outlier-detector.js';
import { RetryBudget, type RetryBudgetConfig } from '../retry/budget.js';
import type { RetryConfig } from '../retry/config.js';
import { classifyError } from '../retry/errors.js';
import { Retrier } from '../retry/retrier.js';
import { type Timeouts, timeouts, withResponseTimeout } from '../timeouts.js';
import { lookUpApp } from './app-lookup.js';

/** What the client needs of discovery: the instances of an application as last fetched. */
export interface InstanceSource {
  instances(app: string): DiscoveredInstance[];
}

export interface ServiceClientOptions {
  /** The registry's Eureka URL (e.g. http://127.0.0.1:8080/eureka): a discovery-only client is started and closed with this one. */
  registry?: string;
  /** Or discovery of your own (e.g. the DiscoveryClient that registered this service); not closed by `close()`. */
  discovery?: InstanceSource;
  /** How often the registry copy is refreshed when `registry` is given (default 30 s, as Eureka's clients). */
  refreshIntervalMs?: number;
  /** resilience4j settings for each service's breaker, and the statuses that count as failures (default 5xx). */
  breaker?: Omit<CircuitBreakerOptions, 'name' | 'clock' | 'recordResult'> & {
    failureStatuses?: readonly number[];
  };
  /** Spring Cloud Gateway's Retry settings and Envoy's budget. */
  retry?: Partial<RetryConfig> & { budget?: Partial<RetryBudgetConfig> };
  timeouts?: Partial<Timeouts>;
  /** Envoy's consecutive-5xx ejection; false turns it off. */
  outlier?: Partial<OutlierConfig> | false;
  clock?: Clock;
  /** [0, 1), for the backoff jitter. */
  random?: () => number;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  /** A body that can be sent again on a retry. */
  body?: string | Uint8Array;
  /** The call may be retried whatever its method (the caller vouches it is idempotent). */
  safe?: boolean;
  signal?: AbortSignal;
}

export interface ServiceResponse {
  readonly status: number;
  readonly headers: Dispatcher.ResponseData['headers'];
  /** undici's body: `await body.text()`, `.json()`, or read it as a stream; read or dump it. */
  readonly body: Dispatcher.ResponseData['body'];
  /** The instance that answered. */
  readonly instance: string;
}

interface Target {
  readonly app: string;
  readonly id: string;
  readonly origin: string;
}

const FIVE_XX = Array.from({ length: 100 }, (_, i) => 500 + i);

export class ServiceClient {
  readonly retrier: Retrier;
  readonly outliers: OutlierDetector | undefined;
  readonly timeouts: Timeouts;
  private readonly agent: Agent;
  private readonly discovery: InstanceSource;
  private readonly owned: DiscoveryClient | undefined;
  private readonly breakers = new Map<string, CircuitBreaker>();
  /** One retry budget per service, as Envoy keeps one per cluster. */
  private readonly budgets = new Map<string, RetryBudget>();
  private readonly cursors = new Map<string, number>();
  private readonly breakerListeners: ((breaker: CircuitBreaker) => void)[] = [];
  private readonly options: ServiceClientOptions;
  private readonly clock: Clock;
  /** Apps read directly (see app-lookup.ts) while discovery's copy had none of them. */
  private readonly looked = new Map<string, { at: number; instances: Promise<DiscoveredInstance[]> }>();
  private readonly lookedUp = new Map<string, DiscoveredInstance[]>();

  /** Starts discovery when `registry` is given (fetching the registry once before it returns). */
  static async start(options: ServiceClientOptions): Promise<ServiceClient> {
    if (options.discovery) return new ServiceClient(options, options.discovery, undefined);
    if (!options.registry)
      throw new TypeError('sluice/http needs `registry` (the Eureka URL) or `discovery`');
    const discovery = await DiscoveryClient.start({
      url: options.registry,
      fetchIntervalMs: options.refreshIntervalMs ?? 30_000,
    });
    return new ServiceClient(options, discovery, discovery);
  }

  private constructor(
    options: ServiceClientOptions,
    discovery: InstanceSource,
    owned: DiscoveryClient | undefined,
  ) {
    this.options = options;
    this.discovery = discovery;
    this.owned = owned;
    this.clock = options.clock ?? systemClock;
    this.timeouts = timeouts(options.timeouts);
    const { budget, ...retry } = options.retry ?? {};
    this.retrier = new Retrier({
      ...retry,
      ...(budget ? { budget } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
    this.outliers =
      options.outlier === false ? undefined : new OutlierDetector(options.outlier ?? {}, this.clock);
    this.agent = new Agent({ connect: { timeout: this.timeouts.connectTimeoutMs } });
    // Breakers are made on first use, so validate their settings now.
    new CircuitBreaker({ ...this.breakerOptions('check') }).close();
  }

  /** The breaker of `service` (made on first use). */
  breaker(service: string): CircuitBreaker {
    const key = service.toUpperCase();
    let breaker = this.breakers.get(key);
    if (!breaker) {
      breaker = new CircuitBreaker(this.breakerOptions(key));
      this.breakers.set(key, breaker);
      for (const listener of this.breakerListeners) listener(breaker);
    }
    return breaker;
  }

  /** The retry budget of `service` (made on first use, with the client's budget settings). */
  budget(service: string): RetryBudget {
    const key = service.toUpperCase();
    let budget = this.budgets.get(key);
    if (!budget) {
      budget = new RetryBudget(this.retrier.budget.config);
      this.budgets.set(key, budget);
    }
    return budget;
  }

  /** Calls `listener` with each breaker, those made already and those to come (to hook its events to metrics). */
  onBreaker(listener: (breaker: CircuitBreaker) => void): void {
    this.breakerListeners.push(listener);
    for (const breaker of this.breakers.values()) listener(breaker);
  }

  /** Calls `path` on an instance of `service`. Throws CallNotPermittedError (503) while its breaker is open. */
  async request(service: string, path: string, options: CallOptions = {}): Promise<ServiceResponse> {
    const method = (options.method ?? 'GET').toUpperCase();
    const app = service.toUpperCase();
    await this.lookUpIfUnknown(app);
    return this.breaker(app).execute(() =>
      this.retrier.execute<Target, ServiceResponse>({
        method,
        pick: (excluding) => this.pick(app, excluding),
        attempt: (target, { signal }) => this.attempt(target, path, method, options, signal),
        statusOf: (response) => response.status,
        discard: (response) => response.body.dump(),
        noInstance: () => new NoInstanceError(service),
        budget: this.budget(app),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.safe ? { config: { safe: true } } : {}),
      }),
    );
  }

  /** Closes pooled connections, and the discovery client when this client started it. */
  async close(): Promise<void> {
    for (const breaker of this.breakers.values()) breaker.close();
    await this.agent.close();
    await this.owned?.close();
  }

  private breakerOptions(name: string): CircuitBreakerOptions {
    const { failureStatuses, ...rest } = this.options.breaker ?? {};
    const failing = new Set(failureStatuses ?? FIVE_XX);
    return {
      ...rest,
      name,
      clock: this.clock,
      recordResult: (result) => failing.has((result as ServiceResponse).status),
    };
  }

  /** The instances of `app`: discovery's copy, or a direct read while the copy has none. */
  private instances(app: string): DiscoveredInstance[] {
    const known = this.discovery.instances(app);
    if (known.length > 0) {
      this.looked.delete(app);
      this.lookedUp.delete(app);
      return known;
    }
    return this.lookedUp.get(app) ?? [];
  }

  /** Reads `app` from the registry when discovery has none of it, at most once per refresh interval. */
  private async lookUpIfUnknown(app: string): Promise<void> {
    if (!this.options.registry || this.discovery.instances(app).length > 0) return;
    const now = this.clock.now();
    let entry = this.looked.get(app);
    if (!entry || now - entry.at >= (this.options.refreshIntervalMs ?? 30_000)) {
      entry = { at: now, instances: lookUpApp(this.options.registry, app) };
      this.looked.set(app, entry);
    }
    try {
      this.lookedUp.set(app, await entry.instances);
    } catch {
      // The registry could not be read: the call fails below as having no instance.
      this.looked.delete(app);
    }
  }

  /** Round-robin over the UP instances not tried yet, skipping ejected ones unless that leaves none. */
  private pick(app: string, excluding: ReadonlySet<string>): Target | undefined {
    const up = this.instances(app)
      .filter((i) => i.status === 'UP' && !excluding.has(i.instanceId))
      .sort((a, b) => (a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0));
    const healthy = this.outliers ? up.filter((i) => !this.outliers?.isEjected(i.instanceId)) : up;
    // Envoy's panic mode in small: with every candidate ejected, any is better than none.
    const candidates = healthy.length > 0 ? healthy : up;
    if (candidates.length === 0) return undefined;
    const cursor = this.cursors.get(app) ?? 0;
    this.cursors.set(app, cursor + 1);
    const chosen = candidates[cursor % candidates.length] as DiscoveredInstance;
    return {
      app,
      id: chosen.instanceId,
      origin: `http://${chosen.ipAddr || chosen.hostName}:${chosen.port}`,
    };
  }

  private async attempt(
    target: Target,
    path: string,
    method: string,
    options: CallOptions,
    signal: AbortSignal,
  ): Promise<ServiceResponse> {
    const all = () => this.instances(target.app).map((i) => i.instanceId);
    try {
      const response = await withResponseTimeout(
        this.timeouts.responseTimeoutMs,
        (inner) =>
          this.agent.request({
            origin: target.origin,
            path,
            method: method as Dispatcher.HttpMethod,
            ...(options.headers ? { headers: options.headers } : {}),
            ...(options.body !== undefined ? { body: options.body } : {}),
            signal: inner,
          }),
        signal,
      );
      if (response.statusCode >= 500) this.outliers?.failure(target.id, all());
      else this.outliers?.success(target.id);
      return {
        status: response.statusCode,
        headers: response.headers,
        body: response.body,
        instance: target.id,
      };
    } catch (error) {
      if (classifyError(error)) this.outliers?.failure(target.id, all());
      throw error;
    }
  }
}
