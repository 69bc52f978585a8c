// Bug 10: ListOffsets by timestamp decompressed a client batch with no output limit, and read
// xerial snappy block lengths unchecked. Crafted batches go in through Produce (which checks
// only the CRC, by design) and are then looked up by timestamp.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiVersions, ErrorCode, ListOffsets, Produce } from '../../src/protocol/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import {
  CODEC,
  compressedBatch,
  gzip,
  lz4,
  xerialSnappy,
  zstdRleFrame,
} from '../helpers/compressed-batches.js';
import { buildBatch } from '../helpers/records.js';
import { WireClient } from '../helpers/wire-client.js';

const MAX_MESSAGE_BYTES = 64 * 1024;
const T0 = 1_700_000_000_000;

describe('ListOffsets by timestamp over hostile compressed batches (bug 10)', () => {
  let broker: TestBroker;
  let client: WireClient;

  before(async () => {
    broker = await startTestBroker({ autoCreateTopics: false });
    client = await WireClient.connect(broker.port);
  });
  after(async () => {
    client.close();
    await broker.dispose();
  });

  /** A fresh topic holding `batch` (at T0) and then a good gzip batch (at T0 + 1000). */
  async function topicWith(name: string, batch: Buffer): Promise<void> {
    await broker.core.logs.createTopic(name, 1, { 'max.message.bytes': String(MAX_MESSAGE_BYTES) });
    for (const records of [batch, goodGzipBatch()]) {
      const res = await client.request(Produce, 9, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 5000,
        topicData: [{ name, partitionData: [{ index: 0, records }] }],
      });
      assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
    }
  }

  async function offsetFor(topic: string, timestamp: number) {
    const res = await client.request(ListOffsets, 7, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }],
    });
    return res.topics[0].partitions[0];
  }

  async function assertAnswers(topic: string) {
    const bad = await offsetFor(topic, T0);
    assert.equal(bad.errorCode, ErrorCode.CORRUPT_MESSAGE);
    assert.equal(bad.offset, -1);
    // The good batch after it is still found per record, and the broker still answers.
    const good = await offsetFor(topic, T0 + 1001);
    assert.equal(good.errorCode, ErrorCode.NONE);
    assert.deepEqual([good.offset, good.timestamp], [2, T0 + 1001]);
    const alive = await client.request(ApiVersions, 3, {
      clientSoftwareName: 'probe',
      clientSoftwareVersion: '1',
    });
    assert.equal(alive.errorCode, ErrorCode.NONE);
  }

  it('a gzip bomb is answered CORRUPT_MESSAGE, not inflated without limit', async () => {
    const bomb = compressedBatch(gzip(Buffer.alloc(16 << 20)), CODEC.gzip, 1, T0);
    assert.ok(bomb.length < MAX_MESSAGE_BYTES);
    await topicWith('gzip-bomb', bomb);
    await assertAnswers('gzip-bomb');
  });

  it('xerial snappy with lying block lengths is answered CORRUPT_MESSAGE', async () => {
    const payload = xerialSnappy([Buffer.alloc(1000), Buffer.alloc(1000)], [-4, 0x7fff_ffff]);
    await topicWith('snappy-lies', compressedBatch(payload, CODEC.snappy, 1, T0));
    await assertAnswers('snappy-lies');
  });

  it('an lz4 bomb is answered CORRUPT_MESSAGE', async () => {
    const bomb = compressedBatch(lz4(Buffer.alloc(4 << 20)), CODEC.lz4, 1, T0);
    assert.ok(bomb.length < MAX_MESSAGE_BYTES);
    await topicWith('lz4-bomb', bomb);
    await assertAnswers('lz4-bomb');
  });

  it('a zstd bomb is answered CORRUPT_MESSAGE', async () => {
    await topicWith('zstd-bomb', compressedBatch(zstdRleFrame(128), CODEC.zstd, 1, T0));
    await assertAnswers('zstd-bomb');
  });
});

/** Two real records at T0 + 1000 and T0 + 1001, gzip-compressed as a client would. */
function goodGzipBatch(): Buffer {
  const plain = buildBatch([
    { value: 'a', timestamp: T0 + 1000 },
    { value: 'b', timestamp: T0 + 1001 },
  ]);
  return compressedBatch(gzip(plain.subarray(61)), CODEC.gzip, 2, T0 + 1000, T0 + 1001);
}
