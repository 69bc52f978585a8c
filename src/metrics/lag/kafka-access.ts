// The Kafka clients the lag monitor uses, and the error helpers around them. Everything goes over
// the Kafka protocol, so the monitor works the same against Apache Kafka.

import { Admin, type BaseOptions, Consumer } from '@platformatic/kafka';
import { baseOptions as clientOptions, leafErrors } from '../../client/index.js';

const CLIENT_ID = 'sluice-lag-monitor';

function baseOptions(bootstrap: string[], role: string, timeoutMs: number): BaseOptions {
  return {
    ...clientOptions(bootstrap, `${CLIENT_ID}-${role}`),
    // A monitor retries on its next round: a request should fail within one round, not hang.
    retries: 1,
    timeout: timeoutMs,
    connectTimeout: Math.min(timeoutMs, 5_000),
  };
}

export function createMonitorAdmin(bootstrap: string[], timeoutMs: number): Admin {
  return new Admin(baseOptions(bootstrap, 'admin', timeoutMs));
}

/**
 * A consumer used only for Metadata, ListOffsets and Fetch. The library wants a group id; no group
 * request is ever sent for it, so it never shows up as a group.
 */
export function createMonitorConsumer(bootstrap: string[], timeoutMs: number, role: string): Consumer {
  return new Consumer({
    ...baseOptions(bootstrap, role, timeoutMs),
    groupId: `${CLIENT_ID}-unused-${process.pid}-${role}`,
  });
}

/** Kafka error names (OFFSET_OUT_OF_RANGE, ...) inside one of the library's error trees. */
export function kafkaErrorIds(error: unknown): string[] {
  return leafErrors(error).flatMap((e) => (typeof e.apiId === 'string' ? [e.apiId] : []));
}

/** One line for a log: the leaf messages of an error tree. */
export function describeError(error: unknown): string {
  const found = leafErrors(error).map((e) => e.message);
  return found.length > 0 ? [...new Set(found)].join('; ') : String(error);
}

/** Rejects after `ms` unless `work` settles first. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
