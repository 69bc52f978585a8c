import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReadBufferPool } from '../../../src/storage/index.js';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('ReadBufferPool', () => {
  it('lends a slab again only after the lease holding it is released', () => {
    const pool = new ReadBufferPool(64 * MiB);
    const first = pool.lease();
    const a = first.take(MiB + 4 * KiB);
    assert.equal(a.length, MiB + 4 * KiB);
    const second = pool.lease();
    const b = second.take(MiB + 4 * KiB);
    assert.notEqual(a.buffer, b.buffer, 'a held slab is not lent twice');
    first.release();
    const c = second.take(2 * MiB);
    assert.equal(c.buffer, a.buffer, 'a released slab of the same size is reused');
    assert.equal(pool.reused, 1);
    assert.equal(pool.allocated, 2);
  });

  it('keeps at most its limit of idle bytes and drops the rest', () => {
    const pool = new ReadBufferPool(4 * MiB);
    const lease = pool.lease();
    for (let i = 0; i < 5; i++) lease.take(MiB); // 1 MiB slabs
    lease.release();
    assert.equal(pool.idle, 4 * MiB);
    const off = new ReadBufferPool(0);
    const none = off.lease();
    none.take(MiB);
    none.release();
    assert.equal(off.idle, 0, 'a pool of 0 bytes keeps nothing');
  });

  it('does not pool small reads, and releasing twice gives nothing back twice', () => {
    const pool = new ReadBufferPool(64 * MiB);
    const lease = pool.lease();
    lease.take(4 * KiB);
    assert.equal(lease.held, 0);
    lease.take(100 * KiB); // a 128 KiB slab
    lease.release();
    lease.release();
    assert.equal(pool.idle, 128 * KiB);
  });

  it('frees idle slabs after a trim period without reads, keeps them while reads go on', () => {
    const pool = new ReadBufferPool(64 * MiB);
    const lease = pool.lease();
    lease.take(MiB);
    lease.release();
    pool.trim(); // a read happened in this period: kept
    assert.equal(pool.idle, MiB);
    pool.trim(); // none since: freed
    assert.equal(pool.idle, 0);
  });
});
