// Timeouts: two numbers, checked; the response timeout fails the call at once with a 504 error,
// aborts the attempt's signal, leaves it alone when the answer came in time, and a caller giving up
// is not a timeout. Node's mock timers move time: nothing waits.

import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { isSluiceError } from '../../../src/errors/index.js';
import {
  ResponseTimeoutError,
  TIMEOUT_DEFAULTS,
  timeouts,
  withResponseTimeout,
} from '../../../src/resilience/index.js';

test('defaults and checks', () => {
  assert.deepEqual(TIMEOUT_DEFAULTS, { connectTimeoutMs: 10_000, responseTimeoutMs: 30_000 });
  assert.deepEqual(timeouts({ responseTimeoutMs: 0 }), { connectTimeoutMs: 10_000, responseTimeoutMs: 0 });
  assert.throws(
    () => timeouts({ connectTimeoutMs: 0 }),
    (e: unknown) => isSluiceError(e, 'INVALID_CONFIG') && e.details?.key === 'connectTimeoutMs',
  );
  assert.throws(
    () => timeouts({ responseTimeoutMs: 1.5 }),
    (e: unknown) => isSluiceError(e, 'INVALID_CONFIG'),
  );
});

test('no answer in time: ResponseTimeoutError (504) at once, and the attempt is aborted', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let inner: AbortSignal | undefined;
  const call = withResponseTimeout(5_000, (signal) => {
    inner = signal;
    return new Promise<string>(() => {});
  });
  t.mock.timers.tick(4_999);
  assert.equal(inner?.aborted, false);
  t.mock.timers.tick(1);
  await assert.rejects(call, (e: unknown) => e instanceof ResponseTimeoutError && e.httpStatus === 504);
  assert.equal(inner?.aborted, true);
});

test('an answer in time keeps its signal open (a streamed body goes on); 0 means no timeout', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let inner: AbortSignal | undefined;
  const value = await withResponseTimeout(5_000, async (signal) => {
    inner = signal;
    return 'headers';
  });
  assert.equal(value, 'headers');
  t.mock.timers.tick(10_000);
  assert.equal(inner?.aborted, false);
  const unbounded = withResponseTimeout(
    0,
    () => new Promise<string>((r) => setTimeout(() => r('late'), 3_600_000)),
  );
  t.mock.timers.tick(3_600_000);
  assert.equal(await unbounded, 'late');
});

test('the caller aborting is not reported as a timeout', async () => {
  mock.timers.reset();
  const caller = new AbortController();
  const call = withResponseTimeout(
    60_000,
    (signal) =>
      new Promise<string>((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error('aborted by caller'))),
      ),
    caller.signal,
  );
  caller.abort();
  await assert.rejects(call, (e: unknown) => !(e instanceof ResponseTimeoutError));
});
