// The broker's metrics live in the broker thread's registry; the platform thread serves /metrics
// and evaluates alert rules. This mirror registers a stand-in for each broker metric in the
// platform's registry whose get() reads the broker's registry over a MessagePort, so a scrape and
// a rule see the broker's values as if they were local. One scrape asks the broker once: the
// stand-ins share a snapshot for a short while.

import type { MetricObjectWithValues, MetricValue, Registry } from 'prom-client';

/** A MessagePort, a Worker or the parent port: anything that posts and hears messages. */
export interface MessageEndpoint {
  postMessage(message: unknown): void;
  // biome-ignore lint/suspicious/noExplicitAny: Node types the messages of both as any
  on(event: 'message', listener: (value: any) => void): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  off(event: 'message', listener: (value: any) => void): unknown;
}

export type MetricJson = MetricObjectWithValues<MetricValue<string>>;

/** Asked by the platform thread; answered by the broker thread. */
export interface MetricsRequest {
  type: 'metrics-request';
  id: number;
}
export interface MetricsAnswer {
  type: 'metrics-answer';
  id: number;
  metrics: MetricJson[];
}

/** Broker side: answers the platform's requests for a snapshot of its registry. */
export function answerMetricsRequests(port: MessageEndpoint, registry: Registry): () => void {
  const onMessage = (message: unknown) => {
    if (!isMetricsRequest(message)) return;
    registry.getMetricsAsJSON().then(
      (metrics) =>
        port.postMessage({ type: 'metrics-answer', id: message.id, metrics } satisfies MetricsAnswer),
      () => port.postMessage({ type: 'metrics-answer', id: message.id, metrics: [] } satisfies MetricsAnswer),
    );
  };
  port.on('message', onMessage);
  return () => port.off('message', onMessage);
}

function isMetricsRequest(message: unknown): message is MetricsRequest {
  return (
    typeof message === 'object' && message !== null && (message as MetricsRequest).type === 'metrics-request'
  );
}

export interface MetricsMirrorOptions {
  /** How long to wait for the broker thread before a scrape shows no broker metrics. */
  timeoutMs?: number;
}

/** Platform side: keeps stand-ins for the broker's metrics in the platform's registry. */
export class MetricsMirror {
  readonly #port: MessageEndpoint;
  readonly #registry: Registry;
  readonly #timeoutMs: number;
  readonly #pending = new Map<number, (metrics: MetricJson[]) => void>();
  readonly #mirrored = new Set<string>();
  #nextId = 1;
  #latest?: Promise<Map<string, MetricJson>>;

  constructor(port: MessageEndpoint, registry: Registry, options: MetricsMirrorOptions = {}) {
    this.#port = port;
    this.#registry = registry;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    port.on('message', (message: MetricsAnswer) => {
      if (message?.type !== 'metrics-answer') return;
      this.#pending.get(message.id)?.(message.metrics);
      this.#pending.delete(message.id);
    });
  }

  /** Registers a stand-in for every broker metric not yet mirrored. */
  async sync(): Promise<void> {
    await this.#snapshot();
  }

  // Stand-ins read together (a scrape reads all at once) share one answer while it is on its
  // way; any read after it arrived asks again, so it sees what happened since.
  #snapshot(): Promise<Map<string, MetricJson>> {
    if (this.#latest) return this.#latest;
    const snapshot = this.#ask().then((metrics) => {
      for (const metric of metrics) this.#mirror(metric);
      if (this.#latest === snapshot) this.#latest = undefined;
      return new Map(metrics.map((m) => [m.name, m]));
    });
    this.#latest = snapshot;
    return snapshot;
  }

  #ask(): Promise<MetricJson[]> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        // A broker too busy to answer shows no broker metrics in this scrape rather than none at all.
        this.#pending.delete(id);
        resolve([]);
      }, this.#timeoutMs);
      timer.unref();
      this.#pending.set(id, (metrics) => {
        clearTimeout(timer);
        resolve(metrics);
      });
      this.#port.postMessage({ type: 'metrics-request', id } satisfies MetricsRequest);
    });
  }

  #mirror(metric: MetricJson): void {
    if (this.#mirrored.has(metric.name) || this.#registry.getSingleMetric(metric.name)) return;
    this.#mirrored.add(metric.name);
    const { name, help, type } = metric;
    const standIn = {
      name,
      help,
      type,
      aggregator: metric.aggregator,
      get: async () =>
        (await this.#snapshot()).get(name) ?? { name, help, type, aggregator: metric.aggregator, values: [] },
      reset() {},
    };
    // prom-client's registry takes any object with a name, help, type and get().
    this.#registry.registerMetric(standIn as unknown as Parameters<Registry['registerMetric']>[0]);
  }
}
