// SIGKILL the broker during an acks=all load: after a restart every acknowledged message is
// readable at its acknowledged offset, every stored batch is whole, and no offset is reused.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { Fetch } from '../../src/protocol/index.js';
import { type BrokerProcess, spawnBroker } from '../helpers/broker-process.js';
import { decodeBatches, type TestRecord } from '../helpers/records.js';
import { eventually } from '../helpers/waiting.js';
import { WireClient } from '../helpers/wire-client.js';

const TOPIC = 'crash';

async function readPartition(port: number, partition: number): Promise<TestRecord[]> {
  const client = await WireClient.connect(port);
  const all: TestRecord[] = [];
  let offset = 0;
  for (;;) {
    const res = await client.request(Fetch, 12, {
      maxWaitMs: 0,
      minBytes: 1,
      maxBytes: 8 << 20,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        { topic: TOPIC, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 8 << 20 }] },
      ],
    });
    const p = res.responses[0].partitions[0];
    assert.equal(p.errorCode, 0);
    const records = decodeBatches(p.records ?? Buffer.alloc(0));
    const fresh = records.filter((r) => r.offset >= offset);
    if (fresh.length === 0) break;
    all.push(...fresh);
    offset = fresh[fresh.length - 1].offset + 1;
  }
  client.close();
  return all;
}

describe('crash safety', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-crash-'));
  let broker: BrokerProcess | undefined;
  after(async () => {
    await broker?.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged acks=all message across kill -9 and reuses no offset', async () => {
    broker = await spawnBroker(dataDir);
    const kafka = new Kafka({
      clientId: 'crash-test',
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }] });
    await admin.disconnect();

    const acked = new Map<string, { partition: number; offset: number }>();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    let next = 0;
    let stop = false;
    // Several concurrent senders so that fsyncs are shared (group commit) while we kill.
    const sender = async () => {
      while (!stop) {
        const ids = Array.from({ length: 50 }, () => `m${next++}`);
        try {
          const result = await producer.send({
            topic: TOPIC,
            acks: -1,
            messages: ids.map((id) => ({ key: id, value: id, partition: Number(id.slice(1)) % 3 })),
          });
          for (const r of result) {
            // KafkaJS reports the base offset of each partition's batch; offsets follow in send order.
            const mine = ids.filter((id) => Number(id.slice(1)) % 3 === r.partition);
            mine.forEach((id, i) => {
              acked.set(id, { partition: r.partition, offset: Number(r.baseOffset) + i });
            });
          }
        } catch {
          return; // the broker is gone
        }
      }
    };
    const senders = Array.from({ length: 4 }, sender);
    // Kill in the middle of the load: once enough is acknowledged, however fast this machine is.
    await eventually('1000 acknowledged messages', 60_000, async () =>
      acked.size >= 1000 ? true : undefined,
    );
    await broker.stop('SIGKILL');
    stop = true;
    await Promise.all(senders);
    await producer.disconnect().catch(() => {});
    assert.ok(acked.size > 500, `too little load before the kill: ${acked.size}`);

    broker = await spawnBroker(dataDir);
    const stored = new Map<string, { partition: number; offset: number }>();
    const maxOffset = [-1, -1, -1];
    const restartedPort = broker.port;
    for (let p = 0; p < 3; p++) {
      const records = await readPartition(restartedPort, p);
      for (const r of records) {
        const id = String(r.value);
        assert.equal(String(r.key), id, 'record intact');
        stored.set(id, { partition: p, offset: r.offset });
        maxOffset[p] = Math.max(maxOffset[p], r.offset);
      }
    }
    for (const [id, where] of acked)
      assert.deepEqual(stored.get(id), where, `acknowledged ${id} lost or moved`);

    // New writes go after everything that survived: no offset is handed out twice.
    const again = new Kafka({
      clientId: 'crash-test-2',
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
    });
    const p2 = again.producer();
    await p2.connect();
    const res = await p2.send({
      topic: TOPIC,
      acks: -1,
      messages: [0, 1, 2].map((p) => ({ value: 'after', partition: p })),
    });
    await p2.disconnect();
    for (const r of res) assert.equal(Number(r.baseOffset), maxOffset[r.partition] + 1);
  });
});
