// resilience4j's circuit breaker rules, one test each, with a clock moved by hand.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSluiceError } from '../../../src/errors/index.js';
import {
  CallNotPermittedError,
  CIRCUIT_BREAKER_DEFAULTS,
  CircuitBreaker,
  type CircuitBreakerOptions,
  circuitBreakerConfig,
  type StateTransition,
} from '../../../src/resilience/index.js';
import { ManualClock } from '../../helpers/manual-clock.js';

function breaker(options: CircuitBreakerOptions = {}) {
  const clock = new ManualClock();
  const b = new CircuitBreaker({ name: 'orders', clock, ...options });
  const transitions: StateTransition[] = [];
  b.onStateTransition((t) => transitions.push(t));
  return { clock, b, transitions };
}

/** Records `n` calls of `ms` each through permits. */
function calls(b: CircuitBreaker, n: number, outcome: 'success' | 'failure', ms = 1): void {
  for (let i = 0; i < n; i++) {
    const permit = b.acquire();
    assert.ok(permit, `call ${i + 1} permitted`);
    permit[outcome](ms);
  }
}

test("defaults are resilience4j's", () => {
  assert.deepEqual(circuitBreakerConfig(), {
    slidingWindowType: 'COUNT_BASED',
    slidingWindowSize: 100,
    minimumNumberOfCalls: 100,
    failureRateThreshold: 50,
    slowCallRateThreshold: 100,
    slowCallDurationThresholdMs: 60_000,
    waitDurationInOpenStateMs: 60_000,
    permittedNumberOfCallsInHalfOpenState: 10,
    maxWaitDurationInHalfOpenStateMs: 0,
    automaticTransitionFromOpenToHalfOpenEnabled: false,
  });
  assert.equal(CIRCUIT_BREAKER_DEFAULTS.failureRateThreshold, 50);
});

test('a bad setting is INVALID_CONFIG naming its field', () => {
  assert.throws(
    () => circuitBreakerConfig({ failureRateThreshold: 0 }),
    (e: unknown) => isSluiceError(e, 'INVALID_CONFIG') && e.details?.key === 'failureRateThreshold',
  );
  assert.throws(
    () => circuitBreakerConfig({ slidingWindowType: 'SIZE' as 'COUNT_BASED' }),
    (e: unknown) => isSluiceError(e, 'INVALID_CONFIG') && e.details?.key === 'slidingWindowType',
  );
});

test('COUNT_BASED caps minimumNumberOfCalls at the window size, as resilience4j does; TIME_BASED does not', () => {
  assert.equal(circuitBreakerConfig({ slidingWindowSize: 10 }).minimumNumberOfCalls, 10);
  assert.equal(
    circuitBreakerConfig({ slidingWindowType: 'TIME_BASED', slidingWindowSize: 10 }).minimumNumberOfCalls,
    100,
  );
});

test('no rate is judged below minimumNumberOfCalls, however many calls fail', () => {
  const { b } = breaker({ slidingWindowSize: 10, minimumNumberOfCalls: 5 });
  calls(b, 4, 'failure');
  assert.equal(b.state, 'CLOSED');
  assert.equal(b.metrics().failureRate, -1);
  calls(b, 1, 'failure');
  assert.equal(b.state, 'OPEN');
});

test('COUNT_BASED opens at a failure rate equal to the threshold, not below it', () => {
  const below = breaker({ slidingWindowSize: 10 }).b;
  calls(below, 6, 'success');
  calls(below, 4, 'failure');
  assert.equal(below.state, 'CLOSED');
  assert.equal(below.metrics().failureRate, 40);

  const { b, transitions } = breaker({ slidingWindowSize: 10 });
  calls(b, 5, 'success');
  calls(b, 5, 'failure');
  assert.equal(b.state, 'OPEN');
  assert.deepEqual(transitions, [{ breaker: 'orders', from: 'CLOSED', to: 'OPEN', reason: 'failure-rate' }]);
});

test('COUNT_BASED forgets the oldest call as a new one comes in', () => {
  const { b } = breaker({ slidingWindowSize: 4, failureRateThreshold: 75 });
  calls(b, 2, 'failure');
  calls(b, 2, 'success'); // 2 of 4 failed: 50 %
  calls(b, 2, 'success'); // the two failures slide out
  assert.deepEqual({ calls: b.metrics().calls, failed: b.metrics().failedCalls }, { calls: 4, failed: 0 });
  calls(b, 2, 'failure'); // 2 of 4 again, below 75 %
  assert.equal(b.state, 'CLOSED');
  calls(b, 1, 'failure'); // 3 of 4
  assert.equal(b.state, 'OPEN');
});

test('TIME_BASED counts only the calls of the last slidingWindowSize seconds', async () => {
  const { b, clock } = breaker({
    slidingWindowType: 'TIME_BASED',
    slidingWindowSize: 10,
    minimumNumberOfCalls: 4,
  });
  calls(b, 3, 'failure');
  await clock.advance(10_000); // those three are now out of the window
  calls(b, 3, 'success');
  assert.equal(b.metrics().calls, 3);
  assert.equal(b.state, 'CLOSED');
  calls(b, 1, 'failure'); // 1 of 4: 25 %
  assert.equal(b.state, 'CLOSED');
  await clock.advance(5_000);
  calls(b, 2, 'failure'); // 3 of 6 in the last 10 s
  assert.equal(b.state, 'OPEN');
});

test('slow calls open the breaker by the slow-call rate even when they all succeed', () => {
  const { b, transitions } = breaker({
    slidingWindowSize: 4,
    slowCallDurationThresholdMs: 100,
    slowCallRateThreshold: 50,
  });
  calls(b, 2, 'success', 100); // exactly the threshold is not slow (resilience4j: longer than)
  calls(b, 1, 'success', 101);
  calls(b, 1, 'success', 5);
  assert.equal(b.state, 'CLOSED');
  assert.equal(b.metrics().slowCallRate, 25);
  calls(b, 1, 'success', 500); // window: 100, 101, 5, 500 → 2 of 4 slow
  assert.equal(b.state, 'OPEN');
  assert.equal(transitions[0]?.reason, 'slow-call-rate');
});

test('execute times the call with the injected clock and records results that count as failures', async () => {
  const { b, clock } = breaker({
    slidingWindowSize: 2,
    failureRateThreshold: 60,
    slowCallDurationThresholdMs: 1_000,
    slowCallRateThreshold: 100,
    recordResult: (r) => (r as { status: number }).status >= 500,
  });
  const slow = await b.execute(async () => {
    await clock.advance(2_000);
    return { status: 200 };
  });
  assert.equal(slow.status, 200);
  assert.equal(b.metrics().slowCalls, 1);
  await b.execute(() => ({ status: 503 }));
  assert.deepEqual(
    { failed: b.metrics().failedCalls, slow: b.metrics().slowCalls, state: b.state },
    { failed: 1, slow: 1, state: 'CLOSED' },
  );
});

test('errors: recorded ones fail, ignored ones count as nothing, the others count as successes', async () => {
  const { b } = breaker({
    slidingWindowSize: 10,
    recordError: (e) => (e as Error).message !== 'not recorded',
    ignoreError: (e) => (e as Error).message === 'ignored',
  });
  for (const message of ['recorded', 'ignored', 'not recorded'])
    await assert.rejects(
      b.execute(() => {
        throw new Error(message);
      }),
      { message },
    );
  const m = b.metrics();
  assert.deepEqual({ calls: m.calls, failed: m.failedCalls }, { calls: 2, failed: 1 });
});

test('OPEN rejects with a 503 CallNotPermittedError until the wait has passed, then the next call is a half-open trial', async () => {
  const { b, clock, transitions } = breaker({
    slidingWindowSize: 2,
    waitDurationInOpenStateMs: 60_000,
    permittedNumberOfCallsInHalfOpenState: 2,
  });
  calls(b, 2, 'failure');
  assert.equal(b.state, 'OPEN');
  let ran = 0;
  await assert.rejects(
    b.execute(() => ran++),
    (e: unknown) => e instanceof CallNotPermittedError && e.httpStatus === 503 && e.state === 'OPEN',
  );
  assert.equal(ran, 0);
  await clock.advance(59_999);
  assert.equal(b.acquire(), undefined);
  assert.equal(b.metrics().notPermittedCalls, 2);
  await clock.advance(1);
  assert.equal(b.state, 'OPEN', 'no automatic transition by default: it waits for a call');
  await b.execute(() => ran++);
  assert.equal(b.state, 'HALF_OPEN');
  assert.deepEqual(transitions.at(-1), {
    breaker: 'orders',
    from: 'OPEN',
    to: 'HALF_OPEN',
    reason: 'wait-elapsed',
  });
});

test('HALF_OPEN permits exactly its trials, rejects the rest, and closes when they pass', async () => {
  const { b, clock } = breaker({
    slidingWindowSize: 2,
    waitDurationInOpenStateMs: 1_000,
    permittedNumberOfCallsInHalfOpenState: 3,
  });
  calls(b, 2, 'failure');
  await clock.advance(1_000);
  const trials = [b.acquire(), b.acquire(), b.acquire()];
  assert.ok(trials.every(Boolean));
  assert.equal(b.state, 'HALF_OPEN');
  assert.equal(b.acquire(), undefined, 'a fourth call is rejected, not queued');
  trials[0]?.success(1);
  trials[1]?.failure(1); // 1 of 3 failed: below 50 %
  assert.equal(b.state, 'HALF_OPEN');
  trials[2]?.success(1);
  assert.equal(b.state, 'CLOSED');
  assert.equal(b.metrics().calls, 0, 'CLOSED starts with a fresh window');
});

test('HALF_OPEN opens again when its trials fail or are slow at the thresholds', async () => {
  const { b, clock, transitions } = breaker({
    slidingWindowSize: 2,
    waitDurationInOpenStateMs: 1_000,
    permittedNumberOfCallsInHalfOpenState: 2,
    slowCallDurationThresholdMs: 10,
    slowCallRateThreshold: 50,
  });
  calls(b, 2, 'failure');
  await clock.advance(1_000);
  calls(b, 1, 'success', 1);
  calls(b, 1, 'success', 50); // 1 of 2 slow: 50 %
  assert.equal(b.state, 'OPEN');
  assert.equal(transitions.at(-1)?.reason, 'trials-failed');
});

test('an ignored trial is given back; outcomes of calls from before a transition are not counted', async () => {
  const { b, clock } = breaker({
    slidingWindowSize: 2,
    waitDurationInOpenStateMs: 1_000,
    permittedNumberOfCallsInHalfOpenState: 1,
  });
  const early = b.acquire();
  calls(b, 2, 'failure');
  assert.equal(b.state, 'OPEN');
  await clock.advance(1_000);
  const trial = b.acquire();
  assert.equal(b.acquire(), undefined);
  trial?.release();
  early?.failure(1); // permitted while CLOSED: not a trial
  assert.equal(b.state, 'HALF_OPEN');
  b.acquire()?.success(1);
  assert.equal(b.state, 'CLOSED');
});

test('automatic transition goes HALF_OPEN by a timer; maxWaitDurationInHalfOpenState opens it again', async () => {
  const { b, clock, transitions } = breaker({
    slidingWindowSize: 2,
    waitDurationInOpenStateMs: 5_000,
    automaticTransitionFromOpenToHalfOpenEnabled: true,
    maxWaitDurationInHalfOpenStateMs: 2_000,
  });
  calls(b, 2, 'failure');
  await clock.advance(5_000);
  assert.equal(b.state, 'HALF_OPEN');
  await clock.advance(2_000);
  assert.equal(b.state, 'OPEN');
  assert.equal(transitions.at(-1)?.reason, 'half-open-wait-exceeded');
  b.close();
  assert.equal(clock.timers, 0);
});

test('DISABLED lets everything through unrecorded; FORCED_OPEN rejects everything', () => {
  const { b } = breaker({ slidingWindowSize: 2 });
  b.transitionToDisabled();
  calls(b, 10, 'failure');
  assert.equal(b.state, 'DISABLED');
  b.transitionToForcedOpen();
  assert.equal(b.acquire(), undefined);
  b.transitionToClosed();
  assert.ok(b.acquire());
});

test('rejections and recorded calls are emitted for metrics', async () => {
  const { b } = breaker({ slidingWindowSize: 2, slowCallDurationThresholdMs: 5 });
  const kinds: string[] = [];
  const rejected: string[] = [];
  b.onCallRecorded((e) => kinds.push(e.kind));
  b.onCallNotPermitted((e) => rejected.push(e.state));
  calls(b, 1, 'success', 10);
  calls(b, 1, 'failure', 1);
  assert.equal(b.acquire(), undefined);
  assert.deepEqual(kinds, ['slow_successful', 'failed']);
  assert.deepEqual(rejected, ['OPEN']);
});
