// The standalone pipeline runtime (`sluice pipeline run`, a child process) against a broker: the
// same cases against Sluice's broker (pipeline-run.test.ts) and Apache Kafka
// (pipeline-kafka.test.ts). Routing by topic pattern and by headers, the exact transform output,
// dead letters with their reason headers, offsets committed once everything is written, retry
// topics, and at-least-once across a kill -9 mid-stream.

import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KafkaAdmin, KafkaProducer } from '../../src/client/index.js';
import { frameValue } from '../../src/pipeline/index.js';
import { collect, spawnCli, stop, tempDir } from '../helpers/cli-process.js';
import { headersOf, produce, readTopic, topicSize, valueText } from '../helpers/pipeline-io.js';
import { eventually, freePort } from '../helpers/waiting.js';

export interface SuiteBroker {
  bootstrap: string;
  stop(): Promise<void>;
}

/** Starts `sluice pipeline run` on `file` and resolves once every pipeline in it says it runs. */
export async function startRun(
  bootstrap: string,
  file: string,
  names: readonly string[],
  extra: string[] = [],
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawnCli(['pipeline', 'run', '--bootstrap', bootstrap, '--config', file, ...extra]);
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  await eventually(`pipelines ${names.join(', ')} running`, 60_000, async () => {
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}: ${out}\n${err}`);
    return names.every((n) => out.includes(`pipeline ${n} running`)) ? true : undefined;
  });
  return { child, output: () => `${out}\n${err}` };
}

const ROUTING = `
pipelines:
  rt-orders:
    source: {pattern: 'rt-orders\\.(eu|us)'}
    steps:
      - type: validate
        schema:
          type: object
          required: [id, type, amount]
          properties: {id: {type: string}, type: {type: string}, amount: {type: number, minimum: 0}}
      - type: transform
        expression: '$merge([$, {"total": amount * 2}])'
    routes:
      exchange: topic
      routingKey: {field: type}
      bindings:
        - {pattern: 'order.created.*', to: rt-created}
        - {pattern: 'order.#', to: rt-all}
    unmatched: {to: rt-unrouted}
    errors: {deadLetter: {topic: rt-dlq}}
  rt-priority:
    source: {topics: [rt-events]}
    routes:
      exchange: headers
      bindings:
        - {headers: {priority: high}, to: rt-high}
        - {headers: {priority: null, region: eu}, to: rt-eu}
    unmatched: drop
`;

const RETRY = (registry: string) => `
pipelines:
  rtry:
    source: {topics: [rtry-in]}
    steps: [{type: validate}]
    routes: {exchange: fanout, bindings: [{to: rtry-out}]}
    unmatched: drop
    errors:
      attempts: 2
      backoff: {initial: 10ms}
      retryTopics: [300ms]
      deadLetter: {topic: rtry-dlq}
# registry: ${registry}
`;

const KILL = `
pipelines:
  kill:
    source: {topics: [kill-in]}
    steps: [{type: transform, expression: '$merge([$, {"done": true}])'}]
    routes: {exchange: fanout, bindings: [{to: kill-out}]}
    unmatched: drop
`;

export function pipelineRunSuite(
  name: string,
  start: () => Promise<SuiteBroker>,
  skip: string | false,
): void {
  describe(`sluice pipeline run against ${name}`, { skip, concurrency: 1 }, () => {
    let broker: SuiteBroker;
    let admin: KafkaAdmin;
    let producer: KafkaProducer;
    let dir: string;

    before(async () => {
      broker = await start();
      admin = new KafkaAdmin({ bootstrap: [broker.bootstrap], clientId: 'pipeline-test' });
      producer = new KafkaProducer({ bootstrap: [broker.bootstrap], clientId: 'pipeline-test' });
      dir = tempDir('sluice-pipeline-');
    });
    after(async () => {
      await producer?.close();
      await admin?.close();
      await broker?.stop();
    });

    it('routes by topic pattern and by headers, transforms exactly, dead-letters with reasons, commits', async () => {
      for (const topic of ['rt-orders.eu', 'rt-orders.us', 'rt-events'])
        await admin.createTopic(topic, { partitions: 2 });
      const file = join(dir, 'routing.yaml');
      writeFileSync(file, ROUTING);
      const run = await startRun(broker.bootstrap, file, ['rt-orders', 'rt-priority']);
      try {
        await produce(producer, 'rt-orders.eu', [
          {
            key: 'a',
            value: '{"id":"a","type":"order.created.web","amount":5}',
            headers: { trace: 't-a' },
            partition: 0,
          },
          { key: 'c', value: '{"id":"c","type":"refund","amount":1}', partition: 0 },
          { key: 'd', value: '{"id":"d","type":"order.created.web","amount":-1}', partition: 1 },
          { key: 'e', value: 'hello, not JSON', partition: 0 },
        ]);
        await produce(producer, 'rt-orders.us', [
          { key: 'b', value: '{"id":"b","type":"order.paid","amount":1.5}' },
        ]);
        await produce(producer, 'rt-events', [
          { value: '1', headers: { priority: 'high' } },
          { value: '2', headers: { priority: 'low', region: 'eu' } },
          { value: '3', headers: { region: 'eu' } },
        ]);

        const [created] = await readTopic(broker.bootstrap, 'rt-created', 1);
        assert.equal(valueText(created), '{"id":"a","type":"order.created.web","amount":5,"total":10}');
        assert.equal(created.key?.toString(), 'a');
        assert.equal(headersOf(created).trace, 't-a', 'the producer headers are kept');
        const all = await readTopic(broker.bootstrap, 'rt-all', 2);
        assert.deepEqual(all.map((r) => JSON.parse(valueText(r)).id).sort(), ['a', 'b']);
        const b = all.find((r) => r.key?.toString() === 'b');
        assert.equal(b && valueText(b), '{"id":"b","type":"order.paid","amount":1.5,"total":3}');
        const [unrouted] = await readTopic(broker.bootstrap, 'rt-unrouted', 1);
        assert.equal(JSON.parse(valueText(unrouted)).id, 'c');

        const dead = await readTopic(broker.bootstrap, 'rt-dlq', 2);
        const byKey = new Map(dead.map((r) => [r.key?.toString(), headersOf(r)]));
        const d = byKey.get('d');
        assert.ok(d, 'the schema violation is a dead letter');
        assert.equal(d['sluice.error.stage'], 'validate');
        assert.equal(d['sluice.error.pipeline'], 'rt-orders');
        assert.match(d['sluice.error.reason'], /schema violation: \/amount must be >= 0/);
        assert.equal(d['sluice.original.topic'], 'rt-orders.eu');
        assert.equal(d['sluice.original.partition'], '1');
        assert.equal(d['sluice.original.offset'], '0');
        assert.equal(d['sluice.attempts'], '1');
        const e = byKey.get('e');
        assert.ok(e, 'the message that is not JSON is a dead letter');
        assert.match(e['sluice.error.reason'], /not JSON/);
        assert.equal(
          valueText(dead.find((r) => r.key?.toString() === 'e')!),
          'hello, not JSON',
          'the value kept as it was',
        );

        assert.deepEqual((await readTopic(broker.bootstrap, 'rt-high', 1)).map(valueText), ['1']);
        assert.deepEqual((await readTopic(broker.bootstrap, 'rt-eu', 1)).map(valueText), ['2']);

        // Every source offset is committed once its outputs are written: the group has no lag.
        await eventually('offsets committed to the end', 30_000, async () => {
          const committed = (await admin.committedOffsets(['sluice-pipeline-rt-orders'])).get(
            'sluice-pipeline-rt-orders',
          );
          const ends = await admin.listOffsets(
            [
              { topic: 'rt-orders.eu', partitions: [0, 1] },
              { topic: 'rt-orders.us', partitions: [0, 1] },
            ],
            'latest',
          );
          for (const [topic, partitions] of ends)
            for (const [p, end] of partitions)
              if (end > 0n && committed?.get(topic)?.get(p) !== end) return undefined;
          return true;
        });
        // The one that matched nothing was dropped, so rt-eu and rt-high hold only their own.
        assert.equal(await topicSize(admin, 'rt-high'), 1);
        assert.equal(await topicSize(admin, 'rt-eu'), 1);
      } finally {
        await stop(run.child);
      }
    });

    it('sluice pipeline replay re-produces dead letters as first written, filtered, with a summary', async () => {
      // rt-dlq holds the two dead letters of the first case ('d': a schema violation, 'e': not JSON).
      const missing = await collect(
        spawnCli(['pipeline', 'replay', 'rt-dlq', '--bootstrap', broker.bootstrap, '--to', 'rt-replayed']),
        60_000,
      );
      assert.equal(missing.code, 1);
      assert.equal(missing.stderr, "sluice: topic 'rt-replayed' (--to) does not exist: create it first\n");
      await admin.createTopic('rt-replayed', { partitions: 1 });
      const child = spawnCli([
        'pipeline',
        'replay',
        'rt-dlq',
        '--bootstrap',
        broker.bootstrap,
        '--to',
        'rt-replayed',
        '--filter',
        '$contains($headers."sluice.error.reason", "schema violation")',
      ]);
      const result = await collect(child, 60_000);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(
        result.stdout,
        'replayed 1 of 2 dead letter(s) (1 to rt-replayed); 1 skipped by the filter or time range, 0 without an original topic\n',
      );
      const [replayed] = await readTopic(broker.bootstrap, 'rt-replayed', 1);
      assert.equal(replayed.key?.toString(), 'd');
      assert.equal(valueText(replayed), '{"id":"d","type":"order.created.web","amount":-1}');
      assert.deepEqual(headersOf(replayed), {}, 'without the pipeline headers');
      // Without --to each goes back to the topic it came from, once more.
      const again = await collect(
        spawnCli(['pipeline', 'replay', 'rt-dlq', '--bootstrap', broker.bootstrap, '--from-offset', '0']),
        60_000,
      );
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /^replayed 2 of 2 dead letter\(s\) \(2 to rt-orders\.eu\)/);
    });

    it('with --no-create-topics a missing output topic is named, and nothing is consumed', async () => {
      await admin.createTopic('nc-in', { partitions: 1 });
      const file = join(dir, 'nc.yaml');
      writeFileSync(
        file,
        'pipelines:\n  nc:\n    source: {topics: [nc-in]}\n    routes: {exchange: fanout, bindings: [{to: nc-out}]}\n    unmatched: drop\n',
      );
      const child = spawnCli([
        'pipeline',
        'run',
        '--bootstrap',
        broker.bootstrap,
        '--config',
        file,
        '--no-create-topics',
      ]);
      let out = '';
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
      });
      try {
        await eventually('the failure named', 30_000, async () =>
          /^pipeline nc failed: pipeline nc: output topic\(s\) 'nc-out', 'nc\.dlq' do not exist and topic creation is off/m.test(
            out,
          )
            ? true
            : undefined,
        );
        assert.deepEqual(
          (await admin.listTopics()).filter((t) => t.startsWith('nc')),
          ['nc-in'],
        );
      } finally {
        await stop(child);
      }
    });

    it('a topic created later that matches the pattern is consumed from its start', async () => {
      await admin.createTopic('late-src.a', { partitions: 1 });
      const file = join(dir, 'late.yaml');
      writeFileSync(
        file,
        "pipelines:\n  late:\n    source: {pattern: 'late-src\\.[a-z]+'}\n    routes: {exchange: fanout, bindings: [{to: late-out}]}\n    unmatched: drop\n",
      );
      const run = await startRun(broker.bootstrap, file, ['late'], ['--refresh', '200ms']);
      try {
        await produce(producer, 'late-src.a', [{ value: 'from a' }]);
        await readTopic(broker.bootstrap, 'late-out', 1);
        await admin.createTopic('late-src.b', { partitions: 2 });
        await produce(producer, 'late-src.b', [{ value: 'from b', partition: 1 }]);
        const out = await readTopic(broker.bootstrap, 'late-out', 2);
        assert.deepEqual(out.map(valueText).sort(), ['from a', 'from b']);
      } finally {
        await stop(run.child);
      }
    });

    it('an output the broker refuses (too large for its topic) is dead-lettered; the partition goes on', async () => {
      await admin.createTopic('big-in', { partitions: 1 });
      await admin.createTopic('big-out', { partitions: 1, configs: { 'max.message.bytes': '2000' } });
      const file = join(dir, 'big.yaml');
      writeFileSync(
        file,
        'pipelines:\n  big:\n    source: {topics: [big-in]}\n    routes: {exchange: fanout, bindings: [{to: big-out}]}\n    unmatched: drop\n    errors: {deadLetter: {topic: big-dlq}}\n',
      );
      const run = await startRun(broker.bootstrap, file, ['big']);
      try {
        await produce(producer, 'big-in', [
          { key: 'small-1', value: 's1' },
          { key: 'large', value: 'x'.repeat(5000) },
          { key: 'small-2', value: 's2' },
        ]);
        const [dead] = await readTopic(broker.bootstrap, 'big-dlq', 1);
        assert.equal(dead.key?.toString(), 'large');
        assert.equal(dead.value?.length, 5000);
        const h = headersOf(dead);
        assert.equal(h['sluice.error.stage'], 'route');
        assert.match(
          h['sluice.error.reason'],
          /^an output was refused: .*(MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE)/,
        );
        assert.equal(h['sluice.original.offset'], '1');
        const out = await readTopic(broker.bootstrap, 'big-out', 2);
        assert.deepEqual(out.map(valueText), ['s1', 's2']);
        await eventually('offsets committed past all three', 30_000, async () => {
          const committed = (await admin.committedOffsets(['sluice-pipeline-big'])).get(
            'sluice-pipeline-big',
          );
          return committed?.get('big-in')?.get(0) === 3n ? true : undefined;
        });
      } finally {
        await stop(run.child);
      }
    });

    it('a retriable failure goes round the retry topic when due, then to the dead-letter topic', async () => {
      await admin.createTopic('rtry-in', { partitions: 1 });
      const registry = `http://127.0.0.1:${await freePort()}`; // nobody listens: the registry "is down"
      const file = join(dir, 'retry.yaml');
      writeFileSync(file, RETRY(registry));
      const run = await startRun(broker.bootstrap, file, ['rtry'], ['--registry', registry]);
      try {
        await produce(producer, 'rtry-in', [{ key: 'r', value: frameValue(7, Buffer.from('{"x":1}')) }]);
        const [retried] = await readTopic(broker.bootstrap, 'rtry.retry.1', 1);
        const retryHeaders = headersOf(retried);
        assert.equal(retryHeaders['sluice.retry.round'], '1');
        assert.equal(retryHeaders['sluice.attempts'], '2');
        assert.ok(Number(retryHeaders['sluice.retry.due']) > 0);
        const [dead] = await readTopic(broker.bootstrap, 'rtry-dlq', 1);
        const h = headersOf(dead);
        assert.equal(h['sluice.attempts'], '4', 'two tries from the source, two from the retry topic');
        assert.match(h['sluice.error.reason'], /schema id 7: the schema registry failed/);
        assert.equal(h['sluice.original.topic'], 'rtry-in');
        assert.equal(h['sluice.retry.due'], undefined, 'a dead letter has no retry headers');
        assert.deepEqual(dead.value, frameValue(7, Buffer.from('{"x":1}')));
        assert.equal(await topicSize(admin, 'rtry-out'), 0);
      } finally {
        await stop(run.child);
      }
    });

    it('kill -9 mid-stream: after a restart every message has its output, in key order', async () => {
      await admin.createTopic('kill-in', { partitions: 3 });
      const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
      const message = (seq: number) => ({
        key: keys[seq % keys.length],
        value: JSON.stringify({ seq, key: keys[seq % keys.length] }),
      });
      const half = 1500;
      for (let i = 0; i < half; i += 250)
        await produce(
          producer,
          'kill-in',
          Array.from({ length: 250 }, (_, j) => message(i + j)),
        );
      const file = join(dir, 'kill.yaml');
      writeFileSync(file, KILL);
      const first = await startRun(broker.bootstrap, file, ['kill']);
      await eventually('some outputs', 60_000, async () =>
        (await topicSize(admin, 'kill-out')) >= 200 ? true : undefined,
      );
      first.child.kill('SIGKILL');
      await new Promise((resolve) => first.child.once('exit', resolve));
      for (let i = half; i < 2 * half; i += 250)
        await produce(
          producer,
          'kill-in',
          Array.from({ length: 250 }, (_, j) => message(i + j)),
        );
      const second = await startRun(broker.bootstrap, file, ['kill']);
      try {
        const seen = new Set<number>();
        let records: Awaited<ReturnType<typeof readTopic>> = [];
        await eventually('every message delivered', 90_000, async () => {
          const size = await topicSize(admin, 'kill-out');
          if (size < 2 * half) return undefined;
          records = await readTopic(broker.bootstrap, 'kill-out', size);
          seen.clear();
          for (const r of records) seen.add(JSON.parse(valueText(r)).seq as number);
          return seen.size === 2 * half ? true : undefined;
        });
        for (const r of records) assert.equal(JSON.parse(valueText(r)).done, true);
        // Per key, first deliveries come in the order the key's messages were produced (a
        // redelivery may repeat a stretch, never reorder it).
        const firstSeen = new Map<string, number[]>();
        const counted = new Set<number>();
        for (const r of records.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset))) {
          const { seq, key } = JSON.parse(valueText(r)) as { seq: number; key: string };
          if (counted.has(seq)) continue;
          counted.add(seq);
          firstSeen.set(key, [...(firstSeen.get(key) ?? []), seq]);
        }
        for (const [key, seqs] of firstSeen)
          assert.deepEqual(
            seqs,
            [...seqs].sort((a, b) => a - b),
            `key ${key} in order`,
          );
        const duplicates = records.length - seen.size;
        assert.ok(duplicates < 2 * half, `duplicates only within at-least-once (${duplicates})`);
      } finally {
        await stop(second.child);
      }
    });
  });
}
