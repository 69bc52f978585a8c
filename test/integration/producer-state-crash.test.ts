// Bug 3 (issue 10): an idempotent producer's retry of a batch that reached the log before a
// kill -9 was appended again after the restart, because producer state lived only in memory.
// It is now rebuilt from a snapshot plus the batch headers after it, as Kafka does.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CreateTopics, ErrorCode, InitProducerId, Produce } from '../../src/protocol/index.js';
import { type BrokerProcess, spawnBroker } from '../helpers/broker-process.js';
import { buildBatch } from '../helpers/records.js';
import { WireClient } from '../helpers/wire-client.js';

const TOPIC = 'idem';
const TS = 1_700_000_000_000;

describe('idempotent producer state across restarts', { concurrency: 1 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-idem-'));
  let broker: BrokerProcess | undefined;
  let client: WireClient | undefined;
  let firstPid = -1;
  after(async () => {
    client?.close();
    await broker?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function restart(signal: NodeJS.Signals): Promise<WireClient> {
    client?.close();
    await broker?.stop(signal);
    broker = await spawnBroker(dataDir);
    client = await WireClient.connect(broker.port);
    return client;
  }

  /** The same bytes every time for the same (pid, epoch, sequence): a true retry. */
  function batch(pid: number, seq: number, count: number): Buffer {
    const records = Array.from({ length: count }, (_, i) => ({ value: `v${seq + i}`, timestamp: TS }));
    return buildBatch(records, { producerId: pid, producerEpoch: 0, baseSequence: seq, baseTimestamp: TS });
  }

  async function send(c: WireClient, records: Buffer) {
    const res = await c.request(Produce, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }],
    });
    const p = res.responses[0].partitionResponses[0];
    return { errorCode: p.errorCode, baseOffset: p.baseOffset };
  }

  async function values(c: WireClient): Promise<string[]> {
    return (await c.fetchValues(TOPIC, 0)).values;
  }

  it('a retried batch that reached the log before a kill -9 is answered as a duplicate, not appended again', async () => {
    let c = await restart('SIGKILL');
    const created = await c.request(CreateTopics, 7, {
      topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
      timeoutMs: 5000,
      validateOnly: false,
    });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
    const init = await c.request(InitProducerId, 4, {
      transactionalId: null,
      transactionTimeoutMs: -1,
      producerId: -1,
      producerEpoch: -1,
    });
    const pid = init.producerId;
    firstPid = pid;
    assert.deepEqual(await send(c, batch(pid, 0, 3)), { errorCode: 0, baseOffset: 0 });
    assert.deepEqual(await send(c, batch(pid, 3, 2)), { errorCode: 0, baseOffset: 3 });

    c = await restart('SIGKILL');
    // Kafka answers a retry of one of the last five batches with success and its first offset.
    assert.deepEqual(await send(c, batch(pid, 3, 2)), { errorCode: 0, baseOffset: 3 });
    assert.deepEqual(await send(c, batch(pid, 0, 3)), { errorCode: 0, baseOffset: 0 });
    assert.deepEqual(await send(c, batch(pid, 5, 1)), { errorCode: 0, baseOffset: 5 });
    // A sequence gap is still refused after the rebuild.
    assert.equal((await send(c, batch(pid, 9, 1))).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assert.deepEqual(await values(c), ['v0', 'v1', 'v2', 'v3', 'v4', 'v5']);

    // Producer ids are never handed out twice, crash or not.
    const again = await c.request(InitProducerId, 4, {
      transactionalId: null,
      transactionTimeoutMs: -1,
      producerId: -1,
      producerEpoch: -1,
    });
    assert.ok(again.producerId > pid, `new id ${again.producerId} after ${pid}`);
  });

  it('a clean restart writes a snapshot, and a kill -9 after it rebuilds from snapshot plus tail', async () => {
    let c = await restart('SIGTERM');
    assert.ok(existsSync(join(dataDir, `${TOPIC}-0`, 'producer-state.snapshot')));
    const init = await c.request(InitProducerId, 4, {
      transactionalId: null,
      transactionTimeoutMs: -1,
      producerId: -1,
      producerEpoch: -1,
    });
    // The first producer's last batch is known from the snapshot alone.
    assert.deepEqual(await send(c, batch(firstPid, 5, 1)), { errorCode: 0, baseOffset: 5 });
    assert.equal((await values(c)).length, 6);
    const pid = init.producerId;
    assert.deepEqual(await send(c, batch(pid, 0, 2)), { errorCode: 0, baseOffset: 6 });
    assert.deepEqual(await send(c, batch(pid, 2, 2)), { errorCode: 0, baseOffset: 8 });

    c = await restart('SIGKILL');
    // Written after the snapshot: found by the scan of the tail.
    assert.deepEqual(await send(c, batch(pid, 2, 2)), { errorCode: 0, baseOffset: 8 });
    assert.deepEqual(await send(c, batch(pid, 0, 2)), { errorCode: 0, baseOffset: 6 });
    assert.equal((await values(c)).length, 10);
  });
});
