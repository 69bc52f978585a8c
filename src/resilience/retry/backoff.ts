// Exponential backoff with full jitter (AWS's "Exponential Backoff And Jitter"): the n-th retry
// waits a uniformly random time in [0, min(max, first × factor^(n-1))). The ceiling grows as Spring
// Cloud Gateway's Retry filter backoff does (firstBackoff 5 ms, factor 2); the jitter spreads
// retries of many clients so they do not arrive together.
//
// A cockatiel backoff generator, since cockatiel's own fullJitterGenerator ignores `exponent`
// (it always doubles) and reads Math.random() with no way to inject it.

import { ExponentialBackoff, type IBackoffFactory } from 'cockatiel';

export interface BackoffConfig {
  readonly firstBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly factor: number;
}

/** Spring Cloud Gateway's BackoffConfig: firstBackoff 5 ms, factor 2; its maxBackoff is unset, ours 1 s. */
export const BACKOFF_DEFAULTS: BackoffConfig = { firstBackoffMs: 5, maxBackoffMs: 1_000, factor: 2 };

/** The ceiling of the `retry`-th retry's wait (1-based). */
export function backoffCeiling(retry: number, config: BackoffConfig): number {
  return Math.min(config.maxBackoffMs, config.firstBackoffMs * config.factor ** Math.max(0, retry - 1));
}

/** The `retry`-th retry's wait: full jitter over [0, ceiling). `random` returns [0, 1). */
export function fullJitterDelay(
  retry: number,
  config: BackoffConfig,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * backoffCeiling(retry, config));
}

/** The same as a cockatiel backoff factory, for cockatiel's retry policy. */
export function fullJitterBackoff(
  config: BackoffConfig = BACKOFF_DEFAULTS,
  random: () => number = Math.random,
): IBackoffFactory<unknown> {
  return new ExponentialBackoff<number>({
    initialDelay: config.firstBackoffMs,
    maxDelay: config.maxBackoffMs,
    exponent: config.factor,
    generator: (retry = 1) => [fullJitterDelay(retry, config, random), retry + 1],
  });
}
