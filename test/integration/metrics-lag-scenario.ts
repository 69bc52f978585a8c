// The lag scenario both metrics-lag tests run, against any bootstrap address (the in-process Sluice
// broker, Apache Kafka): exact counts produced with KafkaJS, a KafkaJS group that commits part of
// them, then kafka_exporter's values checked exactly in the registry's text; then the group stops
// committing while production goes on, and Burrow's status must turn to STOP (group ERR), also
// through the HTTP route.
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { type LagMonitor, registerLagRoutes, startLagMonitor } from '../../src/metrics/lag/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `name{k="v",...} value` lines of the exposition, keyed with labels sorted by name. */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels = [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)]
      .map(([, k, v]) => `${k}=${v}`)
      .sort()
      .join(',');
    out.set(`${m[1]}{${labels}}`, Number(m[3]));
  }
  return out;
}

const series = (name: string, labels: Record<string, string | number>) =>
  `${name}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(',')}}`;

async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export async function runLagScenario(bootstrap: string, name: string): Promise<void> {
  const topic = `lag-orders-${name}`;
  const group = `lag-billing-${name}`;
  const kafka = new Kafka({ clientId: 'lag-test', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 500 });
  const registry = new Registry();
  let monitor: LagMonitor | undefined;
  const app = Fastify();
  try {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await producer.connect();
    // Record i of partition 0 was written at base + i s, so lag in seconds is known.
    const base = Date.now() - 100_000;
    const produce = (partition: number, count: number, from = 0) =>
      producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: count }, (_, i) => ({
          partition,
          value: `m${from + i}`,
          timestamp: String(base + (from + i) * 1000),
        })),
      });
    await produce(0, 10);
    await produce(1, 20);
    await produce(2, 5);

    monitor = await startLagMonitor({
      bootstrap: [bootstrap],
      registry,
      logger: pino({ level: process.env.SLUICE_TEST_LOG ?? 'silent' }),
      intervalMs: 500,
      maxAgeMs: 200,
      window: 3,
      offsetsPollMs: 200,
    });
    registerLagRoutes(app, monitor);

    // A real group member that commits by hand: p1 fully, p0 three times 1.5 s apart, p2 never.
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      joined = true;
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachMessage: async () => {} });
    await until('the consumer to join', 30_000, () => (joined ? true : undefined));
    await consumer.commitOffsets([
      { topic, partition: 1, offset: '20' },
      { topic, partition: 0, offset: '2' },
    ]);
    await sleep(1500);
    await consumer.commitOffsets([{ topic, partition: 0, offset: '3' }]);
    await sleep(1500);
    await consumer.commitOffsets([{ topic, partition: 0, offset: '4' }]);
    await monitor.caughtUp();

    const values = parseMetrics(await registry.metrics());
    const at = (n: string, labels: Record<string, string | number>) => values.get(series(n, labels));
    const gp = (partition: number) => ({ consumergroup: group, topic, partition });
    assert.equal(at('kafka_brokers', {}), 1);
    assert.equal(at('kafka_topic_partitions', { topic }), 3);
    for (const [p, end] of [10, 20, 5].entries()) {
      assert.equal(at('kafka_topic_partition_current_offset', { topic, partition: p }), end, `end of ${p}`);
      assert.equal(at('kafka_topic_partition_oldest_offset', { topic, partition: p }), 0, `start of ${p}`);
    }
    assert.equal(at('kafka_consumergroup_members', { consumergroup: group }), 1);
    assert.deepEqual(
      [0, 1, 2].map((p) => [
        at('kafka_consumergroup_current_offset', gp(p)),
        at('kafka_consumergroup_lag', gp(p)),
      ]),
      [
        [4, 6],
        [20, 0],
        [-1, -1],
      ],
    );
    // kafka_exporter adds the -1 of an uncommitted partition to the offset sum, not to the lag sum.
    assert.equal(at('kafka_consumergroup_current_offset_sum', { consumergroup: group, topic }), 23);
    assert.equal(at('kafka_consumergroup_lag_sum', { consumergroup: group, topic }), 6);
    // Oldest unconsumed record of p0 is offset 4, written at base + 4 s.
    const lagSeconds = at('kafka_consumergroup_lag_seconds', gp(0))!;
    const expected = (Date.now() - (base + 4000)) / 1000;
    assert.ok(Math.abs(lagSeconds - expected) < 5, `lag seconds ${lagSeconds}, about ${expected}`);
    assert.equal(at('kafka_consumergroup_lag_seconds', gp(1)), 0);
    assert.equal(at('kafka_consumergroup_lag_seconds', gp(2)), undefined);
    assert.equal(at('sluice_lag_monitor_up', {}), 1);

    // Burrow: p0's window holds the three commits with the lag at each (8, 7, 6): shrinking, so OK.
    const first = monitor.status(group);
    assert.ok(first, 'the group has a Burrow status');
    const p0 = first.partitions.find((p) => p.topic === topic && p.partition === 0)!;
    assert.deepEqual(
      [p0.start?.offset, p0.start?.lag, p0.end?.offset, p0.end?.lag, p0.complete],
      [2, 8, 4, 6, 1],
    );
    assert.equal(p0.status, 'OK');
    assert.equal(first.status, 'OK');

    // The group stops; production goes on: lag grows and Burrow sees a stop.
    await consumer.disconnect();
    await produce(0, 5, 10);
    const stopped = await until('a STOP status', 20_000, () => {
      const s = monitor!.status(group);
      return s?.partitions.find((p) => p.partition === 0 && p.topic === topic)?.status === 'STOP'
        ? s
        : undefined;
    });
    assert.equal(stopped.status, 'ERR');
    assert.equal(stopped.totallag, 11);
    assert.equal(stopped.maxlag?.partition, 0);
    const after = parseMetrics(await registry.metrics());
    assert.equal(after.get(series('kafka_consumergroup_lag', gp(0))), 11);
    assert.equal(after.get(series('kafka_consumergroup_lag_sum', { consumergroup: group, topic })), 11);
    assert.equal(after.get(series('kafka_consumergroup_members', { consumergroup: group })), 0);
    assert.equal(after.get(series('kafka_burrow_partition_status', gp(0))), 4);
    assert.equal(after.get(series('kafka_burrow_partition_status', gp(1))), 1);
    assert.equal(after.get(series('kafka_burrow_status', { consumergroup: group })), 3);
    assert.equal(after.get(series('kafka_burrow_total_lag', { consumergroup: group })), 11);

    const res = await app.inject({ method: 'GET', url: `/api/groups/${group}/status` });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.error, false);
    assert.equal(body.message, 'consumer status returned');
    assert.equal(body.status.group, group);
    assert.equal(body.status.status, 'ERR');
    assert.equal(body.status.partition_count, 3);
    assert.equal(body.status.partitions.find((p: { partition: number }) => p.partition === 0).status, 'STOP');
    assert.equal(body.request.url, `/api/groups/${group}/status`);
    const missing = await app.inject({ method: 'GET', url: '/api/groups/no-such-group/status' });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error, true);
    assert.equal(missing.json().message, 'cluster or consumer not found');
    const list = (await app.inject({ method: 'GET', url: '/api/groups' })).json();
    assert.ok(
      list.groups.some((g: { group: string; status: string }) => g.group === group && g.status === 'ERR'),
    );
  } finally {
    await app.close();
    await consumer.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
    await monitor?.close();
  }
}
