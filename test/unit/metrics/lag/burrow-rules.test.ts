// Burrow's lag evaluation rules, each on a small window as its wiki describes them, and how
// partition statuses roll up into a group status (worst first, capped at ERR).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type GroupStatus,
  groupStatus,
  type PartitionInput,
  type WindowCommit,
  windowStatus,
} from '../../../../src/metrics/lag/index.js';

const NOW = 1_000_000;
/** A window of commits 10 s apart ending at `end`, from [offset, lag] pairs. */
function win(pairs: [number, number][], end = NOW - 5_000): WindowCommit[] {
  return pairs.map(([offset, lag], i) => ({ offset, lag, timestamp: end - (pairs.length - 1 - i) * 10_000 }));
}
function input(
  topic: string,
  partition: number,
  commits: WindowCommit[],
  currentLag: number,
  capacity = commits.length,
): PartitionInput {
  return { topic, partition, commits, capacity, currentLag, owner: '' };
}

describe('Burrow rules for one partition', () => {
  it('OK: lag was zero at some commit of the window (rule 1), or there is no lag now', () => {
    assert.equal(
      windowStatus(
        win([
          [10, 5],
          [20, 0],
          [30, 5],
        ]),
        5,
        NOW,
      ),
      'OK',
    );
    assert.equal(
      windowStatus(
        win([
          [10, 5],
          [10, 5],
          [10, 5],
        ]),
        0,
        NOW,
      ),
      'OK',
    );
  });

  it('OK: offsets advance and the lag shrinks somewhere', () => {
    assert.equal(
      windowStatus(
        win([
          [10, 50],
          [20, 60],
          [30, 40],
        ]),
        40,
        NOW,
      ),
      'OK',
    );
  });

  it('REWIND: the committed offset goes backwards (rule 2), ahead of every other rule', () => {
    assert.equal(
      windowStatus(
        win([
          [10, 5],
          [20, 5],
          [15, 10],
        ]),
        10,
        NOW,
      ),
      'REWIND',
    );
    // Even when it also looks stopped.
    assert.equal(
      windowStatus(
        win(
          [
            [10, 5],
            [5, 10],
          ],
          NOW - 1_000_000,
        ),
        10,
        NOW,
      ),
      'REWIND',
    );
  });

  it('STOP: longer since the last commit than the window spans (rule 3)', () => {
    // Window spans 20 s; last commit 25 s ago.
    assert.equal(
      windowStatus(
        win(
          [
            [10, 5],
            [20, 5],
            [30, 5],
          ],
          NOW - 25_000,
        ),
        5,
        NOW,
      ),
      'STOP',
    );
    // 15 s ago: not stopped, and the lag never shrinks while offsets move: WARN.
    assert.equal(
      windowStatus(
        win(
          [
            [10, 5],
            [20, 5],
            [30, 5],
          ],
          NOW - 15_000,
        ),
        5,
        NOW,
      ),
      'WARN',
    );
    // A single commit spans 0 s, so any time since it is a stop.
    assert.equal(windowStatus(win([[10, 5]], NOW - 1), 5, NOW), 'STOP');
  });

  it('STALL: commits keep coming but the offset does not move, with lag (rule 4)', () => {
    assert.equal(
      windowStatus(
        win([
          [10, 5],
          [10, 6],
          [10, 7],
        ]),
        7,
        NOW,
      ),
      'STALL',
    );
  });

  it('WARN: offsets move but the lag never decreases (rule 5)', () => {
    assert.equal(
      windowStatus(
        win([
          [10, 5],
          [20, 5],
          [30, 8],
        ]),
        8,
        NOW,
      ),
      'WARN',
    );
    assert.equal(
      windowStatus(
        win([
          [10, 5],
          [20, 9],
          [30, 8],
        ]),
        8,
        NOW,
      ),
      'OK',
    );
  });
});

describe('Burrow rules: roll-up to the group', () => {
  const evaluate = (inputs: PartitionInput[]): GroupStatus => groupStatus('local', 'g', inputs, NOW);

  it('takes the worst partition status, capping STOP, STALL and REWIND at ERR', () => {
    const ok = input(
      't',
      0,
      win([
        [10, 0],
        [20, 0],
      ]),
      0,
    );
    const warn = input(
      't',
      1,
      win([
        [10, 5],
        [20, 6],
      ]),
      6,
    );
    assert.equal(evaluate([ok]).status, 'OK');
    assert.equal(evaluate([ok, warn]).status, 'WARN');
    const stall = input(
      't',
      2,
      win([
        [10, 5],
        [10, 6],
      ]),
      6,
    );
    const group = evaluate([ok, warn, stall]);
    assert.equal(group.status, 'ERR');
    assert.deepEqual(
      group.partitions.map((p) => p.status),
      ['OK', 'WARN', 'STALL'],
    );
  });

  it('reports total lag, the partition with the most lag, start/end commits and completeness', () => {
    const full = input(
      't',
      0,
      win([
        [10, 3],
        [20, 4],
      ]),
      4,
      2,
    );
    const half = input('t', 1, win([[30, 9]]), 12, 2);
    const none = input('t', 2, [], 0, 2);
    const group = evaluate([full, half, none]);
    assert.equal(group.totallag, 16);
    assert.equal(group.maxlag?.partition, 1);
    assert.equal(group.partition_count, 3);
    assert.deepEqual(
      group.partitions.map((p) => p.complete),
      [1, 0.5, 0],
    );
    // Burrow: the share of partitions whose window is full.
    assert.equal(group.complete, 1 / 3);
    assert.deepEqual(group.partitions[0].start, full.commits[0]);
    assert.deepEqual(group.partitions[0].end, full.commits[1]);
    // A partition without commits is OK with nothing to judge.
    assert.equal(group.partitions[2].status, 'OK');
    assert.equal(group.partitions[2].start, null);
  });
});
