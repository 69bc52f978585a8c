// Spring Cloud Gateway's resilience filters on src/resilience's policies: Retry (a Retrier per
// route, with its own Envoy-style budget), CircuitBreaker (a resilience4j breaker per route) and
// RequestRateLimiter (a token bucket per key, in memory, bounded). Arguments keep Spring's names;
// the proxy (proxy.ts) applies what these build.

import type { IncomingHttpHeaders } from 'node:http';
import {
  CircuitBreaker,
  IDEMPOTENT_METHODS,
  Retrier,
  type RetryableError,
  type StatusSeries,
  TokenBucketLimiter,
} from '../resilience/index.js';
import { type ArgValue, list, text } from './definition-args.js';
import { ArgError } from './route-error.js';

export interface RetryFilter {
  readonly retrier: Retrier;
}

export interface BreakerFilter {
  readonly breaker: CircuitBreaker;
  /** `forward:/path`: the path a rejected or failed request is sent to instead (a local route). */
  readonly fallbackPath?: string;
  /** Answers with these statuses count as failures (Spring's statusCodes). */
  readonly statusCodes: ReadonlySet<number>;
}

export interface RateLimitFilter {
  readonly limiter: TokenBucketLimiter;
  /** The bucket's key; undefined when the request has none (Spring's denyEmptyKey: 403). */
  keyOf(remoteAddress: string, headers: IncomingHttpHeaders): string | undefined;
  readonly keyName: string;
}

type Args = Readonly<Record<string, ArgValue>>;

/** Spring's HttpStatus names for the statuses worth retrying or breaking on. */
const STATUS_NAMES: Readonly<Record<string, number>> = {
  BAD_REQUEST: 400,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  INTERNAL_SERVER_ERROR: 500,
  NOT_IMPLEMENTED: 501,
  BAD_GATEWAY: 502,
  SERVICE_UNAVAILABLE: 503,
  GATEWAY_TIMEOUT: 504,
};

const SERIES: readonly StatusSeries[] = [
  'INFORMATIONAL',
  'SUCCESSFUL',
  'REDIRECTION',
  'CLIENT_ERROR',
  'SERVER_ERROR',
];

/** Spring's exception classes, as the kinds of failure src/resilience tells apart. */
const EXCEPTIONS: Readonly<Record<string, readonly RetryableError[]>> = {
  'java.io.IOException': ['connect', 'reset'],
  'java.net.ConnectException': ['connect'],
  'java.util.concurrent.TimeoutException': ['timeout'],
  'org.springframework.cloud.gateway.support.TimeoutException': ['timeout'],
};

export function parseStatus(value: string, key: string): number {
  const named = STATUS_NAMES[value.toUpperCase()];
  if (named !== undefined) return named;
  if (/^[1-5]\d\d$/.test(value)) return Number(value);
  throw new ArgError(
    `argument '${key}' has '${value}': use a status number or one of ${Object.keys(STATUS_NAMES).join(', ')}`,
  );
}

/** Spring's Duration: `10ms`, `2s`, `1m`, ISO `PT2S`, or a bare number of milliseconds. */
export function parseDuration(value: string, key: string): number {
  const v = value.trim();
  const simple = /^(\d+)\s*(ms|s|m|h)?$/i.exec(v);
  const iso = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,3})?)S)?$/i.exec(v);
  if (simple) {
    const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(simple[2] ?? 'ms').toLowerCase()] as number;
    return Number(simple[1]) * unit;
  }
  if (iso && v.length > 2)
    return Math.round(
      Number(iso[1] ?? 0) * 3_600_000 + Number(iso[2] ?? 0) * 60_000 + Number(iso[3] ?? 0) * 1_000,
    );
  throw new ArgError(`argument '${key}' must be a duration (like 100ms, 2s or PT2S), got '${value}'`);
}

function integer(args: Args, key: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = text(args, key);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim()) || Number(v) < min || Number(v) > max)
    throw new ArgError(`argument '${key}' must be an integer in [${min}, ${max}], got '${v}'`);
  return Number(v);
}

function percent(args: Args, key: string): number | undefined {
  const v = text(args, key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !(n > 0 && n <= 100))
    throw new ArgError(`argument '${key}' must be a percentage in (0, 100], got '${v}'`);
  return n;
}

function bool(args: Args, key: string): boolean | undefined {
  const v = text(args, key)?.trim().toLowerCase();
  if (v === undefined) return undefined;
  if (v !== 'true' && v !== 'false')
    throw new ArgError(`argument '${key}' must be true or false, got '${v}'`);
  return v === 'true';
}

function duration(args: Args, key: string): number | undefined {
  const v = text(args, key);
  return v === undefined ? undefined : parseDuration(v, key);
}

/** Retry: Spring's arguments; methods default to the idempotent ones, backoff to none (as Spring). */
export function makeRetry(args: Args): RetryFilter {
  const methods = list(args, 'methods').map((m) => m.toUpperCase());
  for (const m of methods)
    if (!(IDEMPOTENT_METHODS as readonly string[]).includes(m))
      throw new ArgError(
        `${m} is not idempotent and is never retried; mark the route's metadata 'retry-safe: true' to retry every method`,
      );
  const series = list(args, 'series').map((s) => s.toUpperCase());
  for (const s of series)
    if (!(SERIES as readonly string[]).includes(s))
      throw new ArgError(`argument 'series' has '${s}': use one of ${SERIES.join(', ')}`);
  const errors = new Set<RetryableError>();
  for (const e of list(args, 'exceptions')) {
    const kinds = EXCEPTIONS[e];
    if (!kinds)
      throw new ArgError(`argument 'exceptions' has '${e}': use ${Object.keys(EXCEPTIONS).join(', ')}`);
    for (const k of kinds) errors.add(k);
  }
  const first = duration(args, 'backoff.firstBackoff');
  const max = duration(args, 'backoff.maxBackoff');
  const factorText = text(args, 'backoff.factor');
  const factor = factorText === undefined ? 2 : Number(factorText);
  if (!(factor >= 1))
    throw new ArgError(`argument 'backoff.factor' must be a number >= 1, got '${factorText}'`);
  // Full jitter is always used: basedOnPreviousValue is accepted for Spring's sake and checked only.
  bool(args, 'backoff.basedOnPreviousValue');
  const hasBackoff = first !== undefined || max !== undefined || factorText !== undefined;
  const firstMs = first ?? 5;
  const maxMs = max ?? Math.max(firstMs, 1_000);
  if (maxMs < firstMs)
    throw new ArgError("argument 'backoff.maxBackoff' is less than 'backoff.firstBackoff'");
  const statuses = list(args, 'statuses').map((s) => parseStatus(s, 'statuses'));
  const retrier = new Retrier({
    retries: integer(args, 'retries', 0, 10) ?? 3,
    ...(methods.length > 0 ? { methods } : {}),
    statuses,
    // As Spring: series SERVER_ERROR unless given (an empty `series` retries only `statuses`).
    series: args.series === undefined ? ['SERVER_ERROR'] : (series as StatusSeries[]),
    ...(errors.size > 0 ? { errors: [...errors] } : {}),
    backoff: hasBackoff ? { firstBackoffMs: firstMs, maxBackoffMs: maxMs, factor } : null,
  });
  return { retrier };
}

export const RETRY_FIELDS = [
  'retries',
  'statuses',
  'methods',
  'backoff.firstBackoff',
  'backoff.maxBackoff',
  'backoff.factor',
  'backoff.basedOnPreviousValue',
  'series',
  'exceptions',
];

/** CircuitBreaker: Spring's name, fallbackUri, statusCodes, and resilience4j's settings for it. */
export function makeBreaker(args: Args, routeName = 'default'): BreakerFilter {
  const fallbackUri = text(args, 'fallbackUri');
  let fallbackPath: string | undefined;
  if (fallbackUri !== undefined) {
    const m = /^forward:(\/\S*)$/.exec(fallbackUri.trim());
    if (!m) throw new ArgError(`argument 'fallbackUri' must be forward:/path, got '${fallbackUri}'`);
    fallbackPath = m[1] as string;
  }
  const type = text(args, 'slidingWindowType')?.toUpperCase();
  if (type !== undefined && type !== 'COUNT_BASED' && type !== 'TIME_BASED')
    throw new ArgError(`argument 'slidingWindowType' must be COUNT_BASED or TIME_BASED, got '${type}'`);
  const settings = {
    slidingWindowType: type as 'COUNT_BASED' | 'TIME_BASED' | undefined,
    slidingWindowSize: integer(args, 'slidingWindowSize', 1),
    minimumNumberOfCalls: integer(args, 'minimumNumberOfCalls', 1),
    failureRateThreshold: percent(args, 'failureRateThreshold'),
    slowCallRateThreshold: percent(args, 'slowCallRateThreshold'),
    slowCallDurationThresholdMs: duration(args, 'slowCallDurationThreshold'),
    waitDurationInOpenStateMs: duration(args, 'waitDurationInOpenState'),
    permittedNumberOfCallsInHalfOpenState: integer(args, 'permittedNumberOfCallsInHalfOpenState', 1),
  };
  for (const [key, value] of Object.entries(settings))
    if (value === undefined) delete settings[key as keyof typeof settings];
  if (settings.waitDurationInOpenStateMs === 0 || settings.slowCallDurationThresholdMs === 0)
    throw new ArgError('durations must be at least 1ms');
  const breaker = new CircuitBreaker({
    name: text(args, 'name') ?? routeName,
    ...settings,
  } as ConstructorParameters<typeof CircuitBreaker>[0]);
  const statusCodes = new Set(list(args, 'statusCodes').map((s) => parseStatus(s, 'statusCodes')));
  return { breaker, statusCodes, ...(fallbackPath === undefined ? {} : { fallbackPath }) };
}

export const BREAKER_FIELDS = [
  'name',
  'fallbackUri',
  'statusCodes',
  'slidingWindowType',
  'slidingWindowSize',
  'minimumNumberOfCalls',
  'failureRateThreshold',
  'slowCallRateThreshold',
  'slowCallDurationThreshold',
  'waitDurationInOpenState',
  'permittedNumberOfCallsInHalfOpenState',
];

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** RequestRateLimiter: RedisRateLimiter's arguments; the key is the client's IP or a header's value. */
export function makeRateLimiter(args: Args): RateLimitFilter {
  const replenishText = text(args, 'redis-rate-limiter.replenishRate');
  if (replenishText === undefined)
    throw new ArgError("argument 'redis-rate-limiter.replenishRate' is required");
  const replenishRate = Number(replenishText);
  if (!(replenishRate > 0 && Number.isFinite(replenishRate)))
    throw new ArgError(
      `argument 'redis-rate-limiter.replenishRate' must be a number > 0, got '${replenishText}'`,
    );
  const burstCapacity =
    integer(args, 'redis-rate-limiter.burstCapacity', 1) ?? Math.max(1, Math.ceil(replenishRate));
  const requestedTokens = integer(args, 'redis-rate-limiter.requestedTokens', 1) ?? 1;
  if (requestedTokens > burstCapacity)
    throw new ArgError(
      `argument 'redis-rate-limiter.requestedTokens' (${requestedTokens}) is more than burstCapacity (${burstCapacity}): no request could pass`,
    );
  const resolver = (text(args, 'key-resolver') ?? 'ip').trim();
  const header = /^header:(.+)$/i.exec(resolver)?.[1]?.trim();
  if (resolver.toLowerCase() !== 'ip' && header === undefined)
    throw new ArgError(`argument 'key-resolver' must be 'ip' or 'header:Name', got '${resolver}'`);
  if (header !== undefined && !TOKEN.test(header))
    throw new ArgError(`'${header}' is not a valid header name`);
  const limiter = new TokenBucketLimiter({ replenishRate, burstCapacity, requestedTokens });
  if (header === undefined)
    return { limiter, keyName: 'client IP', keyOf: (remoteAddress) => remoteAddress || undefined };
  const name = header.toLowerCase();
  return {
    limiter,
    keyName: `header ${header}`,
    keyOf(_remote, headers) {
      const v = headers[name];
      const value = Array.isArray(v) ? v[0] : v;
      return value === undefined || value === '' ? undefined : value;
    },
  };
}

export const RATE_LIMIT_FIELDS = [
  'redis-rate-limiter.replenishRate',
  'redis-rate-limiter.burstCapacity',
  'redis-rate-limiter.requestedTokens',
  'key-resolver',
];
