// Timeouts as two separate numbers, as Spring Cloud Gateway's route metadata has them
// (`connect-timeout`, `response-timeout`): connecting (undici's connect timeout; a connect error,
// retried like any) and the answer's status and headers (cockatiel's timeout policy; 504).

import { TimeoutStrategy, timeout } from 'cockatiel';
import { SluiceError } from '../errors/index.js';
import { ResponseTimeoutError } from './errors.js';

export interface Timeouts {
  readonly connectTimeoutMs: number;
  /** 0: no response timeout (Spring's default). */
  readonly responseTimeoutMs: number;
}

/**
 * connect 10 s: undici's default (Reactor Netty's, under Spring, is 30 s); response 30 s: Spring
 * sets none by default, but a call between services that may hang forever holds its caller too.
 */
export const TIMEOUT_DEFAULTS: Timeouts = { connectTimeoutMs: 10_000, responseTimeoutMs: 30_000 };

export function timeouts(given: Partial<Timeouts> = {}): Timeouts {
  const t = { ...TIMEOUT_DEFAULTS, ...given };
  for (const key of ['connectTimeoutMs', 'responseTimeoutMs'] as const) {
    const v = t[key];
    if (!Number.isSafeInteger(v) || v < (key === 'connectTimeoutMs' ? 1 : 0))
      throw new SluiceError(
        'INVALID_CONFIG',
        `${key} must be a whole number of milliseconds, got ${JSON.stringify(v)}`,
        {
          details: { key },
        },
      );
  }
  return t;
}

/**
 * Runs `fn` with the response timeout: the signal it gets aborts when time is up, and the call
 * fails at once with ResponseTimeoutError (504). The signal is not aborted when `fn` returns, so a
 * streamed body goes on being read after the headers came in time.
 */
export async function withResponseTimeout<T>(
  timeoutMs: number,
  fn: (signal: AbortSignal) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  if (timeoutMs === 0) return fn(signal ?? new AbortController().signal);
  const policy = timeout(timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
  let timedOut = false;
  const listener = policy.onTimeout(() => {
    timedOut = true;
  });
  try {
    return await policy.execute(({ signal: inner }) => fn(inner), signal);
  } catch (error) {
    // The caller giving up aborts the same signal; only our own expiry is a timeout.
    if (timedOut && !signal?.aborted) throw new ResponseTimeoutError(timeoutMs);
    throw error;
  } finally {
    listener.dispose();
  }
}
