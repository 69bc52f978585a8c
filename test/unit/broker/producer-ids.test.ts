// Producer ids are never handed out twice: not after a restart, not after a crash mid-block,
// not when the reservation file is damaged.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ProducerIdAllocator } from '../../../src/broker/producers/producer-ids.js';

describe('producer id allocation', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-pids-'));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a restart continues after everything reserved before it', () => {
    const dir = fresh();
    const first = new ProducerIdAllocator(dir);
    const before = [first.allocate(), first.allocate(), first.allocate()];
    assert.deepEqual(before, [0, 1, 2]);
    // The process dies here (no shutdown hook exists to lose): the next start skips the block.
    const second = new ProducerIdAllocator(dir);
    const next = second.allocate();
    assert.ok(next > Math.max(...before), `reused ${next}`);
    const third = new ProducerIdAllocator(dir);
    assert.ok(third.allocate() > next);
  });

  it('a damaged reservation file jumps past any id a previous start could have used', () => {
    const dir = fresh();
    const first = new ProducerIdAllocator(dir, () => 1_000);
    for (let i = 0; i < 2500; i++) first.allocate();
    writeFileSync(join(dir, 'producer-ids.json'), '{"reservedUp');
    const second = new ProducerIdAllocator(dir, () => 2_000);
    assert.ok(second.allocate() >= 2_000_000);
  });
});
