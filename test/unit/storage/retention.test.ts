import assert from 'node:assert/strict';
import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PartitionLog, type StorageError } from '../../../src/storage/index.js';
import { produceSet, simpleBatch, tempDir, testConfig } from './make-batch.js';

const { dir: root, cleanup } = tempDir('retention');
after(cleanup);
let n = 0;
const fresh = () => join(root, `p-${n++}`);

/** One batch of 2 records per call, stamped `ts`. */
function put(log: PartitionLog, ts: number, count = 1): void {
  for (let i = 0; i < count; i++) {
    const { records, headers } = produceSet(simpleBatch(2, ts, 100));
    log.append(records, headers);
  }
}

const segmentFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.log')).length;

describe('retention', () => {
  it('deletes the oldest segments while the rest still holds retention.bytes', async () => {
    const dir = fresh();
    const log = await PartitionLog.open(dir, testConfig({ segmentBytes: 1000, retentionBytes: 3000 }));
    put(log, 1, 60);
    const before = log.size;
    const segments = log.segmentInfo;
    const deleted = await log.applyRetention();
    assert.ok(deleted > 0);
    assert.equal(log.size, before - deleted);
    assert.ok(log.size >= 3000, 'keeps at least retention.bytes');
    assert.ok(log.size - log.segmentInfo[0].size < 3000, 'deletes as much as allowed');
    assert.equal(log.logStartOffset, log.segmentInfo[0].baseOffset);
    assert.equal(segmentFiles(dir), log.segmentInfo.length);
    assert.ok(log.segmentInfo.length < segments.length);
    await assert.rejects(log.read(0, 100), (e: StorageError) => e.reason === 'OFFSET_OUT_OF_RANGE');
    assert.equal(await log.applyRetention(), 0, 'idempotent');
    await log.close();
  });

  it('deletes segments whose newest record is older than retention.ms, never the active one', async () => {
    const dir = fresh();
    const log = await PartitionLog.open(dir, testConfig({ segmentBytes: 1000, retentionMs: 10_000 }));
    put(log, 1_000, 20); // old
    put(log, 50_000, 20); // recent
    const oldEnd = 40;
    assert.equal(await log.applyRetention(10_500), 0, 'nothing is older than 10s yet');
    assert.ok((await log.applyRetention(55_000)) > 0);
    // Old segments go; the one that also holds recent batches stays (its newest record is recent).
    assert.ok(log.logStartOffset > 0 && log.logStartOffset <= oldEnd, `start ${log.logStartOffset}`);
    assert.ok(log.segmentInfo.every((s) => s.maxTimestamp === 50_000));

    // Everything expired: the active segment is rolled first, so the log ends up empty but keeps its offsets.
    const end = log.logEndOffset;
    assert.ok((await log.applyRetention(1_000_000)) > 0);
    assert.equal(log.size, 0);
    assert.equal(log.logStartOffset, end);
    assert.equal(log.logEndOffset, end);
    assert.deepEqual(await log.read(end, 100), { records: [], bytes: 0 });
    put(log, 1_000_001);
    assert.equal(log.logEndOffset, end + 2);
    await log.close();
  });

  it('advances the log start with deleteRecordsBefore and keeps it across restarts', async () => {
    const dir = fresh();
    const config = testConfig({ segmentBytes: 1000 });
    const log = await PartitionLog.open(dir, config);
    put(log, 1, 40);
    const segmentsBefore = log.segmentInfo.length;
    const target = log.segmentInfo[3].baseOffset + 3; // inside the 4th segment
    assert.equal(await log.deleteRecordsBefore(target), target);
    assert.equal(log.logStartOffset, target);
    assert.equal(log.segmentInfo.length, segmentsBefore - 3);
    assert.equal(await log.deleteRecordsBefore(1), target, 'never moves back');
    await assert.rejects(
      log.deleteRecordsBefore(log.logEndOffset + 1),
      (e: StorageError) => e.reason === 'OFFSET_OUT_OF_RANGE',
    );

    // A crash right after: no clean marker, the start offset must still hold.
    await log.close();
    unlinkSync(join(dir, '.clean-shutdown'));
    const again = await PartitionLog.open(dir, config);
    assert.equal(again.logStartOffset, target);
    await assert.rejects(
      again.read(target - 1, 100),
      (e: StorageError) => e.reason === 'OFFSET_OUT_OF_RANGE',
    );
    assert.ok((await again.read(target, 100)).bytes > 0);

    // Deleting everything rolls past the active segment.
    const end = again.logEndOffset;
    await again.deleteRecordsBefore(end);
    assert.equal(again.size, 0);
    assert.equal(segmentFiles(dir), 1);
    await again.close();
    const third = await PartitionLog.open(dir, config);
    assert.equal(third.logStartOffset, end);
    assert.equal(third.logEndOffset, end);
    await third.close();
  });
});
