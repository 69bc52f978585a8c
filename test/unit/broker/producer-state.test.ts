// ProducerStates rebuilds a partition's idempotent-producer state from its snapshot plus the
// batch headers after it, and falls back to the whole log when the snapshot cannot be trusted.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeSnapshot, SNAPSHOT_FILE } from '../../../src/broker/producers/producer-snapshot.js';
import { ProducerStates } from '../../../src/broker/producers/producer-state.js';
import { PartitionLog } from '../../../src/storage/index.js';
import { produceSet, simpleBatch, tempDir, testConfig } from '../storage/make-batch.js';

const { dir: root, cleanup } = tempDir('pstate');
after(cleanup);
let n = 0;
const TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

async function logWith(batches: { pid: number; seq: number; count: number }[]): Promise<PartitionLog> {
  const log = await PartitionLog.open(join(root, `p-${n++}`), testConfig());
  for (const b of batches) {
    const { records, headers } = produceSet(
      simpleBatch(b.count, 5_000 + b.seq, 10, { producerId: b.pid, producerEpoch: 0, baseSequence: b.seq }),
    );
    log.append(records, headers);
  }
  return log;
}

async function loaded(log: PartitionLog, topicId = TOPIC_ID): Promise<ProducerStates> {
  const errors: unknown[] = [];
  const states = new ProducerStates((err) => errors.push(err));
  await states.prepare([{ key: 'k', log, topicId }]);
  assert.deepEqual(errors, []);
  assert.ok(states.isLoaded('k'));
  return states;
}

const retry = (pid: number, seq: number, count: number) => ({
  producerId: pid,
  producerEpoch: 0,
  baseSequence: seq,
  lastOffsetDelta: count - 1,
  maxTimestamp: 0,
});

describe('producer state rebuild', () => {
  it('without a snapshot, scans the whole log', async () => {
    const log = await logWith([
      { pid: 7, seq: 0, count: 2 },
      { pid: 8, seq: 0, count: 1 },
      { pid: 7, seq: 2, count: 3 },
    ]);
    const states = await loaded(log);
    assert.deepEqual(states.check('k', retry(7, 2, 3)), { kind: 'duplicate', baseOffset: 3 });
    assert.deepEqual(states.check('k', retry(8, 0, 1)), { kind: 'duplicate', baseOffset: 2 });
    assert.deepEqual(states.check('k', retry(7, 5, 1)), { kind: 'append' });
    assert.deepEqual(
      states.active('k').map((p) => [p.producerId, p.lastSequence, p.lastTimestamp]),
      [
        [7, 4, 5_002],
        [8, 0, 5_000],
      ],
    );
    await log.close();
  });

  it('with a snapshot, starts from it and scans only the tail', async () => {
    const log = await logWith([
      { pid: 7, seq: 0, count: 2 },
      { pid: 7, seq: 2, count: 1 },
    ]);
    const states = await loaded(log);
    await states.snapshotAll();
    const snapshot = JSON.parse(readFileSync(join(log.dir, SNAPSHOT_FILE), 'utf8'));
    assert.equal(snapshot.offset, 3);
    // A producer only the snapshot knows proves the scan did not start at the log start.
    const only = new Map([
      [
        99,
        { epoch: 0, recent: [{ firstSeq: 0, lastSeq: 0, baseOffset: 1, lastOffset: 1 }], lastTimestamp: 1 },
      ],
    ]);
    writeFileSync(join(log.dir, SNAPSHOT_FILE), encodeSnapshot(TOPIC_ID, 3, only));
    const { records, headers } = produceSet(
      simpleBatch(2, 6_000, 10, { producerId: 7, producerEpoch: 0, baseSequence: 3 }),
    );
    log.append(records, headers);
    const again = await loaded(log);
    assert.deepEqual(again.check('k', retry(99, 0, 1)), { kind: 'duplicate', baseOffset: 1 });
    assert.deepEqual(again.check('k', retry(7, 3, 2)), { kind: 'duplicate', baseOffset: 3 });
    // The snapshot (rewritten above) does not know pid 7's first batches: only the tail was read.
    assert.equal(again.check('k', retry(7, 2, 1)).kind, 'reject');
    await log.close();
  });

  it('ignores a snapshot past the log end or of another topic, and rebuilds from the log', async () => {
    const log = await logWith([{ pid: 7, seq: 0, count: 2 }]);
    const ghost = new Map([
      [
        99,
        { epoch: 0, recent: [{ firstSeq: 0, lastSeq: 0, baseOffset: 5, lastOffset: 5 }], lastTimestamp: 1 },
      ],
    ]);
    for (const [topicId, offset] of [
      [TOPIC_ID, 10],
      ['BBBBBBBBBBBBBBBBBBBBBB', 2],
    ] as const) {
      writeFileSync(join(log.dir, SNAPSHOT_FILE), encodeSnapshot(topicId, offset, ghost));
      const states = await loaded(log);
      assert.deepEqual(states.check('k', retry(99, 0, 1)), { kind: 'append' });
      assert.deepEqual(states.check('k', retry(7, 0, 2)), { kind: 'duplicate', baseOffset: 0 });
    }
    writeFileSync(join(log.dir, SNAPSHOT_FILE), '{"version":1,"topi');
    const torn = await loaded(log);
    assert.deepEqual(torn.check('k', retry(7, 0, 2)), { kind: 'duplicate', baseOffset: 0 });
    await log.close();
  });

  it('requests of one connection that wait for a load keep their arrival order', async () => {
    const log = await logWith([{ pid: 7, seq: 0, count: 1 }]);
    const states = new ProducerStates();
    const order: string[] = [];
    const first = states.prepare([{ key: 'k', log, topicId: TOPIC_ID }]);
    assert.ok(first);
    // Arrives while the first waits, needs nothing loaded, yet must not overtake it.
    const second = states.prepare([]);
    assert.ok(second);
    // Another connection has no order to keep with this one: it goes on at once.
    assert.equal(states.prepare([], {}), undefined);
    await Promise.all([first.then(() => order.push('first')), second.then(() => order.push('second'))]);
    assert.deepEqual(order, ['first', 'second']);
    assert.equal(states.prepare([{ key: 'k', log, topicId: TOPIC_ID }]), undefined);
    await log.close();
  });
});
