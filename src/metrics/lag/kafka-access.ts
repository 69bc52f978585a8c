// How the lag monitor reaches Kafka (through the client room's door) and the helpers around it.
// Everything goes over the Kafka protocol, so the monitor works the same against Apache Kafka.

import { KafkaAdmin } from '../../client/index.js';

const CLIENT_ID = 'sluice-lag-monitor';

/** A monitor retries on its next round: a request should fail within one round, not hang. */
export function createMonitorAdmin(bootstrap: string[], timeoutMs: number, role: string): KafkaAdmin {
  return new KafkaAdmin({ bootstrap, clientId: `${CLIENT_ID}-${role}`, timeoutMs, retries: 1 });
}

/** One line for a log. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Rejects after `ms` unless `work` settles first. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  const { promise: timeout, reject } = Promise.withResolvers<never>();
  const timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
