// Bug 7: a clean shutdown of a broker with many partitions failed (EMFILE, or a checkpoint
// rename racing another write of the same file) and left no clean-shutdown record, so the next
// start recovered every partition as after a crash. Here the broker runs with a descriptor limit
// below what closing every partition at once needs, as 10,000 partitions do at the usual limits.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CreateTopics, ErrorCode, Produce } from '../../src/protocol/index.js';
import { type BrokerProcess, spawnBroker } from '../helpers/broker-process.js';
import { buildBatch } from '../helpers/records.js';
import { WireClient } from '../helpers/wire-client.js';

const TOPICS = 60;
const PARTITIONS = 5;
/** About 25 descriptors for Node itself, one per partition's active segment, and some room. */
const OPEN_FILES = 400;

async function createAndFill(client: WireClient, names: string[]): Promise<void> {
  const created = await client.request(CreateTopics, 4, {
    topics: names.map((name) => ({ name, numPartitions: PARTITIONS, replicationFactor: 1 })),
    timeoutMs: 60_000,
  });
  for (const t of created.topics) assert.equal(t.errorCode, ErrorCode.NONE, `create ${t.name}`);
  const produced = await client.request(Produce, 8, {
    acks: -1,
    timeoutMs: 30_000,
    topicData: names.map((name) => ({
      name,
      partitionData: Array.from({ length: PARTITIONS }, (_, index) => ({
        index,
        records: buildBatch([{ value: `${name}-${index}` }]),
      })),
    })),
  });
  for (const t of produced.responses)
    for (const p of t.partitionResponses) assert.equal(p.errorCode, ErrorCode.NONE, `${t.name}-${p.index}`);
}

describe('shutdown with many partitions', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-many-'));
  let broker: BrokerProcess | undefined;
  after(async () => {
    await broker?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('bug 7: closes 300 partitions cleanly under a tight descriptor limit and restarts without recovery', async () => {
    let stderr = '';
    broker = await spawnBroker(dataDir, 0, [], {
      openFiles: OPEN_FILES,
      onStderr: (chunk) => {
        stderr += chunk;
      },
    });
    const names = Array.from({ length: TOPICS }, (_, i) => `many-${i}`);
    const client = await WireClient.connect(broker.port);
    await createAndFill(client, names);
    client.close();

    await broker.stop('SIGTERM');
    assert.equal(broker.child.exitCode, 0, `shutdown failed:\n${stderr}`);
    assert.doesNotMatch(stderr, /cannot write|EMFILE|ENOENT/);
    // Every partition (and the offsets topic) is recorded as closed cleanly, in one file.
    const state = JSON.parse(readFileSync(join(dataDir, 'clean-shutdown.json'), 'utf8'));
    assert.equal(Object.keys(state.partitions).length, TOPICS * PARTITIONS + 1);

    broker = await spawnBroker(dataDir, 0, ['--log-level', 'info'], {
      openFiles: OPEN_FILES,
      onStderr: (chunk) => {
        stderr += chunk;
      },
    });
    const again = await WireClient.connect(broker.port);
    const last = names[names.length - 1];
    const p = await again.fetchValues(last, PARTITIONS - 1);
    assert.equal(p.errorCode, ErrorCode.NONE);
    assert.deepEqual(p.values, [`${last}-${PARTITIONS - 1}`]);
    again.close();
    const loaded = stderr
      .split('\n')
      .filter((line) => line.includes('partitions loaded'))
      .map((line) => JSON.parse(line));
    assert.equal(loaded.length, 1);
    assert.equal(loaded[0].clean, TOPICS * PARTITIONS + 1, 'the restart trusted every partition');
  });
});
