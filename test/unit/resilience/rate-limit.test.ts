// The token bucket with Spring's RedisRateLimiter semantics: starts full, refills replenishRate a
// second up to burstCapacity, a request takes requestedTokens or is denied taking none; headers.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSluiceError } from '../../../src/errors/index.js';
import { rateLimitConfig, TokenBucketLimiter } from '../../../src/resilience/index.js';
import { ManualClock } from '../../helpers/manual-clock.js';

test('a full bucket lets burstCapacity through at once, then one request per refilled token', async () => {
  const clock = new ManualClock();
  const limiter = new TokenBucketLimiter({ replenishRate: 2, burstCapacity: 5 }, clock);
  const burst = Array.from({ length: 6 }, () => limiter.take('10.0.0.1'));
  assert.deepEqual(
    burst.map((d) => d.allowed),
    [true, true, true, true, true, false],
  );
  assert.deepEqual(
    burst.map((d) => d.remaining),
    [4, 3, 2, 1, 0, 0],
  );
  assert.deepEqual(burst[0]?.headers, {
    'X-RateLimit-Remaining': '4',
    'X-RateLimit-Replenish-Rate': '2',
    'X-RateLimit-Burst-Capacity': '5',
    'X-RateLimit-Requested-Tokens': '1',
  });
  assert.equal(burst[5]?.headers['Retry-After'], '1');
  await clock.advance(499);
  assert.equal(limiter.take('10.0.0.1').allowed, false, 'not a whole token yet');
  await clock.advance(1);
  assert.equal(limiter.take('10.0.0.1').allowed, true);
  assert.equal(limiter.take('10.0.0.2').remaining, 4, 'every key has its own bucket');
  await clock.advance(60_000);
  assert.equal(limiter.take('10.0.0.1').remaining, 4, 'refill stops at burstCapacity');
});

test('requestedTokens: each request takes that many, and Retry-After says when enough are back', async () => {
  const clock = new ManualClock();
  // Spring's way of saying "one request a minute": 1 token a second, 60 per request.
  const limiter = new TokenBucketLimiter({ replenishRate: 1, burstCapacity: 60, requestedTokens: 60 }, clock);
  assert.equal(limiter.take('k').allowed, true);
  const denied = limiter.take('k');
  assert.equal(denied.allowed, false);
  assert.equal(denied.retryAfterSeconds, 60);
  assert.equal(denied.headers['X-RateLimit-Requested-Tokens'], '60');
  await clock.advance(45_000);
  assert.equal(limiter.take('k').headers['Retry-After'], '15', 'a denied request takes nothing');
  await clock.advance(15_000);
  assert.equal(limiter.take('k').allowed, true);
});

test('memory is bounded: at most maxKeys buckets, the least recently used dropped', () => {
  const limiter = new TokenBucketLimiter(
    { replenishRate: 1, burstCapacity: 1, maxKeys: 3 },
    new ManualClock(),
  );
  for (const k of ['a', 'b', 'c']) limiter.take(k);
  limiter.take('a'); // a is now the most recent; b the oldest
  limiter.take('d');
  assert.equal(limiter.keys, 3);
  assert.equal(limiter.take('a').allowed, false, 'a kept its empty bucket');
  assert.equal(limiter.take('b').allowed, true, 'b was dropped and starts full again');
});

test('bad settings name the field; a request larger than the bucket is refused at load', () => {
  assert.throws(
    () => rateLimitConfig({ replenishRate: 0 }),
    (e: unknown) => isSluiceError(e, 'INVALID_CONFIG') && e.details?.key === 'replenishRate',
  );
  assert.throws(
    () => rateLimitConfig({ replenishRate: 1, burstCapacity: 2, requestedTokens: 3 }),
    (e: unknown) => isSluiceError(e, 'INVALID_CONFIG') && e.details?.key === 'requestedTokens',
  );
  assert.equal(rateLimitConfig({ replenishRate: 10 }).burstCapacity, 10);
});
