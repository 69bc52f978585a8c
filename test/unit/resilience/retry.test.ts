// Retry rules: which methods, errors and statuses; never the same instance twice; Envoy's budget
// arithmetic; and the bounds of full jitter.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSluiceError } from '../../../src/errors/index.js';
import {
  backoffCeiling,
  classifyError,
  fullJitterDelay,
  methodRetryable,
  Retrier,
  RetryBudget,
  type RetryEvent,
  retryConfig,
  statusRetryable,
} from '../../../src/resilience/index.js';

const defaults = retryConfig();

test("defaults: Spring Cloud Gateway's Retry filter (3 retries, 5xx, IO errors and timeouts), every idempotent method", () => {
  assert.equal(defaults.retries, 3);
  for (const m of ['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'])
    assert.ok(methodRetryable(m, defaults), m);
  for (const m of ['POST', 'PATCH', 'CONNECT']) assert.ok(!methodRetryable(m, defaults), m);
  assert.ok(methodRetryable('POST', retryConfig({ safe: true })), 'a call marked safe');
  assert.ok(statusRetryable(502, defaults) && statusRetryable(503, defaults));
  assert.ok(!statusRetryable(404, defaults) && !statusRetryable(200, defaults));
  assert.ok(statusRetryable(429, retryConfig({ statuses: [429], series: [] })));
  assert.ok(!statusRetryable(503, retryConfig({ statuses: [429], series: [] })));
  assert.deepEqual(defaults.backoff, { firstBackoffMs: 5, maxBackoffMs: 1_000, factor: 2 });
});

test('a bad retry setting is INVALID_CONFIG naming it', () => {
  assert.throws(
    () => retryConfig({ retries: -1 }),
    (e: unknown) => isSluiceError(e, 'INVALID_CONFIG') && e.details?.key === 'retries',
  );
  assert.throws(
    () => retryConfig({ statuses: [99] }),
    (e: unknown) => isSluiceError(e, 'INVALID_CONFIG'),
  );
});

test('errors are classed by their code, through causes: connect, reset, timeout, or not retried', () => {
  const coded = (code: string) => Object.assign(new Error(code), { code });
  assert.equal(classifyError(coded('ECONNREFUSED')), 'connect');
  assert.equal(classifyError(coded('UND_ERR_CONNECT_TIMEOUT')), 'connect');
  assert.equal(classifyError(new TypeError('fetch failed', { cause: coded('UND_ERR_SOCKET') })), 'reset');
  assert.equal(classifyError(coded('UND_ERR_HEADERS_TIMEOUT')), 'timeout');
  assert.equal(classifyError(new Error('bug')), undefined);
});

test("Envoy's budget: max(min_retry_concurrency, ⌊budget_percent × active requests⌋) retries at once", () => {
  const budget = new RetryBudget();
  assert.deepEqual(budget.config, { budgetPercent: 20, minRetryConcurrency: 3 });
  const ends = Array.from({ length: 10 }, () => budget.requestStarted());
  assert.equal(budget.allowedRetries, 3, '20 % of 10 is 2, below the minimum of 3');
  const slots = [budget.tryAcquireRetry(), budget.tryAcquireRetry(), budget.tryAcquireRetry()];
  assert.ok(slots.every(Boolean));
  assert.equal(budget.tryAcquireRetry(), undefined);
  for (let i = 0; i < 15; i++) ends.push(budget.requestStarted());
  assert.equal(budget.allowedRetries, 5, '20 % of 25');
  ends.push(budget.requestStarted());
  assert.equal(budget.allowedRetries, 5, '20 % of 26 is 5.2: rounded down, as Envoy does');
  assert.ok(budget.tryAcquireRetry() && budget.tryAcquireRetry());
  assert.equal(budget.tryAcquireRetry(), undefined);
  slots[0]?.();
  slots[0]?.(); // releasing twice frees one slot only
  assert.equal(budget.activeRetries, 4);
  for (const end of ends) end();
  assert.equal(budget.activeRequests, 0);
  assert.equal(new RetryBudget({ budgetPercent: 50, minRetryConcurrency: 0 }).allowedRetries, 0);
});

test('full jitter stays in [0, min(max, first × factor^(n-1))) and reaches both ends', () => {
  const config = { firstBackoffMs: 5, maxBackoffMs: 30, factor: 2 };
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((n) => backoffCeiling(n, config)),
    [5, 10, 20, 30, 30],
  );
  for (const n of [1, 2, 3, 4]) {
    assert.equal(
      fullJitterDelay(n, config, () => 0),
      0,
    );
    assert.equal(
      fullJitterDelay(n, config, () => 0.999_999),
      backoffCeiling(n, config) - 1,
    );
  }
  for (let i = 0; i < 1000; i++) {
    const d = fullJitterDelay(3, config);
    assert.ok(d >= 0 && d < 20, String(d));
  }
  assert.equal(
    fullJitterDelay(3, { firstBackoffMs: 5, maxBackoffMs: 1000, factor: 3 }, () => 0.5),
    22,
  );
});

interface Attempted {
  instance: string;
  attempt: number;
}

function retrier(options: ConstructorParameters<typeof Retrier>[0] = {}) {
  return new Retrier({ backoff: null, ...options });
}

/** Instances a–c, each answering with the status (or throwing the error) it is given. */
function upstream(behaviour: Record<string, number | Error>) {
  const tried: Attempted[] = [];
  const ids = Object.keys(behaviour);
  return {
    tried,
    pick: (excluding: ReadonlySet<string>) => {
      const id = ids.find((i) => !excluding.has(i));
      return id === undefined ? undefined : { id };
    },
    attempt: async (instance: { id: string }, ctx: { attempt: number }) => {
      tried.push({ instance: instance.id, attempt: ctx.attempt });
      const b = behaviour[instance.id];
      if (b instanceof Error) throw b;
      return { status: b as number };
    },
  };
}

const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

test('a GET is retried on the next instance, never on one that failed, and the events say why', async () => {
  const r = retrier();
  const events: RetryEvent[] = [];
  r.onRetry((e) => events.push(e));
  const u = upstream({ a: refused(), b: 503, c: 200 });
  const result = await r.execute({
    method: 'GET',
    ...u,
    statusOf: (x) => x.status,
    noInstance: () => new Error('none'),
  });
  assert.equal(result.status, 200);
  assert.deepEqual(
    u.tried.map((t) => t.instance),
    ['a', 'b', 'c'],
  );
  assert.deepEqual(
    events.map((e) => [e.retry, e.reason, e.failedInstance, e.nextInstance]),
    [
      [1, 'connect', 'a', 'b'],
      [2, 'status', 'b', 'c'],
    ],
  );
  assert.equal(r.budget.activeRequests, 0);
  assert.equal(r.budget.activeRetries, 0);
});

test('with no instance left untried, the last answer is returned as it is', async () => {
  const u = upstream({ a: 503, b: 502 });
  const discarded: number[] = [];
  const result = await retrier().execute({
    method: 'GET',
    ...u,
    statusOf: (x) => x.status,
    discard: (x) => discarded.push(x.status),
    noInstance: () => new Error('none'),
  });
  assert.equal(result.status, 502);
  assert.deepEqual(
    u.tried.map((t) => t.instance),
    ['a', 'b'],
  );
  assert.deepEqual(discarded, [503], 'the dropped answer is freed');
});

test('a POST is never retried, unless the call is marked safe', async () => {
  const u = upstream({ a: refused(), b: 200 });
  await assert.rejects(
    retrier().execute({
      method: 'POST',
      ...u,
      statusOf: (x) => x.status,
      noInstance: () => new Error('none'),
    }),
    /ECONNREFUSED/,
  );
  assert.equal(u.tried.length, 1);
  const safe = await retrier().execute({
    method: 'POST',
    ...u,
    statusOf: (x) => x.status,
    noInstance: () => new Error('none'),
    config: { safe: true },
  });
  assert.equal(safe.status, 200);
});

test('errors that are not IO errors or timeouts are not retried; retries stop at `retries`', async () => {
  const u = upstream({ a: new Error('bug'), b: 200 });
  await assert.rejects(
    retrier().execute({
      method: 'GET',
      ...u,
      statusOf: (x) => x.status,
      noInstance: () => new Error('none'),
    }),
    /bug/,
  );
  assert.equal(u.tried.length, 1);
  const many = upstream({ a: 503, b: 503, c: 503, d: 503, e: 200 });
  const result = await retrier({ retries: 2 }).execute({
    method: 'GET',
    ...many,
    statusOf: (x) => x.status,
    noInstance: () => new Error('none'),
  });
  assert.equal(result.status, 503);
  assert.equal(many.tried.length, 3);
});

test('a retry the budget has no room for is not made, and that is emitted', async () => {
  const budget = new RetryBudget({ budgetPercent: 0, minRetryConcurrency: 0 });
  const r = retrier({ budget });
  let exhausted = 0;
  r.onBudgetExhausted(() => exhausted++);
  const u = upstream({ a: 503, b: 200 });
  const result = await r.execute({
    method: 'GET',
    ...u,
    statusOf: (x) => x.status,
    noInstance: () => new Error('none'),
  });
  assert.equal(result.status, 503);
  assert.equal(exhausted, 1);
});

test('no instance at all is the caller’s error', async () => {
  await assert.rejects(
    retrier().execute({
      method: 'GET',
      pick: () => undefined,
      attempt: async () => ({ status: 200 }),
      statusOf: (x) => x.status,
      noInstance: () => new Error('no instance of orders'),
    }),
    /no instance of orders/,
  );
});

test("a call's own budget (one per upstream) is the one drawn on and counted", async () => {
  const r = retrier();
  const own = new RetryBudget({ budgetPercent: 0, minRetryConcurrency: 0 });
  const u = upstream({ a: 503, b: 200 });
  const seen: number[] = [];
  const result = await r.execute({
    method: 'GET',
    ...u,
    attempt: async (i, ctx) => {
      seen.push(own.activeRequests);
      return u.attempt(i, ctx);
    },
    statusOf: (x) => x.status,
    noInstance: () => new Error('none'),
    budget: own,
  });
  assert.equal(result.status, 503, 'its budget has no room, though the Retrier’s own would');
  assert.deepEqual(seen, [1]);
  assert.equal(r.budget.activeRequests, 0);
});
