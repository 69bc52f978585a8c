// DescribeProducers and ListTransactions answered as a Kafka node without transactions:
// kafka-transactions.sh describe-producers shows the idempotent producers, list shows none.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DescribeProducers,
  ErrorCode,
  InitProducerId,
  ListTransactions,
  Produce,
} from '../../src/protocol/index.js';
import { kafkaTool, peerMissing } from '../compat/peers.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { buildBatch } from '../helpers/records.js';
import { WireClient } from '../helpers/wire-client.js';

const TS = 1_700_000_000_000;

describe('DescribeProducers and ListTransactions', { concurrency: 1 }, () => {
  let broker: TestBroker;
  let client: WireClient;
  let pid: number;

  before(async () => {
    broker = await startTestBroker({ autoCreateTopics: false });
    await broker.core.logs.createTopic('idem', 2, {});
    client = await WireClient.connect(broker.port);
    const init = await client.request(InitProducerId, 4, {
      transactionalId: null,
      transactionTimeoutMs: -1,
      producerId: -1,
      producerEpoch: -1,
    });
    pid = init.producerId;
    for (const [seq, count] of [
      [0, 3],
      [3, 4],
    ]) {
      const records = Array.from({ length: count }, (_, i) => ({ value: `v${i}`, timestamp: TS + seq }));
      const res = await client.request(Produce, 9, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 5000,
        topicData: [
          {
            name: 'idem',
            partitionData: [
              {
                index: 0,
                records: buildBatch(records, { producerId: pid, producerEpoch: 0, baseSequence: seq }),
              },
            ],
          },
        ],
      });
      assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
    }
  });
  after(async () => {
    client.close();
    await broker.dispose();
  });

  it('DescribeProducers lists the idempotent producers of each partition', async () => {
    const res = await client.request(DescribeProducers, 0, {
      topics: [
        { name: 'idem', partitionIndexes: [0, 1, 9] },
        { name: 'missing', partitionIndexes: [0] },
      ],
    });
    const none = { errorCode: ErrorCode.NONE, errorMessage: null };
    const unknown = {
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      errorMessage: null,
      activeProducers: [],
    };
    assert.deepEqual(res.topics, [
      {
        name: 'idem',
        partitions: [
          {
            partitionIndex: 0,
            ...none,
            activeProducers: [
              {
                producerId: pid,
                producerEpoch: 0,
                lastSequence: 6,
                lastTimestamp: TS + 3,
                coordinatorEpoch: -1,
                currentTxnStartOffset: -1,
              },
            ],
          },
          { partitionIndex: 1, ...none, activeProducers: [] },
          { partitionIndex: 9, ...unknown },
        ],
      },
      { name: 'missing', partitions: [{ partitionIndex: 0, ...unknown }] },
    ]);
  });

  it('ListTransactions answers an empty list and names unknown state filters', async () => {
    const res = await client.request(ListTransactions, 1, {
      stateFilters: ['Ongoing', 'Bogus'],
      producerIdFilters: [],
      durationFilter: -1,
    });
    assert.equal(res.errorCode, ErrorCode.NONE);
    assert.deepEqual(res.unknownStateFilters, ['Bogus']);
    assert.deepEqual(res.transactionStates, []);
  });

  it('kafka-transactions.sh describe-producers and list', async (t) => {
    const missing = await peerMissing('kafka-tools');
    if (missing) return t.skip(missing);
    const bootstrap = ['--bootstrap-server', broker.bootstrap];
    const described = (
      await kafkaTool('transactions', [
        ...bootstrap,
        'describe-producers',
        '--topic',
        'idem',
        '--partition',
        '0',
      ])
    ).stdout.toString();
    const rows = described
      .trim()
      .split('\n')
      .map((line) => line.trim().split(/\s+/));
    assert.deepEqual(rows[0], [
      'ProducerId',
      'ProducerEpoch',
      'LatestCoordinatorEpoch',
      'LastSequence',
      'LastTimestamp',
      'CurrentTransactionStartOffset',
    ]);
    assert.deepEqual(rows.slice(1), [[String(pid), '0', '-1', '6', String(TS + 3), 'None']]);
    const listed = (await kafkaTool('transactions', [...bootstrap, 'list'])).stdout.toString();
    assert.deepEqual(listed.trim().split(/\s+/), [
      'TransactionalId',
      'Coordinator',
      'ProducerId',
      'TransactionState',
    ]);
  });
});
