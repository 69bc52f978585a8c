// Matrix adapter: KafkaJS 2.2.4. Runs every scenario of test/compat/matrix/scenarios.ts against
// --bootstrap with topics `${prefix}-<scenario>`. KafkaJS ships gzip only: snappy uses a codec
// plugin over snappyjs (what kafkajs-snappy is); lz4 and zstd need plugins that are not installed
// (lz4js writes block-dependent frames, which Kafka rejects). KafkaJS has no group-less consumer,
// so reads use fresh groups.

import kafkajs from 'kafkajs';
import snappy from 'snappyjs';
import {
  bounded,
  oneMegabyte,
  parseArgs,
  perKeyOrder,
  REPETITIVE_200,
  runScenarios,
  sleep,
  Unsupported,
  waitFor,
} from './harness.mjs';

const { CompressionCodecs, CompressionTypes, ConfigResourceTypes, Kafka, logLevel } = kafkajs;
const { bootstrap, prefix } = parseArgs();
const T = (id) => `${prefix}-${id}`;
const G = (id) => `${prefix}-g-${id}`;

// Java's snappy framing (xerial) on the way in, raw snappy on the way out (what kafkajs-snappy does).
const XERIAL = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
CompressionCodecs[CompressionTypes.Snappy] = () => ({
  compress: async (encoder) => Buffer.from(snappy.compress(encoder.buffer)),
  decompress: async (buf) => {
    if (buf.length < 16 || !buf.subarray(0, 8).equals(XERIAL)) return Buffer.from(snappy.uncompress(buf));
    const blocks = [];
    for (let at = 16; at + 4 <= buf.length; ) {
      const len = buf.readInt32BE(at);
      blocks.push(Buffer.from(snappy.uncompress(buf.subarray(at + 4, at + 4 + len))));
      at += 4 + len;
    }
    return Buffer.concat(blocks);
  },
});

const kafka = new Kafka({
  clientId: 'sluice-matrix-kafkajs',
  brokers: [bootstrap],
  connectionTimeout: 5_000,
  requestTimeout: 20_000,
  retry: { retries: 5, initialRetryTime: 200 },
  logLevel: logLevel.WARN,
  logCreator:
    () =>
    ({ level, log }) => {
      const { message, timestamp: _t, ...rest } = log;
      process.stderr.write(`[kafkajs ${level}] ${message} ${JSON.stringify(rest)}\n`);
    },
});

const admin = kafka.admin();
let adminConnected = false;
async function adm() {
  if (!adminConnected) {
    await admin.connect();
    adminConnected = true;
  }
  return admin;
}

async function createTopic(topic, numPartitions = 3, configEntries = []) {
  await (await adm()).createTopics({
    topics: [{ topic, numPartitions, configEntries }],
    waitForLeaders: true,
    timeout: 15_000,
  });
}

async function produce(topic, messages, opts = {}) {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, ...opts.producer });
  await producer.connect();
  try {
    return await producer.send({ topic, messages, acks: -1, compression: opts.compression });
  } finally {
    await bounded(producer.disconnect());
  }
}

/** Reads `count` messages in a fresh (or the given) group from the earliest offset. */
async function consume(
  topic,
  count,
  { groupId = G(topic.slice(prefix.length + 1)), settleMs = 0, timeoutMs = 20_000 } = {},
) {
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 200,
    maxBytesPerPartition: 2_000_000,
  });
  const got = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        got.push({
          partition,
          offset: message.offset,
          key: message.key,
          value: message.value,
          headers: message.headers,
          timestamp: message.timestamp,
        });
      },
    });
    await waitFor(() => got.length >= count, timeoutMs, `read ${got.length} of ${count} messages`);
    if (settleMs) await sleep(settleMs);
    return got;
  } finally {
    await bounded(consumer.disconnect());
  }
}

const state = { read: null };

async function compression(codec, type) {
  const topic = T(`compression-${codec}`);
  await createTopic(topic);
  const messages = Array.from({ length: 50 }, (_, i) => ({ key: `c${i}`, value: REPETITIVE_200 }));
  await produce(topic, messages, { compression: type });
  const got = await consume(topic, 50);
  const bad = got.filter((m) => !m.value?.equals(REPETITIVE_200)).length;
  if (got.length !== 50 || bad) throw new Error(`read ${got.length} messages, ${bad} corrupted`);
  return `50 × 200 B ${codec} read back intact`;
}

await runScenarios('kafkajs', [
  [
    'create-topic',
    async () => {
      const topic = T('create-topic');
      await createTopic(topic);
      const md = await admin.fetchTopicMetadata({ topics: [topic] });
      const n = md.topics[0]?.partitions.length;
      if (n !== 3) throw new Error(`metadata shows ${n} partitions`);
      return 'created; metadata shows 3 partitions';
    },
  ],
  [
    'produce-keyed-acks-all',
    async () => {
      const topic = T('produce-keyed-acks-all');
      await createTopic(topic);
      const messages = Array.from({ length: 300 }, (_, i) => ({ key: `k${i % 10}`, value: String(i) }));
      const res = await produce(topic, messages);
      const bad = res.filter((r) => r.errorCode !== 0);
      if (bad.length) throw new Error(`errors ${JSON.stringify(bad)}`);
      return `300 acknowledged (idempotent, acks=all) on ${res.length} partition(s)`;
    },
  ],
  [
    'consume-from-beginning',
    async () => {
      state.read = await consume(T('produce-keyed-acks-all'), 300, {
        groupId: G('consume-from-beginning'),
        settleMs: 500,
      });
      const got = state.read.map((m) => ({ ...m, key: m.key?.toString(), value: m.value?.toString() }));
      state.read = got;
      if (got.length !== 300) throw new Error(`read ${got.length} messages, expected 300`);
      return 'read 300';
    },
  ],
  ['per-key-order', async () => perKeyOrder(state.read)],
  [
    'headers',
    async () => {
      const topic = T('headers');
      await createTopic(topic);
      await produce(topic, [{ key: 'h', value: 'with headers', headers: { h1: 'v1', h2: '' } }]);
      const [m] = await consume(topic, 1);
      const seen = Object.entries(m.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? null]);
      if (
        JSON.stringify(seen) !==
        JSON.stringify([
          ['h1', 'v1'],
          ['h2', ''],
        ])
      ) {
        throw new Error(`read headers ${JSON.stringify(seen)}`);
      }
      return 'h1=v1, h2="" in order';
    },
  ],
  ['compression-gzip', () => compression('gzip', CompressionTypes.GZIP)],
  ['compression-snappy', () => compression('snappy', CompressionTypes.Snappy)],
  [
    'compression-lz4',
    async () => {
      // lz4js (the one pure-JS LZ4 here) writes block-dependent frames, which Kafka rejects.
      throw new Unsupported('no lz4 codec without a plugin (kafkajs-lz4 is not installed)');
    },
  ],
  [
    'compression-zstd',
    async () => {
      throw new Unsupported('no zstd codec without a native plugin (@kafkajs/zstd is not installed)');
    },
  ],
  [
    'null-key-and-value',
    async () => {
      const topic = T('null-key-and-value');
      await createTopic(topic);
      await produce(topic, [{ key: null, value: null }]);
      const [m] = await consume(topic, 1);
      if (m.key !== null || m.value !== null) throw new Error(`read key=${m.key} value=${m.value}`);
      return 'null key and null value read back as null';
    },
  ],
  [
    'message-1mb',
    async () => {
      const topic = T('message-1mb');
      await createTopic(topic);
      const big = oneMegabyte();
      await produce(topic, [{ key: 'big', value: big }]);
      const [m] = await consume(topic, 1);
      if (!m.value?.equals(big)) throw new Error(`read ${m.value?.length} bytes, not the same`);
      return '1,000,000 bytes read back intact';
    },
  ],
  ['group-rebalance', groupRebalance, 45_000],
  ['commit-and-resume', commitAndResume, 40_000],
  [
    'list-offsets-by-timestamp',
    async () => {
      const topic = T('list-offsets-by-timestamp');
      await createTopic(topic);
      const t0 = Date.now() - 3_600_000;
      await produce(
        topic,
        [0, 1, 2, 3, 4].map((i) => ({ partition: 0, value: `t${i}`, timestamp: String(t0 + i * 1000) })),
      );
      const res = await admin.fetchTopicOffsetsByTimestamp(topic, t0 + 2500);
      const p0 = res.find((r) => r.partition === 0);
      if (p0?.offset !== '3') throw new Error(`offset for t0+2500 is ${p0?.offset}`);
      return 'offset for t0+2500 = 3';
    },
  ],
  [
    'describe-configs',
    async () => {
      const topic = T('describe-configs');
      await createTopic(topic, 3, [{ name: 'retention.ms', value: '123456' }]);
      const res = await admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }],
        includeSynonyms: false,
      });
      const entry = res.resources[0]?.configEntries.find((c) => c.configName === 'retention.ms');
      if (entry?.configValue !== '123456') throw new Error(`retention.ms = ${entry?.configValue}`);
      return 'retention.ms=123456';
    },
  ],
  [
    'delete-topic',
    async () => {
      const topic = T('create-topic');
      await (await adm()).deleteTopics({ topics: [topic], timeout: 15_000 });
      await waitFor(
        async () => !(await admin.listTopics()).includes(topic),
        10_000,
        `${topic} still listed`,
        300,
      );
      return 'deleted; gone from the topic list';
    },
  ],
]);

async function groupRebalance() {
  const topic = T('group-rebalance');
  await createTopic(topic, 4);
  const groupId = G('group-rebalance');
  const latest = [null, null];
  const members = [0, 1].map((i) => {
    const c = kafka.consumer({
      groupId,
      sessionTimeout: 10_000,
      heartbeatInterval: 300,
      maxWaitTimeInMs: 200,
    });
    c.on(c.events.GROUP_JOIN, (e) => {
      latest[i] = (e.payload.memberAssignment[topic] ?? []).slice().sort((a, b) => a - b);
    });
    return c;
  });
  const split = () =>
    latest[0]?.length > 0 &&
    latest[1]?.length > 0 &&
    new Set([...latest[0], ...latest[1]]).size === 4 &&
    latest[0].length + latest[1].length === 4;
  try {
    for (const c of members) {
      await c.connect();
      await c.subscribe({ topic, fromBeginning: true });
      await c.run({ eachMessage: async () => {} });
    }
    await waitFor(split, 20_000, `both members assigned (now ${JSON.stringify(latest)})`);
    const before = JSON.stringify(latest);
    await members[0].disconnect();
    await waitFor(
      () => latest[1]?.length === 4,
      20_000,
      `the remaining member owns all 4 (it has ${JSON.stringify(latest[1])})`,
    );
    return `split ${before}, then [0,1,2,3] after one left`;
  } finally {
    await Promise.all(members.map((c) => bounded(c.disconnect())));
  }
}

async function commitAndResume() {
  const topic = T('commit-and-resume');
  const groupId = G('commit-and-resume');
  await createTopic(topic);
  await produce(
    topic,
    Array.from({ length: 20 }, (_, i) => ({ partition: 0, key: 'r', value: String(i) })),
  );
  const first = kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 200,
  });
  const firstRead = [];
  let committed = false;
  try {
    await first.connect();
    await first.subscribe({ topic, fromBeginning: true });
    await first.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (firstRead.length >= 10) return;
        firstRead.push(Number(message.offset));
        if (firstRead.length === 10) {
          first.pause([{ topic }]);
          await first.commitOffsets([{ topic, partition, offset: '10' }]);
          committed = true;
        }
      },
    });
    await waitFor(() => committed, 15_000, `first member read ${firstRead.length} of 10 and committed`);
  } finally {
    await bounded(first.disconnect());
  }
  const second = await consume(topic, 10, { groupId, settleMs: 1_500 });
  const offsets = second.map((m) => Number(m.offset)).sort((a, b) => a - b);
  const want = Array.from({ length: 10 }, (_, i) => 10 + i);
  if (JSON.stringify(offsets) !== JSON.stringify(want)) {
    throw new Error(`the new member read offsets ${JSON.stringify(offsets)}`);
  }
  return 'first member read 0..9, committed 10; the new member read exactly 10..19';
}

await bounded(admin.disconnect());
process.exit(0);
