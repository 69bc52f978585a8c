// A token bucket per key with Spring Cloud Gateway's RedisRateLimiter semantics (its
// request_rate_limiter.lua): a bucket holds up to burstCapacity tokens, refills replenishRate
// tokens a second, starts full, and a request takes requestedTokens or is denied (429) without
// taking any. The answer carries Spring's X-RateLimit-* headers, and Retry-After when denied.
// Buckets live in memory, at most maxKeys of them (least recently used dropped: a dropped key
// starts full again, which is also what the script's key expiry does for an idle key).

import { EventEmitter } from 'cockatiel';
import { type Clock, systemClock } from '../../clock/index.js';
import { SluiceError } from '../../errors/index.js';
import { Lru } from './lru.js';

export interface RateLimitConfig {
  /** Tokens added per second. */
  readonly replenishRate: number;
  /** Most tokens a bucket holds: the largest burst let through at once. */
  readonly burstCapacity: number;
  /** Tokens one request takes (Spring's default 1). */
  readonly requestedTokens: number;
  /** Buckets kept in memory at most. */
  readonly maxKeys: number;
}

export const RATE_LIMIT_DEFAULTS = { requestedTokens: 1, maxKeys: 10_000 } as const;

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Whole tokens left after this request. */
  readonly remaining: number;
  /** Seconds until a denied request would be allowed (0 when allowed). */
  readonly retryAfterSeconds: number;
  /** The headers to send, on every answer (Spring's), plus Retry-After when denied. */
  readonly headers: Readonly<Record<string, string>>;
}

interface Bucket {
  tokens: number;
  at: number;
}

function invalid(field: string, message: string): SluiceError {
  return new SluiceError('INVALID_CONFIG', `rate limiter ${field} ${message}`, { details: { key: field } });
}

export function rateLimitConfig(
  given: Partial<RateLimitConfig> & { replenishRate: number },
): RateLimitConfig {
  const c = { burstCapacity: given.replenishRate, ...RATE_LIMIT_DEFAULTS, ...given };
  if (!(typeof c.replenishRate === 'number' && c.replenishRate > 0 && Number.isFinite(c.replenishRate)))
    throw invalid('replenishRate', `must be a number > 0, got ${JSON.stringify(c.replenishRate)}`);
  for (const key of ['burstCapacity', 'requestedTokens', 'maxKeys'] as const)
    if (!Number.isSafeInteger(c[key]) || c[key] < 1)
      throw invalid(key, `must be an integer ≥ 1, got ${JSON.stringify(c[key])}`);
  if (c.requestedTokens > c.burstCapacity)
    throw invalid(
      'requestedTokens',
      `(${c.requestedTokens}) is more than burstCapacity (${c.burstCapacity}): no request could ever pass`,
    );
  return c;
}

export class TokenBucketLimiter {
  readonly config: RateLimitConfig;
  private readonly buckets: Lru<Bucket>;
  private readonly clock: Clock;
  private readonly denials = new EventEmitter<{ key: string; retryAfterSeconds: number }>();

  /** A request denied (a 429 to come), for the gateway's rejection metrics. */
  readonly onDenied = this.denials.addListener;

  constructor(config: Partial<RateLimitConfig> & { replenishRate: number }, clock: Clock = systemClock) {
    this.config = rateLimitConfig(config);
    this.buckets = new Lru(this.config.maxKeys);
    this.clock = clock;
  }

  /** Buckets held now. */
  get keys(): number {
    return this.buckets.size;
  }

  /** Takes requestedTokens from `key`'s bucket when it has them. */
  take(key: string): RateLimitDecision {
    const { replenishRate: rate, burstCapacity: capacity, requestedTokens: requested } = this.config;
    const now = this.clock.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    const filled = Math.min(capacity, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * rate);
    const allowed = filled >= requested;
    const tokens = allowed ? filled - requested : filled;
    this.buckets.set(key, { tokens, at: now });
    const remaining = Math.floor(tokens);
    const retryAfterSeconds = allowed ? 0 : Math.ceil((requested - filled) / rate);
    const headers: Record<string, string> = {
      'X-RateLimit-Remaining': String(remaining),
      'X-RateLimit-Replenish-Rate': String(rate),
      'X-RateLimit-Burst-Capacity': String(capacity),
      'X-RateLimit-Requested-Tokens': String(requested),
    };
    if (!allowed) {
      headers['Retry-After'] = String(retryAfterSeconds);
      this.denials.emit({ key, retryAfterSeconds });
    }
    return { allowed, remaining, retryAfterSeconds, headers };
  }
}
