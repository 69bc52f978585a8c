import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, InitProducerId, Produce } from '../../src/protocol/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { buildBatch } from '../helpers/records.js';
import { WireClient } from '../helpers/wire-client.js';

describe('InitProducerId without a transactional id', () => {
  let broker: TestBroker;
  let client: WireClient;
  before(async () => {
    broker = await startTestBroker();
    client = await WireClient.connect(broker.port);
    await broker.core.logs.createTopic('pid-topic', 1, {});
  });
  after(async () => {
    client.close();
    await broker.dispose();
  });

  const init = (producerId: number, producerEpoch: number) =>
    client.request(InitProducerId, 4, {
      transactionalId: null,
      transactionTimeoutMs: 60000,
      producerId,
      producerEpoch,
    });

  const produce = (pid: { producerId: number; producerEpoch: number }, value: string) =>
    client.request(Produce, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [
        {
          name: 'pid-topic',
          partitionData: [{ index: 0, records: buildBatch([{ value }], { ...pid, baseSequence: 0 }) }],
        },
      ],
    });

  it("bug: two producers asking with id 0 / epoch 0 shared producer 0, and the second one's first batch was acknowledged as a duplicate but never written", async () => {
    const first = await init(0, 0);
    const second = await init(0, 0);
    assert.equal(first.errorCode, ErrorCode.NONE);
    assert.equal(second.errorCode, ErrorCode.NONE);
    assert.notEqual(first.producerId, second.producerId, 'each gets its own producer id, as on Kafka');
    assert.equal(second.producerEpoch, 0);
    const a = (await produce(first, 'from the first')).responses[0].partitionResponses[0];
    const b = (await produce(second, 'from the second')).responses[0].partitionResponses[0];
    assert.equal(a.errorCode, ErrorCode.NONE);
    assert.equal(b.errorCode, ErrorCode.NONE);
    assert.notEqual(
      b.baseOffset,
      a.baseOffset,
      'the second batch is a new record, not a duplicate of the first',
    );
    const { values } = await client.fetchValues('pid-topic', 0);
    assert.deepEqual(values, ['from the first', 'from the second']);
  });

  it('a request naming a producer id cannot take over that producer', async () => {
    const owner = await init(-1, -1);
    const other = await init(owner.producerId, owner.producerEpoch);
    assert.notEqual(other.producerId, owner.producerId);
    // The owner is not fenced: its next batch is still accepted.
    const res = (await produce(owner, 'owner still writes')).responses[0].partitionResponses[0];
    assert.equal(res.errorCode, ErrorCode.NONE);
  });

  it('an id without an epoch (or the reverse) is INVALID_REQUEST, as on Kafka', async () => {
    assert.equal((await init(5, -1)).errorCode, ErrorCode.INVALID_REQUEST);
    assert.equal((await init(-1, 3)).errorCode, ErrorCode.INVALID_REQUEST);
  });
});
