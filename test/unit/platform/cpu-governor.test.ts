// The platform's CPU governor: requests go straight in while the thread has time to spare, wait
// while it was busier than its share, and a full waiting room answers "busy".

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CpuGovernor, PlatformBusyError } from '../../../src/platform/worker/cpu-governor.js';

const spin = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {}
};
const nextWindow = (g: CpuGovernor, busy: boolean) =>
  new Promise<void>((resolve) => {
    const check = () => (g.utilization > 0.5 === busy ? resolve() : setTimeout(check, 5));
    check();
  });

test('requests wait while the thread was over its share, one per window, and go in once it is not', async () => {
  const g = new CpuGovernor({ maxUtilization: 0.5, windowMs: 50, maxWaiting: 2 });
  try {
    assert.equal(g.admit(), undefined, 'idle: straight in');
    // Keep the loop busy across a whole window.
    while (g.utilization <= 0.5) {
      spin(60);
      await new Promise((r) => setImmediate(r));
    }
    const first = g.admit();
    const second = g.admit();
    assert.ok(first instanceof Promise && second instanceof Promise, 'busy: both wait');
    await assert.rejects(g.admit() as Promise<void>, PlatformBusyError, 'the waiting room holds 2');
    assert.equal(g.refused, 1);
    await first;
    await second;
    await nextWindow(g, false);
    assert.equal(g.admit(), undefined, 'idle again: straight in');
    assert.equal(g.delayed, 2);
  } finally {
    g.close();
  }
});

test('a share of 1 never holds anything back', () => {
  const g = new CpuGovernor({ maxUtilization: 1 });
  spin(20);
  assert.equal(g.admit(), undefined);
  g.close();
});
