// The resilience filters' arguments: Spring's names in both forms, turned into src/resilience's
// settings, and bad values refused with the argument named.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DefinitionInput } from '../../../src/gateway/config.js';
import { parseDefinition } from '../../../src/gateway/definition-args.js';
import { FILTERS } from '../../../src/gateway/index.js';
import { parseDuration, parseStatus } from '../../../src/gateway/resilience-filters.js';

function make(def: DefinitionInput) {
  const name = typeof def === 'string' ? (def.split('=')[0] as string) : def.name;
  const factory = FILTERS[name];
  assert.ok(factory, name);
  return factory.make(parseDefinition(def, factory.spec).args, 'route-x');
}

const refused = (def: DefinitionInput, message: RegExp) => assert.throws(() => make(def), message);

describe('Retry arguments', () => {
  it("Spring's shortcut: retries, statuses, methods, then backoff", () => {
    const retry = make('Retry=2,BAD_GATEWAY,GET,10ms,50ms,3,false').retry;
    assert.ok(retry);
    const c = retry.retrier.config;
    assert.equal(c.retries, 2);
    assert.deepEqual(c.statuses, [502]);
    assert.deepEqual(c.series, ['SERVER_ERROR']);
    const only = make({ name: 'Retry', args: { statuses: [503], series: [] } }).retry?.retrier.config;
    assert.deepEqual(only?.series, []);
    assert.deepEqual(c.methods, ['GET']);
    assert.deepEqual(c.backoff, { firstBackoffMs: 10, maxBackoffMs: 50, factor: 3 });
  });

  it('expanded, with a nested backoff; defaults as Spring (5xx series, no backoff) with idempotent methods', () => {
    const nested = make({
      name: 'Retry',
      args: {
        retries: 1,
        series: ['SERVER_ERROR', 'CLIENT_ERROR'],
        exceptions: ['java.net.ConnectException'],
        backoff: { firstBackoff: '1s', maxBackoff: 'PT2S', factor: 2, basedOnPreviousValue: true },
      },
    }).retry?.retrier.config;
    assert.deepEqual(nested?.series, ['SERVER_ERROR', 'CLIENT_ERROR']);
    assert.deepEqual(nested?.errors, ['connect']);
    assert.deepEqual(nested?.backoff, { firstBackoffMs: 1000, maxBackoffMs: 2000, factor: 2 });
    const plain = make('Retry').retry?.retrier.config;
    assert.equal(plain?.retries, 3);
    assert.deepEqual(plain?.series, ['SERVER_ERROR']);
    assert.equal(plain?.backoff, null);
    assert.deepEqual(plain?.methods, ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
  });

  it('refuses bad values, naming the argument', () => {
    refused('Retry=11', /argument 'retries' must be an integer in \[0, 10\]/);
    refused('Retry=1,TEAPOT', /argument 'statuses' has 'TEAPOT'/);
    refused('Retry=1,500,POST', /POST is not idempotent.*retry-safe/);
    refused({ name: 'Retry', args: { series: 'BAD' } }, /argument 'series' has 'BAD'/);
    refused({ name: 'Retry', args: { exceptions: 'java.lang.Error' } }, /argument 'exceptions'/);
    refused(
      { name: 'Retry', args: { backoff: { firstBackoff: 'soon' } } },
      /'backoff.firstBackoff' must be a duration/,
    );
    refused({ name: 'Retry', args: { backoff: { firstBackoff: '2s', maxBackoff: '1s' } } }, /maxBackoff/);
    refused({ name: 'Retry', args: { tries: 1 } }, /unknown argument 'tries'/);
  });
});

describe('CircuitBreaker arguments', () => {
  it("shortcut name; resilience4j's defaults; fallbackUri and statusCodes", () => {
    const plain = make('CircuitBreaker=orders').breaker;
    assert.equal(plain?.breaker.name, 'orders');
    assert.equal(plain?.breaker.config.slidingWindowSize, 100);
    assert.equal(plain?.breaker.config.waitDurationInOpenStateMs, 60_000);
    assert.equal(plain?.fallbackPath, undefined);
    const full = make({
      name: 'CircuitBreaker',
      args: {
        fallbackUri: 'forward:/fallback',
        statusCodes: ['500', 'BAD_GATEWAY'],
        slidingWindowSize: 4,
        minimumNumberOfCalls: 2,
        waitDurationInOpenState: '200ms',
        slowCallDurationThreshold: '50ms',
        permittedNumberOfCallsInHalfOpenState: 2,
      },
    }).breaker;
    assert.equal(full?.breaker.name, 'route-x');
    assert.equal(full?.fallbackPath, '/fallback');
    assert.deepEqual([...(full?.statusCodes ?? [])], [500, 502]);
    assert.equal(full?.breaker.config.minimumNumberOfCalls, 2);
    assert.equal(full?.breaker.config.waitDurationInOpenStateMs, 200);
    assert.equal(full?.breaker.config.slowCallDurationThresholdMs, 50);
  });

  it('refuses bad values', () => {
    refused({ name: 'CircuitBreaker', args: { fallbackUri: 'http://x' } }, /forward:\/path/);
    refused(
      { name: 'CircuitBreaker', args: { failureRateThreshold: 0 } },
      /'failureRateThreshold' must be a percentage/,
    );
    refused(
      { name: 'CircuitBreaker', args: { slidingWindowType: 'SOMETIMES' } },
      /COUNT_BASED or TIME_BASED/,
    );
    refused({ name: 'CircuitBreaker', args: { statusCodes: '700' } }, /argument 'statusCodes' has '700'/);
  });
});

describe('RequestRateLimiter arguments', () => {
  it("RedisRateLimiter's names; the key is the client IP or a header", () => {
    const rate = make({
      name: 'RequestRateLimiter',
      args: {
        'redis-rate-limiter.replenishRate': 2,
        'redis-rate-limiter.burstCapacity': 4,
        'redis-rate-limiter.requestedTokens': 2,
      },
    }).rateLimit;
    assert.deepEqual(
      { ...rate?.limiter.config },
      { replenishRate: 2, burstCapacity: 4, requestedTokens: 2, maxKeys: 10_000 },
    );
    assert.equal(rate?.keyOf('10.0.0.1', {}), '10.0.0.1');
    const byHeader = make({
      name: 'RequestRateLimiter',
      args: { 'redis-rate-limiter': { replenishRate: 1 }, 'key-resolver': 'header:X-Api-Key' },
    }).rateLimit;
    assert.equal(byHeader?.keyOf('10.0.0.1', { 'x-api-key': 'k1' }), 'k1');
    assert.equal(byHeader?.keyOf('10.0.0.1', {}), undefined);
  });

  it('refuses bad values', () => {
    refused('RequestRateLimiter', /'redis-rate-limiter.replenishRate' is required/);
    refused(
      { name: 'RequestRateLimiter', args: { 'redis-rate-limiter.replenishRate': 0 } },
      /must be a number > 0/,
    );
    refused(
      {
        name: 'RequestRateLimiter',
        args: { 'redis-rate-limiter.replenishRate': 1, 'redis-rate-limiter.requestedTokens': 5 },
      },
      /more than burstCapacity/,
    );
    refused(
      {
        name: 'RequestRateLimiter',
        args: { 'redis-rate-limiter.replenishRate': 1, 'key-resolver': '#{@user}' },
      },
      /'ip' or 'header:Name'/,
    );
  });
});

describe('durations and statuses', () => {
  it('parses as Spring does', () => {
    assert.equal(parseDuration('250', 'k'), 250);
    assert.equal(parseDuration('2s', 'k'), 2000);
    assert.equal(parseDuration('PT1.5S', 'k'), 1500);
    assert.throws(() => parseDuration('PT', 'k'), /duration/);
    assert.equal(parseStatus('service_unavailable', 'k'), 503);
    assert.equal(parseStatus('418', 'k'), 418);
  });
});
