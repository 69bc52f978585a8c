// Bug 6: with the data directory on a full filesystem the broker refused to start (a checkpoint
// write failed with ENOSPC), SIGTERM failed the same way, and every rejected produce wrote a
// stack trace to stderr. Runs on a real full filesystem: a 4 MiB tmpfs this test mounts (as
// root) and fills; skipped where mounting is not permitted.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CreateTopics, ErrorCode, Produce } from '../../src/protocol/index.js';
import { type BrokerProcess, spawnBroker } from '../helpers/broker-process.js';
import { buildBatch } from '../helpers/records.js';
import { WireClient } from '../helpers/wire-client.js';

const TOPIC = 'full';
const PARTITIONS = 2;
const REJECTED_PRODUCES = 200;
/** The broker logs a kind of storage failure at most once per this interval. */
const LOG_INTERVAL_MS = 10_000;

/** Mounts a 4 MiB tmpfs; the reason it cannot, if it cannot. */
function tryMount(dir: string): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux tmpfs';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    const detail = String((err as { stderr?: Buffer }).stderr ?? err).trim();
    return `cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN): ${detail}`;
  }
}

/** Writes a file until the filesystem refuses more; returns its path. */
function fill(dir: string, name: string): string {
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  try {
    for (const chunk of [64 * 1024, 4096, 1]) {
      const buf = Buffer.alloc(chunk, 7);
      for (;;) {
        try {
          if (writeSync(fd, buf) < chunk) break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw err;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  assert.equal(statfsSync(dir).bavail, 0, 'the filesystem is full');
  return path;
}

async function produce(client: WireClient, partition: number, value: string) {
  const res = await client.request(Produce, 8, {
    acks: -1,
    timeoutMs: 10_000,
    topicData: [{ name: TOPIC, partitionData: [{ index: partition, records: buildBatch([{ value }]) }] }],
  });
  return res.responses[0].partitionResponses[0];
}

async function readValues(client: WireClient, partition: number): Promise<string[]> {
  const { errorCode, values } = await client.fetchValues(TOPIC, partition);
  assert.equal(errorCode, ErrorCode.NONE);
  return values;
}

describe('full disk', () => {
  const mountDir = mkdtempSync(join(tmpdir(), 'sluice-full-'));
  const cannotMount = tryMount(mountDir);
  const dataDir = join(mountDir, 'data');
  let broker: BrokerProcess | undefined;
  let stderr = '';
  const start = async () => {
    broker = await spawnBroker(dataDir, 0, [], {
      onStderr: (chunk) => {
        stderr += chunk;
      },
    });
    return WireClient.connect(broker.port);
  };
  after(async () => {
    await broker?.stop('SIGKILL');
    if (!cannotMount) execFileSync('umount', [mountDir]);
    rmSync(mountDir, { recursive: true, force: true });
  });

  it('bug 6: starts, serves reads and stops cleanly on a full disk, logs rejected produces rate-limited, resumes once space is freed', {
    skip: cannotMount ?? false,
  }, async () => {
    let client = await start();
    const created = await client.request(CreateTopics, 4, {
      topics: [{ name: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1 }],
      timeoutMs: 10_000,
    });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
    const acked: string[][] = [[], []];
    for (let i = 0; i < 20; i++) {
      const value = `v${i}`;
      assert.equal((await produce(client, i % PARTITIONS, value)).errorCode, ErrorCode.NONE);
      acked[i % PARTITIONS].push(value);
    }
    client.close();
    await broker?.stop('SIGTERM');
    const filler = fill(mountDir, 'filler');

    // The restart on the full disk must come up and serve what was acknowledged.
    stderr = '';
    client = await start();
    for (let p = 0; p < PARTITIONS; p++) assert.deepEqual(await readValues(client, p), acked[p]);
    // The start removed its clean-shutdown record: take that room too.
    const more = fill(mountDir, 'filler-2');

    const began = performance.now();
    for (let i = 0; i < REJECTED_PRODUCES; i++) {
      // Larger than the free room left in a segment file's last page.
      const res = await produce(client, i % PARTITIONS, `rejected-${i}`.padEnd(8192, '.'));
      assert.equal(res.errorCode, ErrorCode.KAFKA_STORAGE_ERROR);
    }
    const elapsed = performance.now() - began;
    const appendLines = stderr.split('\n').filter((line) => line.includes('append failed'));
    const allowed = 1 + Math.floor(elapsed / LOG_INTERVAL_MS);
    assert.ok(
      appendLines.length >= 1 && appendLines.length <= allowed,
      `${appendLines.length} log lines for ${REJECTED_PRODUCES} rejected produces:\n${stderr.slice(0, 2000)}`,
    );
    assert.match(appendLines[0], /ENOSPC/);
    assert.doesNotMatch(stderr, /"stack"|\n\s+at /, 'no stack traces');

    // SIGTERM on the full disk: a clean exit with one warning (the next start recovers more).
    client.close();
    await broker?.stop('SIGTERM');
    assert.equal(broker?.child.exitCode, 0, stderr);
    assert.match(stderr, /clean shutdown for lack of space/);

    rmSync(filler);
    rmSync(more);
    client = await start();
    for (let p = 0; p < PARTITIONS; p++) assert.deepEqual(await readValues(client, p), acked[p]);
    assert.equal((await produce(client, 1, 'after')).errorCode, ErrorCode.NONE);
    assert.deepEqual(await readValues(client, 1), [...acked[1], 'after']);
    client.close();
  });
});
