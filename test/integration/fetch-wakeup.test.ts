import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeResponse, Fetch, Produce } from '../../src/protocol/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { buildBatch, decodeBatches } from '../helpers/records.js';
import { WireClient } from '../helpers/wire-client.js';

describe('fetch wake-ups', () => {
  let broker: TestBroker;
  let client: WireClient;

  before(async () => {
    broker = await startTestBroker();
    await broker.core.logs.createTopic('w', 2, {});
    client = await WireClient.connect(broker.port);
  });
  after(async () => {
    client.close();
    await broker.dispose();
  });

  test('fetch with min.bytes > 1 does not miss an append that lands while it reads', async () => {
    // Partition 1 holds a little data, read from the file; partition 0 is read at its end.
    const small = buildBatch([{ value: 'already here' }]);
    const stored = await client.request(Produce, 9, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name: 'w', partitionData: [{ index: 1, records: small }] }],
    });
    assert.equal(stored.responses[0].partitionResponses[0].errorCode, 0);
    const end0 = broker.core.partition('w', 0)?.logEndOffset ?? 0;

    // One write carries the fetch and then a produce to partition 0. The connection starts
    // both at once, so the append lands while the fetch awaits its file read of partition 1:
    // exactly the window between reading and waiting. The fetch must still see it, long
    // before its max wait of two minutes.
    const fetchFrame = Buffer.concat(
      client.encode(Fetch, 12, {
        maxWaitMs: 120_000,
        minBytes: small.length + 1,
        maxBytes: 1 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic: 'w',
            partitions: [
              { partition: 1, fetchOffset: 0, partitionMaxBytes: 1 << 20 },
              { partition: 0, fetchOffset: end0, partitionMaxBytes: 1 << 20 },
            ],
          },
        ],
      }),
    );
    const produceFrame = Buffer.concat(
      client.encode(Produce, 9, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 1000,
        topicData: [{ name: 'w', partitionData: [{ index: 0, records: buildBatch([{ value: 'woke' }]) }] }],
      }),
    );
    const produced = client.requestRaw(Buffer.alloc(0), 10_000, produceFrame.readInt32BE(8));
    const fetched = client.requestRaw(Buffer.concat([fetchFrame, produceFrame]), 10_000);

    const response = decodeResponse(Fetch, 12, await fetched).body;
    await produced;
    const partitions = response.responses[0].partitions;
    const p0 = partitions.find((p) => p.partitionIndex === 0);
    const values = decodeBatches(p0?.records ?? Buffer.alloc(0)).map((r) => String(r.value));
    assert.deepEqual(values, ['woke']);
  });
});
