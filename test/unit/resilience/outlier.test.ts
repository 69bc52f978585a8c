// Envoy's consecutive-5xx ejection: after 5 in a row, out for base × ejections (capped), no more
// than maxEjectionPercent of the instances out, and the count lowered by time back in service.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OUTLIER_DEFAULTS, OutlierDetector } from '../../../src/resilience/index.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const twenty = Array.from({ length: 20 }, (_, i) => `i${i}`);

function fail(d: OutlierDetector, id: string, n: number, all = twenty): boolean {
  let ejected = false;
  for (let i = 0; i < n; i++) ejected = d.failure(id, all) || ejected;
  return ejected;
}

test("defaults are Envoy's", () => {
  assert.deepEqual(
    { ...OUTLIER_DEFAULTS, maxInstances: undefined },
    {
      consecutive5xx: 5,
      baseEjectionTimeMs: 30_000,
      maxEjectionTimeMs: 300_000,
      maxEjectionPercent: 10,
      intervalMs: 10_000,
      maxInstances: undefined,
    },
  );
});

test('five failures in a row eject; a success in between starts the count again', () => {
  const d = new OutlierDetector({}, new ManualClock());
  assert.equal(fail(d, 'i0', 4), false);
  d.success('i0');
  assert.equal(fail(d, 'i0', 4), false);
  assert.equal(d.isEjected('i0'), false);
  assert.equal(fail(d, 'i0', 1), true);
  assert.equal(d.isEjected('i0'), true);
});

test('each ejection lasts base × the number of ejections, up to maxEjectionTime', async () => {
  const clock = new ManualClock();
  const d = new OutlierDetector({ maxEjectionTimeMs: 90_000 }, clock);
  const lengths: number[] = [];
  d.onEject((e) => lengths.push(e.untilMs - clock.now()));
  for (let round = 0; round < 4; round++) {
    fail(d, 'i0', 5);
    await clock.advance(lengths.at(-1) ?? 0);
    assert.equal(d.isEjected('i0'), false);
  }
  assert.deepEqual(lengths, [30_000, 60_000, 90_000, 90_000]);
});

test('time back in service lowers the ejection count by one per interval', async () => {
  const clock = new ManualClock();
  const d = new OutlierDetector({}, clock);
  fail(d, 'i0', 5);
  await clock.advance(30_000);
  fail(d, 'i0', 5);
  assert.equal(d.ejections('i0'), 2);
  await clock.advance(60_000 + 10_000);
  assert.equal(d.ejections('i0'), 1);
  await clock.advance(10_000);
  assert.equal(d.ejections('i0'), 0);
});

test('no ejection once maxEjectionPercent of the instances are out (one can always go)', () => {
  const d = new OutlierDetector({}, new ManualClock());
  const skipped: string[] = [];
  d.onEjectionSkipped((e) => skipped.push(e.instance));
  assert.equal(fail(d, 'i0', 5), true);
  assert.equal(fail(d, 'i1', 5), true, '1 of 20 out is 5 %, below 10 %');
  assert.equal(fail(d, 'i2', 5), false, '2 of 20 out is 10 %');
  assert.deepEqual(skipped, ['i2']);
  const three = ['a', 'b', 'c'];
  const small = new OutlierDetector({}, new ManualClock());
  assert.equal(fail(small, 'a', 5, three), true, 'with 3 instances the first still goes');
  assert.equal(fail(small, 'b', 5, three), false);
});
