import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiVersions, ErrorCode, InitProducerId, Metadata, Produce } from '../../src/protocol/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { buildBatch } from '../helpers/records.js';
import { WireClient } from '../helpers/wire-client.js';

const PRODUCE_V = 9;

async function produceOne(client: WireClient, topic: string, records: Buffer, acks = -1) {
  const res = await client.request(Produce, PRODUCE_V, {
    transactionalId: null,
    acks,
    timeoutMs: 5000,
    topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  });
  return res.responses[0].partitionResponses[0];
}

async function endOffset(broker: TestBroker, topic: string): Promise<number> {
  return broker.core.partition(topic, 0)?.logEndOffset ?? -1;
}

describe('bad input', () => {
  let broker: TestBroker;
  let client: WireClient;

  before(async () => {
    broker = await startTestBroker({ autoCreateTopics: false });
    await broker.core.logs.createTopic('t', 1, { 'max.message.bytes': '2000' });
    client = await WireClient.connect(broker.port);
  });
  after(async () => {
    client.close();
    await broker.dispose();
  });

  async function assertAlive() {
    const probe = await WireClient.connect(broker.port);
    const res = await probe.request(ApiVersions, 3, {
      clientSoftwareName: 'probe',
      clientSoftwareVersion: '1',
    });
    probe.close();
    assert.equal(res.errorCode, ErrorCode.NONE);
  }

  it('answers an unknown ApiVersions version in v0 with UNSUPPORTED_VERSION and the supported ranges', async () => {
    const frame = Buffer.concat(client.encode(ApiVersions, 0, {}));
    frame.writeInt16BE(99, 6); // request api version
    const response = await client.requestRaw(frame);
    assert.equal(response.readInt16BE(4), ErrorCode.UNSUPPORTED_VERSION);
    // Like Kafka: only ApiVersions' own range, so the client retries at a version we serve.
    assert.equal(response.readInt32BE(6), 1);
    assert.deepEqual(
      [response.readInt16BE(10), response.readInt16BE(12), response.readInt16BE(14)],
      [18, 0, 4],
    );
  });

  it('closes the connection on an unknown API key and keeps serving others', async () => {
    const c = await WireClient.connect(broker.port);
    const frame = Buffer.concat(c.encode(ApiVersions, 0, {}));
    frame.writeInt16BE(9999, 4);
    c.sendBytes(frame);
    await c.closed;
    await assertAlive();
  });

  it('closes the connection on a truncated body and on an oversized size prefix', async () => {
    const c1 = await WireClient.connect(broker.port);
    const frame = Buffer.concat(c1.encode(Metadata, 4, { topics: [{ name: 't' }] }));
    const truncated = frame.subarray(0, frame.length - 3);
    truncated.writeInt32BE(truncated.length - 4, 0);
    c1.sendBytes(truncated);
    await c1.closed;

    const c2 = await WireClient.connect(broker.port);
    const huge = Buffer.alloc(8);
    huge.writeInt32BE(0x7ffffff0, 0);
    c2.sendBytes(huge);
    await c2.closed;

    const c3 = await WireClient.connect(broker.port);
    const negative = Buffer.alloc(4);
    negative.writeInt32BE(-5, 0);
    c3.sendBytes(negative);
    await c3.closed;
    await assertAlive();
  });

  it('rejects a batch with a bad CRC and appends nothing', async () => {
    const before = await endOffset(broker, 't');
    const batch = buildBatch([{ key: 'k', value: 'v' }]);
    batch[batch.length - 1] ^= 0xff;
    const r = await produceOne(client, 't', batch);
    assert.equal(r.errorCode, ErrorCode.CORRUPT_MESSAGE);
    assert.equal(await endOffset(broker, 't'), before);
  });

  it('rejects a batch over max.message.bytes with MESSAGE_TOO_LARGE and appends nothing', async () => {
    const before = await endOffset(broker, 't');
    const r = await produceOne(client, 't', buildBatch([{ value: Buffer.alloc(5000, 1) }]));
    assert.equal(r.errorCode, ErrorCode.MESSAGE_TOO_LARGE);
    assert.equal(await endOffset(broker, 't'), before);
  });

  it('rejects legacy message sets (magic 0 and 1) with UNSUPPORTED_FOR_MESSAGE_FORMAT', async () => {
    for (const magic of [0, 1]) {
      const legacy = buildBatch([{ value: 'old' }]);
      legacy.writeInt8(magic, 16);
      const r = await produceOne(client, 't', legacy);
      assert.equal(r.errorCode, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT);
    }
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for a missing topic when auto-creation is off', async () => {
    const r = await produceOne(client, 'missing', buildBatch([{ value: 'x' }]));
    assert.equal(r.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const md = await client.request(Metadata, 12, {
      topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'missing' }],
      allowAutoTopicCreation: true,
    });
    assert.equal(md.topics[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    assert.equal(broker.core.logs.topic('missing'), undefined);
  });

  it('rejects a record stamped more than message.timestamp.after.max.ms in the future', async () => {
    const before = await endOffset(broker, 't');
    const r = await produceOne(
      client,
      't',
      buildBatch([{ value: 'future', timestamp: Date.now() + 2 * 3600_000 }]),
    );
    assert.equal(r.errorCode, ErrorCode.INVALID_TIMESTAMP);
    assert.equal(await endOffset(broker, 't'), before);
    const ok = await produceOne(client, 't', buildBatch([{ value: 'soon', timestamp: Date.now() + 60_000 }]));
    assert.equal(ok.errorCode, ErrorCode.NONE);
  });

  it('rejects invalid acks', async () => {
    const r = await produceOne(client, 't', buildBatch([{ value: 'x' }]), 2);
    assert.equal(r.errorCode, ErrorCode.INVALID_REQUIRED_ACKS);
  });

  it('drops duplicate idempotent batches and rejects out-of-order sequences and old epochs', async () => {
    const init = await client.request(InitProducerId, 4, {
      transactionalId: null,
      transactionTimeoutMs: 60000,
      producerId: -1,
      producerEpoch: -1,
    });
    assert.equal(init.errorCode, ErrorCode.NONE);
    const pid = { producerId: init.producerId, producerEpoch: init.producerEpoch };
    const first = await produceOne(
      client,
      't',
      buildBatch([{ value: 'a' }, { value: 'b' }], { ...pid, baseSequence: 0 }),
    );
    assert.equal(first.errorCode, ErrorCode.NONE);
    const afterFirst = await endOffset(broker, 't');

    const retry = await produceOne(
      client,
      't',
      buildBatch([{ value: 'a' }, { value: 'b' }], { ...pid, baseSequence: 0 }),
    );
    assert.equal(retry.errorCode, ErrorCode.NONE);
    assert.equal(retry.baseOffset, first.baseOffset);
    assert.equal(await endOffset(broker, 't'), afterFirst, 'duplicate must not be appended');

    const gap = await produceOne(client, 't', buildBatch([{ value: 'c' }], { ...pid, baseSequence: 5 }));
    assert.equal(gap.errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assert.equal(await endOffset(broker, 't'), afterFirst);

    const next = await produceOne(client, 't', buildBatch([{ value: 'c' }], { ...pid, baseSequence: 2 }));
    assert.equal(next.errorCode, ErrorCode.NONE);
    assert.equal(next.baseOffset, afterFirst);

    // An idempotent producer bumps its epoch itself (Kafka's clients do, KIP-360); the broker
    // then takes sequence 0 of the new epoch and fences the old one.
    const bumped = { producerEpoch: pid.producerEpoch + 1 };
    const fresh = await produceOne(
      client,
      't',
      buildBatch([{ value: 'd' }], {
        producerId: pid.producerId,
        producerEpoch: bumped.producerEpoch,
        baseSequence: 0,
      }),
    );
    assert.equal(fresh.errorCode, ErrorCode.NONE);
    const stale = await produceOne(client, 't', buildBatch([{ value: 'e' }], { ...pid, baseSequence: 3 }));
    assert.equal(stale.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
  });
});
