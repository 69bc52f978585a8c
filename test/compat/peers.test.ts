// The peer helpers themselves: the kcat output parser always; the clients against a live broker
// when SLUICE_COMPAT_BOOTSTRAP ("127.0.0.1:port") is set — Apache Kafka (scripts/peers/kafka.sh)
// to check the helpers, Sluice to check Sluice.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  COMPRESSIONS,
  type ConsumeOptions,
  confluentConsume,
  confluentProduce,
  kafkapyConsume,
  kafkapyProduce,
  kcatConsume,
  kcatMetadata,
  kcatProduce,
  type PeerName,
  type PeerRecord,
  type ProduceMessage,
  parseKcatRecords,
  peerMissing,
} from './peers.js';

const bootstrap = process.env.SLUICE_COMPAT_BOOTSTRAP ?? '';
const run = `${process.pid}-${Date.now().toString(36)}`;
const topicName = (what: string) => `compat-peers-${run}-${what}`;

// Binary-unsafe on purpose: NUL, 0xff, newline, CR, the kcat header separators.
const BINARY = Buffer.from([0x00, 0xff, 0x0a, 0x0d, 0x2c, 0x3d, 0x7e, 0x80]);

/** What every producer can send (kafka-python: no null header values, no all-null message). */
const COMMON: ProduceMessage[] = [
  {
    key: 'k1',
    value: BINARY,
    headers: [
      ['h1', 'v1'],
      ['h2', ''],
    ],
  },
  { key: null, value: 'no key' },
  { key: 'k3', value: null },
  { key: BINARY.subarray(2), value: 'binary key' },
  // librdkafka and kafka-python skip compression unless it shrinks the batch: give it something.
  { key: 'big', value: 'compress me! '.repeat(40) },
];

type Consumer = (b: string, o: ConsumeOptions) => Promise<PeerRecord[]>;
const CONSUMERS: Array<[PeerName, Consumer]> = [
  ['kcat', kcatConsume],
  ['confluent-kafka', confluentConsume],
  ['kafka-python', kafkapyConsume],
];

function view(records: readonly PeerRecord[]) {
  const hex = (b: Buffer | null) => (b === null ? null : b.toString('hex'));
  return records.map((r) => ({
    key: hex(r.key),
    value: hex(r.value),
    headers: r.headers.map(([k, v]) => [k, hex(v)]),
  }));
}

function expected(messages: readonly ProduceMessage[]) {
  const hex = (b: Buffer | string | null | undefined) =>
    b === null || b === undefined ? null : Buffer.from(b).toString('hex');
  return messages.map((m) => ({
    key: hex(m.key),
    value: hex(m.value),
    headers: (m.headers ?? []).map(([k, v]) => [k, hex(v)]),
  }));
}

describe('parseKcatRecords', () => {
  it('reads keys and values by length, so any byte survives', () => {
    const out = Buffer.concat([
      Buffer.from('M 0 5 1700000000000 2 3\n'),
      Buffer.from('k\n'),
      Buffer.from([0x00, 0x0a, 0xff]),
      Buffer.from('\nh1=v,h2=NULL\n'),
      Buffer.from('M 1 6 -1 -1 -1\n\n\n'),
    ]);
    const [a, b] = parseKcatRecords(out);
    assert.equal(a.partition, 0);
    assert.equal(a.offset, 5);
    assert.equal(a.timestamp, 1700000000000);
    assert.deepEqual(a.key, Buffer.from('k\n'));
    assert.deepEqual(a.value, Buffer.from([0x00, 0x0a, 0xff]));
    assert.deepEqual(a.headers, [
      ['h1', Buffer.from('v')],
      ['h2', null],
    ]);
    assert.deepEqual([b.partition, b.offset, b.key, b.value, b.headers], [1, 6, null, null, []]);
  });

  it('drops a record torn by a kill mid-write', () => {
    assert.equal(parseKcatRecords(Buffer.from('M 0 0 -1 -1 5\nab')).length, 0);
  });
});

describe('peers against SLUICE_COMPAT_BOOTSTRAP', {
  skip: !bootstrap && 'SLUICE_COMPAT_BOOTSTRAP is not set',
}, () => {
  it('kcat lists the broker and an auto-created topic', async (t) => {
    const why = await peerMissing('kcat');
    if (why) return t.skip(why);
    const topic = topicName('meta');
    await kcatProduce(bootstrap, { topic, messages: [{ value: 'x' }] });
    const md = await kcatMetadata(bootstrap, { topic });
    assert.ok(md.brokers.length >= 1);
    assert.equal(md.topics[0].topic, topic);
    assert.ok(md.topics[0].partitions.length >= 1);
  });

  for (const compression of COMPRESSIONS) {
    it(`kcat produces (${compression}); every client reads the same bytes`, async (t) => {
      const why = await peerMissing('kcat');
      if (why) return t.skip(why);
      const topic = topicName(`kcat-${compression}`);
      const messages: ProduceMessage[] = [
        ...COMMON,
        { key: 'k5', value: 'null header', headers: [['n', null]] },
      ];
      await kcatProduce(bootstrap, { topic, messages, compression, acks: 'all' });
      for (const [peer, consume] of CONSUMERS) {
        if (await peerMissing(peer)) continue;
        const got = await consume(bootstrap, { topic, count: messages.length });
        assert.deepEqual(view(got), expected(messages), `read by ${peer}`);
        assert.deepEqual(
          got.map((r) => r.offset),
          messages.map((_, i) => i),
        );
      }
    });

    it(`confluent-kafka produces (${compression}); kafka-python and kcat read it`, async (t) => {
      const why = await peerMissing('confluent-kafka');
      if (why) return t.skip(why);
      const topic = topicName(`confluent-${compression}`);
      const messages: ProduceMessage[] = [...COMMON, { key: null, value: null, headers: [['n', null]] }];
      const acked = await confluentProduce(bootstrap, { topic, messages, compression, acks: 1 });
      assert.deepEqual(
        acked.map((r) => r.offset),
        messages.map((_, i) => i),
      );
      for (const [peer, consume] of CONSUMERS.filter(([p]) => p !== 'confluent-kafka')) {
        if (await peerMissing(peer)) continue;
        const got = await consume(bootstrap, { topic, count: messages.length });
        assert.deepEqual(view(got), expected(messages), `read by ${peer}`);
      }
    });

    it(`kafka-python produces (${compression}); confluent-kafka and kcat read it`, async (t) => {
      const why = await peerMissing('kafka-python');
      if (why) return t.skip(why);
      const topic = topicName(`kafkapy-${compression}`);
      const acked = await kafkapyProduce(bootstrap, { topic, messages: COMMON, compression, acks: 'all' });
      assert.deepEqual(
        acked.map((r) => r.offset),
        COMMON.map((_, i) => i),
      );
      for (const [peer, consume] of CONSUMERS.filter(([p]) => p !== 'kafka-python')) {
        if (await peerMissing(peer)) continue;
        const got = await consume(bootstrap, { topic, count: COMMON.length });
        assert.deepEqual(view(got), expected(COMMON), `read by ${peer}`);
      }
    });
  }

  it('each client consumes in a group and commits', async (t) => {
    const why = await peerMissing('confluent-kafka');
    if (why) return t.skip(why);
    const topic = topicName('groups');
    await confluentProduce(bootstrap, { topic, messages: COMMON });
    for (const [peer, consume] of CONSUMERS) {
      if (await peerMissing(peer)) continue;
      const got = await consume(bootstrap, { topic, count: COMMON.length, group: `${topic}-${peer}` });
      assert.deepEqual(view(got), expected(COMMON), `read by ${peer} in a group`);
    }
  });

  // The test's own timeout is the hang guard; each consume's timeoutMs is what is checked.
  it('a consume that cannot finish fails in time instead of hanging', { timeout: 60_000 }, async (t) => {
    const why = await peerMissing('kcat');
    if (why) return t.skip(why);
    const topic = topicName('short');
    await kcatProduce(bootstrap, { topic, messages: [{ value: 'only one' }] });
    await assert.rejects(kcatConsume(bootstrap, { topic, count: 2, timeoutMs: 3000 }), /timed out/);
    await assert.rejects(confluentConsume(bootstrap, { topic, count: 2, timeoutMs: 3000 }), /read 1 of 2/);
  });
});
