// A start after a clean shutdown must not scan or write per partition (10,000 partitions took
// ~40 s to start); after a crash, each partition recovers only what follows its recovery point.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { defaultIo, LogManager, type StorageIo } from '../../../src/storage/index.js';
import { headersOf, produceSet, simpleBatch, tempDir, testConfig } from './make-batch.js';

const { dir: root, cleanup } = tempDir('fast-start');
after(cleanup);
let n = 0;
const fresh = () => join(root, `data-${n++}`);
const config = testConfig({ segmentBytes: 4000, indexIntervalBytes: 300 });
const PARTITIONS = 4;

function countingIo(): StorageIo & { datasyncs: number; dirSyncs: number } {
  const io = {
    datasyncs: 0,
    dirSyncs: 0,
    async datasync(fd: number) {
      io.datasyncs++;
      await defaultIo.datasync(fd);
    },
    async syncDir(path: string) {
      io.dirSyncs++;
      await defaultIo.syncDir(path);
    },
  };
  return io;
}

/** Appends `count` 2-record batches to every partition of `topic`. */
function fill(manager: LogManager, topic: string, count: number): void {
  for (let p = 0; p < PARTITIONS; p++) {
    const log = manager.partition(topic, p);
    assert.ok(log);
    for (let i = 0; i < count; i++) {
      const { records, headers } = produceSet(simpleBatch(2, 1_000 + i, 100));
      log.append(records, headers);
    }
  }
}

/** Every file in the partition directories with its size and mtime. */
function snapshot(dataDir: string): string[] {
  return readdirSync(dataDir)
    .filter((name) => name.startsWith('t-'))
    .flatMap((d) =>
      readdirSync(join(dataDir, d)).map((f) => {
        const st = statSync(join(dataDir, d, f));
        return `${d}/${f} ${st.size} ${st.mtimeMs}`;
      }),
    )
    .sort();
}

async function offsetsOf(manager: LogManager, topic: string, partition: number): Promise<number[]> {
  const log = manager.partition(topic, partition);
  assert.ok(log);
  const read = await log.read(log.logStartOffset, 1 << 20);
  return headersOf(read.records).map((h) => h.baseOffset);
}

describe('fast start', () => {
  it('trusts every partition after a clean shutdown: no fdatasync, no file written, one directory fsync', async () => {
    const dataDir = fresh();
    const first = await LogManager.open(dataDir, config);
    await first.createTopic('t', PARTITIONS);
    fill(first, 't', 30); // several segments each
    await first.close();
    assert.ok(existsSync(join(dataDir, 'clean-shutdown.json')));
    const before = snapshot(dataDir);

    const io = countingIo();
    const again = await LogManager.open(dataDir, config, { io });
    assert.deepEqual(again.startReport, {
      partitions: PARTITIONS,
      clean: PARTITIONS,
      truncatedBytes: 0,
      skippedWrites: 0,
    });
    assert.equal(io.datasyncs, 0);
    assert.equal(io.dirSyncs, 1, 'only the removal of clean-shutdown.json is made durable');
    assert.ok(!existsSync(join(dataDir, 'clean-shutdown.json')), 'a crash from now on must recover');
    assert.deepEqual(snapshot(dataDir), before);
    assert.deepEqual(
      await offsetsOf(again, 't', 2),
      Array.from({ length: 30 }, (_, i) => i * 2),
    );
    const log = again.partition('t', 2);
    const next = produceSet(simpleBatch(1));
    assert.equal(log?.append(next.records, next.headers).baseOffset, 60);
    await again.close();
  });

  it('recovers a partition whose active segment changed after the clean shutdown', async () => {
    const dataDir = fresh();
    const first = await LogManager.open(dataDir, config);
    await first.createTopic('t', PARTITIONS);
    fill(first, 't', 5);
    await first.close();
    const active = readdirSync(join(dataDir, 't-1'))
      .filter((f) => f.endsWith('.log'))
      .sort()
      .pop();
    assert.ok(active);
    appendFileSync(join(dataDir, 't-1', active), Buffer.alloc(37, 1)); // garbage after the last batch

    const again = await LogManager.open(dataDir, config);
    assert.equal(again.startReport.clean, PARTITIONS - 1);
    assert.equal(again.startReport.truncatedBytes, 37);
    assert.deepEqual(await offsetsOf(again, 't', 1), [0, 2, 4, 6, 8]);
    await again.close();
  });

  it('after a crash, recovers the tail and rewrites no checkpoint that stayed the same', async () => {
    const dataDir = fresh();
    const first = await LogManager.open(dataDir, config);
    await first.createTopic('t', PARTITIONS);
    fill(first, 't', 30);
    await first.close();
    // A start consumes the clean-shutdown record; this one then "crashes" (never closes).
    const crashed = await LogManager.open(dataDir, config);
    fill(crashed, 't', 1);
    const checkpoints = snapshot(dataDir).filter((line) => line.includes('checkpoint.json'));

    const again = await LogManager.open(dataDir, config);
    assert.equal(again.startReport.clean, 0);
    assert.equal((await offsetsOf(again, 't', 0)).length, 31, 'what reached the OS survives a process crash');
    assert.deepEqual(
      snapshot(dataDir).filter((line) => line.includes('checkpoint.json')),
      checkpoints,
      'recovery found the recovery points as they were',
    );
    await again.close();
  });
});
