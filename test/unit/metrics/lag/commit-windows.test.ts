// Burrow's window of commits per partition: its length, lag at each commit, dropped commits of
// unknown partitions, tombstones, duplicates of a rewritten log and min-distance.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommitWindows, type PartitionFacts } from '../../../../src/metrics/lag/commit-windows.js';

const facts = (logEnd: number, partitions = 1): PartitionFacts => ({
  partitions: (topic) => (topic === 't' ? partitions : undefined),
  logEnd: () => logEnd,
  owner: () => 'host-a',
});
const make = (minDistanceMs = 0) => new CommitWindows({ intervals: 3, minDistanceMs, expireGroupMs: 60_000 });

describe('CommitWindows', () => {
  it('keeps the last N commits with the lag at each, and the current lag against the newest log end', () => {
    const w = make();
    for (const [i, offset] of [10, 20, 30, 40].entries()) assert.ok(w.add('g', 't', 0, offset, 1000 * i, 50));
    const [p] = w.inputs('g', facts(70))!;
    assert.deepEqual(
      p.commits.map((c) => [c.offset, c.lag, c.timestamp]),
      [
        [20, 30, 1000],
        [30, 20, 2000],
        [40, 10, 3000],
      ],
    );
    assert.equal(p.currentLag, 30);
    assert.equal(p.owner, 'host-a');
  });

  it('lists every partition of a committed topic; drops commits without a known log end', () => {
    const w = make();
    assert.equal(w.add('g', 't', 1, 5, 1, undefined), false);
    assert.deepEqual(w.groups(0), []);
    w.add('g', 't', 1, 5, 1, 8);
    const inputs = w.inputs('g', facts(8, 3))!;
    assert.deepEqual(
      inputs.map((i) => [i.partition, i.commits.length, i.currentLag]),
      [
        [0, 0, 0],
        [1, 1, 3],
        [2, 0, 0],
      ],
    );
  });

  it('ignores a repeat of the last commit (a rewritten log) and merges commits closer than min-distance', () => {
    const w = make(500);
    w.add('g', 't', 0, 10, 1000, 20);
    assert.equal(w.add('g', 't', 0, 10, 1000, 20), false);
    w.add('g', 't', 0, 12, 1200, 20);
    w.add('g', 't', 0, 15, 2000, 20);
    const [p] = w.inputs('g', facts(20))!;
    assert.deepEqual(
      p.commits.map((c) => [c.offset, c.timestamp]),
      [
        [12, 1000],
        [15, 2000],
      ],
    );
  });

  it('tombstones delete a partition window, and the group with its last one; idle groups expire', () => {
    const w = make();
    w.add('g', 't', 0, 1, 1000, 5);
    w.add('h', 't', 0, 1, 1000, 5);
    w.delete('g', 't', 0);
    assert.deepEqual(w.groups(1000), ['h']);
    assert.deepEqual(w.groups(1000 + 60_001), []);
  });
});
