import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { GroupCommit } from '../../../src/storage/group-commit.js';
import { defaultIo, PartitionLog, type StorageError, type StorageIo } from '../../../src/storage/index.js';
import { eventually } from '../../helpers/waiting.js';
import { produceSet, simpleBatch, tempDir, testConfig } from './make-batch.js';

const { dir: root, cleanup } = tempDir('flush');
after(cleanup);
let n = 0;
const fresh = () => join(root, `p-${n++}`);

/** Real fsyncs, counted, each taking at least `delayMs` like a slow disk. */
function countingIo(delayMs = 5): StorageIo & { datasyncs: number } {
  const io = {
    datasyncs: 0,
    async datasync(fd: number) {
      io.datasyncs++;
      await sleep(delayMs);
      await defaultIo.datasync(fd);
    },
    syncDir: defaultIo.syncDir,
  };
  return io;
}

function put(log: PartitionLog): number {
  const { records, headers } = produceSet(simpleBatch(1));
  return log.append(records, headers).baseOffset;
}

describe('flush (group commit)', () => {
  it('serves 100 concurrent flushes with a couple of fdatasyncs', async () => {
    const io = countingIo();
    const log = await PartitionLog.open(fresh(), testConfig(), { io });
    const opened = io.datasyncs;
    const flushes: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      put(log);
      flushes.push(log.flush());
    }
    await Promise.all(flushes);
    const used = io.datasyncs - opened;
    assert.ok(used >= 1 && used <= 3, `100 flushes used ${used} fdatasyncs`);
    await log.flush();
    assert.equal(io.datasyncs - opened, used, 'nothing new to flush costs nothing');
    await log.close();
  });

  it('makes a caller that arrives during a sync wait for the next one', async () => {
    const gates: (() => void)[] = [];
    const io: StorageIo = {
      datasync: () => new Promise<void>((resolve) => gates.push(resolve)),
      syncDir: async () => {},
    };
    const log = await PartitionLog.open(fresh(), testConfig(), {
      io: { ...io, datasync: defaultIo.datasync },
    });
    await log.close();
    const gated = await PartitionLog.open(log.dir, testConfig(), { io });
    put(gated);
    let firstDone = false;
    let secondDone = false;
    const first = gated.flush().then(() => (firstDone = true));
    put(gated);
    const second = gated.flush().then(() => (secondDone = true));
    await eventually('the first sync to start', 10_000, async () => (gates.length > 0 ? true : undefined));
    assert.equal(gates.length, 1, 'one sync running');
    gates.shift()?.();
    await first;
    await eventually('a second sync to start', 10_000, async () => (gates.length > 0 ? true : undefined));
    assert.equal(firstDone, true);
    assert.equal(secondDone, false, 'the second append was not covered by the first sync');
    assert.equal(gates.length, 1, 'a second sync started');
    gates.shift()?.();
    await second;
    assert.equal(secondDone, true);
  });

  it('fails the log when fdatasync fails', async () => {
    let fail = false;
    const io: StorageIo = {
      datasync: async (fd) => {
        if (fail) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
        await defaultIo.datasync(fd);
      },
      syncDir: defaultIo.syncDir,
    };
    const log = await PartitionLog.open(fresh(), testConfig(), { io });
    put(log);
    fail = true;
    await assert.rejects(
      log.flush(),
      (e: StorageError) => e.reason === 'IO' && e.kafkaError === 'KAFKA_STORAGE_ERROR',
    );
    assert.throws(
      () => put(log),
      (e: StorageError) => e.reason === 'IO',
    );
    await assert.rejects(log.flush(), (e: StorageError) => e.reason === 'IO');
    await log.close();
  });

  it('flushes on a timer when flushIntervalMs is set', async () => {
    const io = countingIo(0);
    const log = await PartitionLog.open(fresh(), testConfig({ flushIntervalMs: 5 }), { io });
    const opened = io.datasyncs;
    put(log);
    for (let i = 0; i < 100 && io.datasyncs === opened; i++) await sleep(5);
    assert.ok(io.datasyncs > opened, 'periodic flush ran');
    await log.close();
  });
});

describe('GroupCommit', () => {
  it('runs at most one sync at a time and coalesces waiters', async () => {
    let syncs = 0;
    let running = 0;
    const commit = new GroupCommit(async () => {
      syncs++;
      running++;
      assert.equal(running, 1);
      await sleep(2);
      running--;
    });
    await Promise.all(Array.from({ length: 50 }, () => commit.request()));
    assert.equal(syncs, 2);
    await commit.request();
    assert.equal(syncs, 3);
  });

  it('rejects every waiter of a failed sync and recovers for later ones', async () => {
    let fail = true;
    const commit = new GroupCommit(async () => {
      await sleep(1);
      if (fail) throw new Error('boom');
    });
    const results = await Promise.allSettled([commit.request(), commit.request(), commit.request()]);
    assert.equal(results[0].status, 'rejected');
    fail = false;
    await commit.request();
  });
});
