import { Counter, register as globalRegistry, Histogram, type Registry } from 'prom-client';

export interface ClientMetricsOptions {
  /** Where to register; default prom-client's global registry, which most services expose. */
  registry?: Registry;
  /** The `service` label on every series; default the process title. */
  service?: string;
  /** Send-duration buckets in seconds. */
  buckets?: number[];
}

// A produce round trip is sub-millisecond on loopback and seconds when a broker is failing over.
const SEND_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The client side of messaging metrics for any Node service: messages produced and consumed and
 * how long sends take, by topic. The names match what Sluice's dashboard and alerts read.
 * Metrics are created once per registry, so several instances may share one.
 */
export class KafkaClientMetrics {
  private readonly produced: Counter<'service' | 'topic'>;
  private readonly consumed: Counter<'service' | 'topic' | 'group'>;
  private readonly failures: Counter<'service' | 'topic'>;
  private readonly sendDuration: Histogram<'service' | 'topic'>;
  private readonly service: string;

  constructor(options: ClientMetricsOptions = {}) {
    const registry = options.registry ?? globalRegistry;
    this.service = options.service ?? process.title;
    this.produced = reuse(
      registry,
      'sluice_client_messages_produced_total',
      () =>
        new Counter({
          name: 'sluice_client_messages_produced_total',
          help: 'Messages a client had acknowledged by the broker, by topic.',
          labelNames: ['service', 'topic'],
          registers: [registry],
        }),
    );
    this.consumed = reuse(
      registry,
      'sluice_client_messages_consumed_total',
      () =>
        new Counter({
          name: 'sluice_client_messages_consumed_total',
          help: 'Messages a client consumed, by topic and consumer group.',
          labelNames: ['service', 'topic', 'group'],
          registers: [registry],
        }),
    );
    this.failures = reuse(
      registry,
      'sluice_client_send_errors_total',
      () =>
        new Counter({
          name: 'sluice_client_send_errors_total',
          help: 'Sends that failed, by topic.',
          labelNames: ['service', 'topic'],
          registers: [registry],
        }),
    );
    this.sendDuration = reuse(
      registry,
      'sluice_client_send_duration_seconds',
      () =>
        new Histogram({
          name: 'sluice_client_send_duration_seconds',
          help: 'Time from send to the broker acknowledgement, by topic.',
          labelNames: ['service', 'topic'],
          buckets: options.buckets ?? SEND_BUCKETS,
          registers: [registry],
        }),
    );
  }

  /** Counts `count` messages acknowledged on `topic`. */
  messagesProduced(topic: string, count = 1): void {
    this.produced.inc({ service: this.service, topic }, count);
  }

  messagesConsumed(topic: string, group: string, count = 1): void {
    this.consumed.inc({ service: this.service, topic, group }, count);
  }

  /**
   * Runs one send and records it: its duration, and on success the messages per topic, on
   * failure one error per topic involved. The send's result or error passes through.
   */
  async timeSend<T>(topics: Record<string, number>, send: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await send();
      const seconds = (performance.now() - started) / 1000;
      for (const [topic, count] of Object.entries(topics)) {
        this.sendDuration.observe({ service: this.service, topic }, seconds);
        this.messagesProduced(topic, count);
      }
      return result;
    } catch (err) {
      for (const topic of Object.keys(topics)) this.failures.inc({ service: this.service, topic });
      throw err;
    }
  }
}

/** Messages per topic in a batch of outgoing messages. */
export function countByTopic(messages: readonly { topic: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of messages) counts[m.topic] = (counts[m.topic] ?? 0) + 1;
  return counts;
}

function reuse<M>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}
