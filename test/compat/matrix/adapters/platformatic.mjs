// Matrix adapter: @platformatic/kafka. Runs every scenario of test/compat/matrix/scenarios.ts
// against --bootstrap with topics `${prefix}-<scenario>`. Its codecs are built in (snappy and lz4
// in WebAssembly; zstd through node:zlib, which Node.js has from 22.15 only). Reads use a
// consumer in a fresh group (the client has no group-less consumer stream).

import zlib from 'node:zlib';
import { Admin, ConfigResourceTypes, Consumer, Producer } from '@platformatic/kafka';
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

const { bootstrap, prefix } = parseArgs();
const T = (id) => `${prefix}-${id}`;
const G = (id) => `${prefix}-g-${id}`;
const base = { clientId: 'sluice-matrix-platformatic', bootstrapBrokers: [bootstrap], timeout: 20_000 };
const groupTimings = { sessionTimeout: 10_000, heartbeatInterval: 300, rebalanceTimeout: 15_000 };

const admin = new Admin(base);

async function createTopic(topic, partitions = 3, configs = []) {
  await admin.createTopics({ topics: [topic], partitions, replicas: 1, configs });
}

async function produce(topic, messages, opts = {}) {
  const producer = new Producer({ ...base, idempotent: true, acks: -1, compression: opts.compression });
  try {
    return await producer.send({ messages: messages.map((m) => ({ topic, ...m })) });
  } finally {
    await bounded(producer.close());
  }
}

/** Reads `count` messages in a group (fresh unless given) from the earliest (or committed) offset. */
async function consume(topic, count, { groupId, mode = 'earliest', settleMs = 0, timeoutMs = 20_000 } = {}) {
  const consumer = new Consumer({
    ...base,
    groupId: groupId ?? G(topic.slice(prefix.length + 1)),
    ...groupTimings,
  });
  const got = [];
  let stream;
  try {
    stream = await consumer.consume({
      topics: [topic],
      mode,
      fallbackMode: 'earliest',
      autocommit: false,
      maxWaitTime: 200,
      maxBytesPerPartition: 2_000_000,
      ...groupTimings,
    });
    stream.on('data', (m) => got.push(m));
    await waitFor(() => got.length >= count, timeoutMs, `read ${got.length} of ${count} messages`);
    if (settleMs) await sleep(settleMs);
    return got;
  } finally {
    if (stream) await bounded(stream.close());
    await bounded(consumer.close(true));
  }
}

const state = { read: null };

async function compression(codec) {
  if (codec === 'zstd' && !zlib.zstdCompressSync) {
    throw new Unsupported(`zstd needs node:zlib zstd (Node.js >= 22.15; this is ${process.version})`);
  }
  const topic = T(`compression-${codec}`);
  await createTopic(topic);
  const messages = Array.from({ length: 50 }, (_, i) => ({
    key: Buffer.from(`c${i}`),
    value: REPETITIVE_200,
  }));
  await produce(topic, messages, { compression: codec });
  const got = await consume(topic, 50);
  const bad = got.filter((m) => !Buffer.from(m.value ?? []).equals(REPETITIVE_200)).length;
  if (got.length !== 50 || bad) throw new Error(`read ${got.length} messages, ${bad} corrupted`);
  return `50 × 200 B ${codec} read back intact`;
}

await runScenarios('@platformatic/kafka', [
  [
    'create-topic',
    async () => {
      const topic = T('create-topic');
      await createTopic(topic);
      const md = await admin.metadata({ topics: [topic], forceUpdate: true });
      const n = md.topics.get(topic)?.partitionsCount;
      if (n !== 3) throw new Error(`metadata shows ${n} partitions`);
      return 'created; metadata shows 3 partitions';
    },
  ],
  [
    'produce-keyed-acks-all',
    async () => {
      const topic = T('produce-keyed-acks-all');
      await createTopic(topic);
      const messages = Array.from({ length: 300 }, (_, i) => ({
        key: Buffer.from(`k${i % 10}`),
        value: Buffer.from(String(i)),
      }));
      const res = await produce(topic, messages);
      return `300 acknowledged (idempotent, acks=all) on ${res.offsets?.length ?? '?'} partition(s)`;
    },
  ],
  [
    'consume-from-beginning',
    async () => {
      const got = await consume(T('produce-keyed-acks-all'), 300, {
        groupId: G('consume-from-beginning'),
        settleMs: 500,
      });
      state.read = got.map((m) => ({
        partition: m.partition,
        offset: m.offset,
        key: m.key?.toString(),
        value: m.value?.toString(),
      }));
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
      const headers = new Map([
        [Buffer.from('h1'), Buffer.from('v1')],
        [Buffer.from('h2'), Buffer.alloc(0)],
      ]);
      await produce(topic, [{ key: Buffer.from('h'), value: Buffer.from('with headers'), headers }]);
      const [m] = await consume(topic, 1);
      const seen = [...(m.headers ?? new Map())].map(([k, v]) => [String(k), v == null ? null : String(v)]);
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
  ['compression-gzip', () => compression('gzip')],
  ['compression-snappy', () => compression('snappy')],
  ['compression-lz4', () => compression('lz4')],
  ['compression-zstd', () => compression('zstd')],
  [
    'null-key-and-value',
    async () => {
      const topic = T('null-key-and-value');
      await createTopic(topic);
      await produce(topic, [{ key: null, value: null }]);
      const [m] = await consume(topic, 1);
      if (m.key != null || m.value != null) {
        throw new Error(`read key=${JSON.stringify(m.key)} value=${JSON.stringify(m.value)}`);
      }
      return 'null key and null value read back as null';
    },
  ],
  [
    'message-1mb',
    async () => {
      const topic = T('message-1mb');
      await createTopic(topic);
      const big = oneMegabyte();
      await produce(topic, [{ key: Buffer.from('big'), value: big }]);
      const [m] = await consume(topic, 1);
      if (!Buffer.from(m.value ?? []).equals(big))
        throw new Error(`read ${m.value?.length} bytes, not the same`);
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
      const t0 = BigInt(Date.now() - 3_600_000);
      await produce(
        topic,
        [0, 1, 2, 3, 4].map((i) => ({
          partition: 0,
          value: Buffer.from(`t${i}`),
          timestamp: t0 + BigInt(i * 1000),
        })),
      );
      const res = await admin.listOffsets({
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: t0 + 2500n }] }],
      });
      const offset = res[0]?.partitions.find((p) => p.partitionIndex === 0)?.offset;
      if (offset !== 3n) throw new Error(`offset for t0+2500 is ${offset}`);
      return 'offset for t0+2500 = 3';
    },
  ],
  [
    'describe-configs',
    async () => {
      const topic = T('describe-configs');
      await createTopic(topic, 3, [{ name: 'retention.ms', value: '123456' }]);
      const res = await admin.describeConfigs({
        resources: [
          {
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName: topic,
            configurationKeys: ['retention.ms'],
          },
        ],
      });
      const value = res[0]?.configs.find((c) => c.name === 'retention.ms')?.value;
      if (value !== '123456') throw new Error(`retention.ms = ${value}`);
      return 'retention.ms=123456';
    },
  ],
  [
    'delete-topic',
    async () => {
      const topic = T('create-topic');
      await admin.deleteTopics({ topics: [topic] });
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
    const c = new Consumer({ ...base, groupId, ...groupTimings });
    c.on('consumer:group:join', (p) => {
      const mine = (p.assignments ?? []).find((a) => a.topic === topic);
      latest[i] = [...(mine?.partitions ?? [])].sort((a, b) => a - b);
    });
    return c;
  });
  const streams = [];
  const split = () =>
    latest[0]?.length > 0 &&
    latest[1]?.length > 0 &&
    new Set([...latest[0], ...latest[1]]).size === 4 &&
    latest[0].length + latest[1].length === 4;
  try {
    for (const c of members) {
      const s = await c.consume({
        topics: [topic],
        mode: 'earliest',
        autocommit: false,
        maxWaitTime: 200,
        ...groupTimings,
      });
      s.on('data', () => {});
      s.on('error', (e) => process.stderr.write(`[group-rebalance stream] ${e?.stack ?? e}\n`));
      streams.push(s);
    }
    await waitFor(split, 20_000, `both members assigned (now ${JSON.stringify(latest)})`);
    const before = JSON.stringify(latest);
    await streams[0].close();
    await members[0].close(true);
    await waitFor(
      () => latest[1]?.length === 4,
      20_000,
      `the remaining member owns all 4 (it has ${JSON.stringify(latest[1])})`,
    );
    return `split ${before}, then [0,1,2,3] after one left`;
  } finally {
    for (const s of streams) await bounded(s.close());
    for (const c of members) await bounded(c.close(true));
  }
}

async function commitAndResume() {
  const topic = T('commit-and-resume');
  const groupId = G('commit-and-resume');
  await createTopic(topic);
  await produce(
    topic,
    Array.from({ length: 20 }, (_, i) => ({
      partition: 0,
      key: Buffer.from('r'),
      value: Buffer.from(String(i)),
    })),
  );
  const first = new Consumer({ ...base, groupId, ...groupTimings });
  let stream;
  try {
    stream = await first.consume({
      topics: [topic],
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
      maxWaitTime: 200,
      ...groupTimings,
    });
    let n = 0;
    for await (const m of stream) {
      n += 1;
      if (n === 10) {
        if (m.offset !== 9n) throw new Error(`the 10th message has offset ${m.offset}`);
        await m.commit(); // commits offset 10
        break;
      }
    }
  } finally {
    if (stream) await bounded(stream.close());
    await bounded(first.close(true));
  }
  const second = await consume(topic, 10, { groupId, mode: 'committed', settleMs: 1_500 });
  const offsets = second.map((m) => Number(m.offset)).sort((a, b) => a - b);
  const want = Array.from({ length: 10 }, (_, i) => 10 + i);
  if (JSON.stringify(offsets) !== JSON.stringify(want)) {
    throw new Error(`the new member read offsets ${JSON.stringify(offsets)}`);
  }
  return 'first member read 0..9, committed 10; the new member read exactly 10..19';
}

await bounded(admin.close());
process.exit(0);
