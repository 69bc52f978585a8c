// The retry settings, named after Spring Cloud Gateway's Retry filter. Two deliberate changes:
// every idempotent method (RFC 9110 §9.2.2) may be retried, not only GET, and the attempts draw
// on an Envoy-style budget (budget.ts).

import { SluiceError } from '../../errors/index.js';
import { BACKOFF_DEFAULTS, type BackoffConfig } from './backoff.js';
import type { RetryableError } from './errors.js';

export type StatusSeries = 'INFORMATIONAL' | 'SUCCESSFUL' | 'REDIRECTION' | 'CLIENT_ERROR' | 'SERVER_ERROR';

export interface RetryConfig {
  /** Retries after the first attempt (Spring: 3). */
  readonly retries: number;
  /** Methods that may be retried (default: the idempotent ones). */
  readonly methods: readonly string[];
  /** A route or call marked safe: any method may be retried (the caller vouches it is idempotent). */
  readonly safe: boolean;
  /** Statuses that are retried (Spring: none)... */
  readonly statuses: readonly number[];
  /** ...and whole series (Spring: SERVER_ERROR, i.e. 5xx). */
  readonly series: readonly StatusSeries[];
  /** Errors that are retried (Spring: IOException and TimeoutException, i.e. all three). */
  readonly errors: readonly RetryableError[];
  /** Waits between attempts; null: none (Spring's default too). */
  readonly backoff: BackoffConfig | null;
}

export const IDEMPOTENT_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'] as const;

export const RETRY_DEFAULTS: RetryConfig = {
  retries: 3,
  methods: IDEMPOTENT_METHODS,
  safe: false,
  statuses: [],
  series: ['SERVER_ERROR'],
  errors: ['connect', 'reset', 'timeout'],
  backoff: BACKOFF_DEFAULTS,
};

const SERIES: Record<StatusSeries, number> = {
  INFORMATIONAL: 1,
  SUCCESSFUL: 2,
  REDIRECTION: 3,
  CLIENT_ERROR: 4,
  SERVER_ERROR: 5,
};

function invalid(field: string, message: string): SluiceError {
  return new SluiceError('INVALID_CONFIG', `retry ${field} ${message}`, { details: { key: field } });
}

export function retryConfig(given: Partial<RetryConfig> = {}): RetryConfig {
  const c = { ...RETRY_DEFAULTS, ...given };
  if (!Number.isSafeInteger(c.retries) || c.retries < 0 || c.retries > 10)
    throw invalid('retries', `must be an integer in [0, 10], got ${JSON.stringify(c.retries)}`);
  for (const s of c.statuses)
    if (!Number.isInteger(s) || s < 100 || s > 599)
      throw invalid('statuses', `has ${JSON.stringify(s)}, not an HTTP status`);
  for (const s of c.series) if (!(s in SERIES)) throw invalid('series', `has ${JSON.stringify(s)}`);
  for (const e of c.errors)
    if (e !== 'connect' && e !== 'reset' && e !== 'timeout')
      throw invalid('errors', `has ${JSON.stringify(e)}; use connect, reset or timeout`);
  const b = c.backoff;
  if (b !== null && !(b.firstBackoffMs >= 0 && b.maxBackoffMs >= b.firstBackoffMs && b.factor >= 1))
    throw invalid('backoff', 'needs firstBackoffMs ≥ 0, maxBackoffMs ≥ firstBackoffMs and factor ≥ 1');
  return { ...c, methods: c.methods.map((m) => m.toUpperCase()) };
}

/** Whether a request with this method may be retried at all. */
export function methodRetryable(method: string, config: RetryConfig): boolean {
  return config.safe || config.methods.includes(method.toUpperCase());
}

/** Whether an answer with this status is retried. */
export function statusRetryable(status: number, config: RetryConfig): boolean {
  if (config.statuses.includes(status)) return true;
  return config.series.some((s) => SERIES[s] === Math.floor(status / 100));
}
