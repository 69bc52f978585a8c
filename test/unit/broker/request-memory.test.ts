import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestMemoryPool } from '../../../src/broker/request-memory.js';

function waiter(pool: RequestMemoryPool, bytes: number, log: string[], name: string) {
  const w = {
    retryReserve() {
      if (pool.tryReserve(bytes, w)) log.push(name);
    },
  };
  return w;
}

test('the request pool admits a frame while any budget is left, then queues in order', () => {
  const pool = new RequestMemoryPool(100);
  const log: string[] = [];
  const a = waiter(pool, 80, log, 'a');
  const b = waiter(pool, 80, log, 'b');
  const c = waiter(pool, 10, log, 'c');
  assert.equal(pool.tryReserve(80, a), true);
  assert.equal(pool.tryReserve(80, b), true); // 80 < 100: admitted, overshooting like Kafka's pool
  assert.equal(pool.used, 160);
  assert.equal(pool.tryReserve(80, a), false);
  assert.equal(pool.tryReserve(10, c), false); // behind a, though small
  assert.equal(pool.waiting, 2);
  pool.release(80); // 80 used: a, first in line, gets in and fills the pool again
  assert.deepEqual(log, ['a']);
  assert.equal(pool.used, 160);
  pool.release(80);
  assert.deepEqual(log, ['a', 'c']);
  assert.equal(pool.used, 90);
  assert.equal(pool.waits, 2);
});

test('a waiter that goes away no longer holds up the queue', () => {
  const pool = new RequestMemoryPool(10);
  const log: string[] = [];
  const holder = waiter(pool, 10, log, 'holder');
  const gone = waiter(pool, 10, log, 'gone');
  const next = waiter(pool, 5, log, 'next');
  pool.tryReserve(10, holder);
  pool.tryReserve(10, gone);
  pool.tryReserve(5, next);
  pool.forget(gone);
  pool.release(10);
  assert.deepEqual(log, ['next']);
});

test('bug: large frames that never complete held every small request until they timed out', () => {
  const MiB = 1024 * 1024;
  const pool = new RequestMemoryPool(100 * MiB); // a quarter of it is kept for small frames
  const log: string[] = [];
  const huge1 = waiter(pool, 100 * MiB, log, 'huge1');
  const huge2 = waiter(pool, 100 * MiB, log, 'huge2');
  const produce = waiter(pool, 64 * 1024, log, 'produce');
  assert.equal(pool.tryReserve(100 * MiB, huge1), true);
  assert.equal(pool.tryReserve(100 * MiB, huge2), false); // large frames wait behind the first
  assert.equal(pool.tryReserve(64 * 1024, produce), true); // small ones do not wait behind them
  // Small frames fill their reserve, then wait too; the worst case stays limit + one frame.
  const small = waiter(pool, MiB, log, 'small');
  let admitted = 0;
  while (pool.tryReserve(MiB, small)) admitted++;
  assert.equal(admitted, 25);
  assert.ok(pool.used <= 200 * MiB);
  pool.release(100 * MiB); // huge1 went away: the pool has room for both queues again
  assert.deepEqual(log, ['small', 'huge2']);
});

test('small frames use the whole pool while no large frame needs it', () => {
  const pool = new RequestMemoryPool(10 * 1024 * 1024);
  const w = waiter(pool, 1024 * 1024, [], 'w');
  let admitted = 0;
  while (pool.tryReserve(1024 * 1024, w)) admitted++;
  assert.equal(admitted, 10);
});
