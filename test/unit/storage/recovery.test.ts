import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  closeSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PartitionLog } from '../../../src/storage/index.js';
import { headersOf, produceSet, simpleBatch, tempDir, testConfig } from './make-batch.js';

const { dir: root, cleanup } = tempDir('recovery');
after(cleanup);
let n = 0;
const fresh = () => join(root, `p-${n++}`);
const config = testConfig({ segmentBytes: 2000, indexIntervalBytes: 200 });

interface Batch {
  baseOffset: number;
  lastOffset: number;
  size: number;
}

/** Appends `count` batches of 3 records, one per request; returns their placement. */
function fill(log: PartitionLog, count: number): Batch[] {
  const out: Batch[] = [];
  for (let i = 0; i < count; i++) {
    const { records, headers } = produceSet(simpleBatch(3, 1_000 + i, 20 + (i % 7) * 10));
    const r = log.append(records, headers);
    out.push({ baseOffset: r.baseOffset, lastOffset: r.lastOffset, size: headers[0].size });
  }
  return out;
}

/** Closes cleanly, then removes the marker: the next open must treat the shutdown as a crash. */
async function closeUncleanly(log: PartitionLog, dir: string): Promise<void> {
  await log.close();
  unlinkSync(join(dir, '.clean-shutdown'));
}

function lastLogFile(dir: string): string {
  const logs = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort();
  return join(dir, logs[logs.length - 1]);
}

async function readAll(log: PartitionLog): Promise<number[]> {
  const offsets: number[] = [];
  for (let offset = log.logStartOffset; offset < log.logEndOffset; ) {
    const headers = headersOf((await log.read(offset, 10_000)).records);
    for (const h of headers) offsets.push(h.baseOffset);
    const last = headers[headers.length - 1];
    offset = last.baseOffset + last.lastOffsetDelta + 1;
  }
  return offsets;
}

describe('recovery', () => {
  it('truncates a torn write in the middle of the last batch', async () => {
    const dir = fresh();
    const log = await PartitionLog.open(dir, config);
    const batches = fill(log, 60);
    const lastSegmentSize = log.segmentInfo[log.segmentInfo.length - 1].size;
    await closeUncleanly(log, dir);
    const torn = batches[batches.length - 1];
    truncateSync(lastLogFile(dir), lastSegmentSize - torn.size + 30);

    const again = await PartitionLog.open(dir, config);
    assert.equal(again.openReport.clean, false);
    assert.equal(again.openReport.truncatedBytes, 30);
    assert.equal(again.logEndOffset, torn.baseOffset);
    assert.deepEqual(
      await readAll(again),
      batches.slice(0, -1).map((b) => b.baseOffset),
    );
    const next = produceSet(simpleBatch(2));
    assert.equal(again.append(next.records, next.headers).baseOffset, torn.baseOffset);
    await again.close();
  });

  it('truncates at a batch whose CRC no longer matches, dropping what follows', async () => {
    const dir = fresh();
    const log = await PartitionLog.open(dir, config);
    const batches = fill(log, 60);
    const lastSegmentSize = log.segmentInfo[log.segmentInfo.length - 1].size;
    await closeUncleanly(log, dir);
    const [bad, after1] = batches.slice(-2);
    const fd = openSync(lastLogFile(dir), 'r+');
    const at = lastSegmentSize - after1.size - bad.size + 70; // inside bad's records
    const byte = Buffer.alloc(1);
    byte[0] = readFileSync(lastLogFile(dir))[at] ^ 0xff;
    writeSync(fd, byte, 0, 1, at);
    closeSync(fd);

    const again = await PartitionLog.open(dir, config);
    assert.equal(again.logEndOffset, bad.baseOffset);
    assert.equal(again.openReport.truncatedBytes, bad.size + after1.size);
    assert.deepEqual(
      await readAll(again),
      batches.slice(0, -2).map((b) => b.baseOffset),
    );
    await again.close();
  });

  it('drops garbage after the last batch and segments after a hole', async () => {
    const dir = fresh();
    const log = await PartitionLog.open(dir, config);
    const batches = fill(log, 60);
    await closeUncleanly(log, dir);
    const fd = openSync(lastLogFile(dir), 'a');
    writeSync(fd, Buffer.alloc(100, 0));
    closeSync(fd);
    // A segment file that does not continue the log (as if written after a lost tail).
    const end = batches[batches.length - 1].lastOffset + 1;
    const stray = produceSet(simpleBatch(1));
    stray.records.writeBigInt64BE(BigInt(end + 50), 0);
    const strayFd = openSync(join(dir, `${String(end + 50).padStart(20, '0')}.log`), 'w');
    writeSync(strayFd, stray.records);
    closeSync(strayFd);

    const again = await PartitionLog.open(dir, config);
    assert.equal(again.logEndOffset, end);
    assert.ok(!readdirSync(dir).includes(`${String(end + 50).padStart(20, '0')}.log`));
    assert.equal((await readAll(again)).length, batches.length);
    await again.close();
  });

  it('rebuilds deleted index files identically', async () => {
    const dir = fresh();
    const log = await PartitionLog.open(dir, config);
    fill(log, 80);
    await log.close();
    const indexFiles = readdirSync(dir).filter((f) => f.endsWith('index'));
    assert.ok(indexFiles.length >= 10);
    const original = new Map(indexFiles.map((f) => [f, readFileSync(join(dir, f))]));
    for (const f of indexFiles) rmSync(join(dir, f));

    const again = await PartitionLog.open(dir, config);
    assert.equal((await readAll(again)).length, 80);
    await again.close();
    for (const [f, bytes] of original) assert.deepEqual(readFileSync(join(dir, f)), bytes, f);
  });

  it('recovers an empty tail segment and a log emptied by a torn first batch', async () => {
    const dir = fresh();
    const log = await PartitionLog.open(dir, config);
    fill(log, 1);
    await closeUncleanly(log, dir);
    truncateSync(lastLogFile(dir), 10);
    const again = await PartitionLog.open(dir, config);
    assert.equal(again.logEndOffset, 0);
    assert.deepEqual(await again.read(0, 100), { records: [], bytes: 0 });
    fill(again, 2);
    assert.equal(again.logEndOffset, 6);
    await again.close();
  });

  it('keeps every flushed batch when the process is killed mid-append (SIGKILL)', async () => {
    const dir = fresh();
    const here = fileURLToPath(new URL('.', import.meta.url));
    const storage = join(here, '../../../src/storage/index.js');
    const helper = join(here, 'make-batch.js');
    const code = `
      const { PartitionLog } = await import(${JSON.stringify(storage)});
      const { produceSet, simpleBatch, testConfig } = await import(${JSON.stringify(helper)});
      const log = await PartitionLog.open(${JSON.stringify(dir)}, testConfig({ segmentBytes: 4000 }));
      for (let i = 0; ; i++) {
        const { records, headers } = produceSet(simpleBatch(2, i, 50));
        log.append(records, headers);
        if (i % 3 === 0) { await log.flush(); process.stdout.write(log.logEndOffset + '\\n'); }
      }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let acked = 0;
    await new Promise<void>((resolve) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const lines = text.split('\n').filter(Boolean);
        acked = Number(lines[lines.length - 1]);
        if (lines.length > 200) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    assert.ok(acked > 0);
    const log = await PartitionLog.open(dir, testConfig({ segmentBytes: 4000 }));
    assert.equal(log.openReport.clean, false);
    assert.ok(log.logEndOffset >= acked, `${log.logEndOffset} >= acknowledged ${acked}`);
    const offsets = await readAll(log);
    assert.deepEqual(
      offsets,
      offsets.map((_, i) => i * 2),
    );
    await log.close();
  });
});
