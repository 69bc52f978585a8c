// Pipelines inside `sluice start`: the config file's and the admin API's, schemas resolved through
// the platform's own registry, bad definitions refused with the pipeline and key named (the old one
// kept running), bad messages dead-lettered with their reason, replay after fixing the schema,
// pause and resume, metrics and health, and API pipelines kept across a restart.

import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KafkaAdmin, KafkaProducer } from '../../src/client/index.js';
import { frameValue } from '../../src/pipeline/index.js';
import { collect, spawnCli, tempDir } from '../helpers/cli-process.js';
import { headersOf, produce, readTopic, topicSize, valueText } from '../helpers/pipeline-io.js';
import { sampleValue, startTestPlatform, type TestPlatform } from '../helpers/platform-fixture.js';
import { eventually } from '../helpers/waiting.js';

const ORDER_SCHEMA = (minimum: number) =>
  JSON.stringify({
    type: 'object',
    required: ['id', 'amount'],
    properties: { id: { type: 'string' }, amount: { type: 'number', minimum } },
  });

/** An API pipeline validating against subject `pp-orders-value`. */
const ORDERS = {
  source: { topics: ['pp-orders'] },
  steps: [{ type: 'validate', subject: 'pp-orders-value' }],
  routes: { exchange: 'fanout', bindings: [{ to: 'pp-valid' }] },
  unmatched: 'drop',
  errors: { deadLetter: { topic: 'pp-dlq' } },
};

/** The admin API's answers, as far as the assertions read them. */
interface ApiBody {
  state?: string;
  group?: string;
  origin?: string;
  sources?: string[];
  counts?: Record<string, number>;
  error?: { message: string };
  pipelines?: { name: string; origin: string }[];
  [key: string]: unknown;
}

describe('pipelines inside sluice start', { concurrency: 1 }, () => {
  let platform: TestPlatform;
  let admin: KafkaAdmin;
  let producer: KafkaProducer;
  let bootstrap: string;
  /** Set once the platform was restarted on its first data directory (removed at the end). */
  let dataDir: string | undefined;

  const call = async (method: string, path: string, body?: unknown, type = 'application/json') => {
    const res = await fetch(`${platform.http.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': type },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as ApiBody) };
  };
  const state = async (name: string) => (await call('GET', `/api/pipelines/${name}`)).body?.state;

  before(async () => {
    platform = await startTestPlatform({
      config: {
        pipelines: {
          'pp-config': {
            source: { topics: ['pp-config-in'] },
            routes: { exchange: 'fanout', bindings: [{ to: 'pp-config-out' }] },
            unmatched: 'drop',
          },
        },
      },
    });
    bootstrap = platform.broker.bootstrap;
    admin = new KafkaAdmin({ bootstrap: [bootstrap], clientId: 'pp-test' });
    producer = new KafkaProducer({ bootstrap: [bootstrap], clientId: 'pp-test' });
    await admin.createTopic('pp-orders', {
      partitions: 1,
      configs: { 'max.message.bytes': String(2 * 1024 * 1024) },
    });
    await admin.createTopic('pp-config-in', { partitions: 1 });
  });
  after(async () => {
    await producer?.close();
    await admin?.close();
    await platform?.dispose();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the config file pipeline, lists it, and refuses to change it through the API (409)', async () => {
    await eventually('pp-config running', 30_000, async () =>
      (await state('pp-config')) === 'running' ? true : undefined,
    );
    await produce(producer, 'pp-config-in', [{ value: 'x' }]);
    assert.deepEqual((await readTopic(bootstrap, 'pp-config-out', 1)).map(valueText), ['x']);
    const list = await call('GET', '/api/pipelines');
    assert.deepEqual(
      list.body?.pipelines?.map((p: { name: string; origin: string }) => [p.name, p.origin]),
      [['pp-config', 'config']],
    );
    const put = await call('PUT', '/api/pipelines/pp-config', ORDERS);
    assert.equal(put.status, 409);
    assert.match(String(put.body?.error?.message), /defined in the config file/);
    assert.equal((await call('DELETE', '/api/pipelines/pp-config')).status, 409);
  });

  it('applies a pipeline with a registry subject; bad messages go to the dead-letter topic with reasons', async () => {
    const registered = await call('POST', '/subjects/pp-orders-value/versions', {
      schemaType: 'JSON',
      schema: ORDER_SCHEMA(0),
    });
    assert.equal(registered.status, 200, JSON.stringify(registered.body));
    const put = await call('PUT', '/api/pipelines/pp-orders', ORDERS);
    assert.equal(put.status, 201, JSON.stringify(put.body));
    await eventually('pp-orders running', 30_000, async () =>
      (await state('pp-orders')) === 'running' ? true : undefined,
    );

    const big = JSON.stringify({ id: 'big', amount: 1, pad: 'x'.repeat(1_040_000) });
    await produce(producer, 'pp-orders', [
      { key: 'ok', value: '{"id":"ok","amount":3}' },
      { key: 'neg', value: '{"id":"neg","amount":-3}' },
      { key: 'text', value: 'not json at all' },
      { key: 'framed', value: frameValue(424242, Buffer.from('{"id":"f","amount":1}')) },
      { key: 'big', value: big },
    ]);
    const [valid] = await readTopic(bootstrap, 'pp-valid', 1);
    assert.equal(valueText(valid), '{"id":"ok","amount":3}');
    const dead = await readTopic(bootstrap, 'pp-dlq', 4);
    const reasons = Object.fromEntries(
      dead.map((r) => [r.key?.toString(), headersOf(r)['sluice.error.reason']]),
    );
    assert.match(reasons.neg, /schema violation: \/amount must be >= 0/);
    assert.match(reasons.text, /the value is not JSON/);
    assert.match(reasons.framed, /unknown schema id 424242/);
    assert.match(reasons.big, /is 10400\d\d bytes .*more than limits\.maxMessageBytes \(1000000\)/);
    assert.equal(
      dead.find((r) => r.key?.toString() === 'big')?.value?.length,
      big.length,
      'the large message kept whole',
    );

    const described = await call('GET', '/api/pipelines/pp-orders');
    assert.equal(described.body?.group, 'sluice-pipeline-pp-orders');
    assert.equal(described.body?.origin, 'api');
    assert.deepEqual(described.body?.sources, ['pp-orders']);
    assert.equal(described.body?.counts?.in, 5);
    assert.equal(described.body?.counts?.deadLettered, 4);
    await eventually('no lag', 30_000, async () => {
      const lag = (await call('GET', '/api/pipelines/pp-orders')).body?.lag;
      return JSON.stringify(lag) === '{"pp-orders":0}' ? true : undefined;
    });

    const metrics = await (await platform.get('/metrics')).text();
    assert.equal(
      sampleValue(metrics, 'sluice_pipeline_messages_in_total', {
        pipeline: 'pp-orders',
        topic: 'pp-orders',
      }),
      5,
    );
    assert.equal(
      sampleValue(metrics, 'sluice_pipeline_dead_lettered_total', {
        pipeline: 'pp-orders',
        topic: 'pp-dlq',
        stage: 'validate',
      }),
      4,
    );
    assert.equal(
      sampleValue(metrics, 'sluice_pipeline_messages_out_total', {
        pipeline: 'pp-orders',
        route: 'pp-valid',
      }),
      1,
    );
    // The validate step ran on the four messages under the size limit.
    assert.equal(
      sampleValue(metrics, 'sluice_pipeline_step_duration_seconds_count', {
        pipeline: 'pp-orders',
        step: '0',
        type: 'validate',
      }),
      4,
    );
    const health = (await (await platform.get('/actuator/health')).json()) as {
      components: Record<string, { status: string }>;
    };
    assert.equal(health.components['pipeline-pp-orders']?.status, 'UP');
  });

  it('refuses bad definitions naming pipeline and key (400), and keeps the old one running', async () => {
    const broken = { ...ORDERS, steps: [{ type: 'transform', expression: '$merge([$, {"a": }])' }] };
    const a = await call('PUT', '/api/pipelines/pp-orders', broken);
    assert.equal(a.status, 400);
    assert.match(
      String(a.body?.error?.message),
      /^pipelines\.pp-orders\.steps\[0\]\.expression: JSONata syntax error/,
    );
    const unknownSubject = { ...ORDERS, steps: [{ type: 'validate', subject: 'pp-nope' }] };
    const b = await call('PUT', '/api/pipelines/pp-orders', unknownSubject);
    assert.equal(b.status, 400);
    assert.match(String(b.body?.error?.message), /^pipelines\.pp-orders\.steps\[0\]\.subject: .*not found/);
    const illegal = {
      ...ORDERS,
      routes: { exchange: 'fanout', bindings: [{ to: ['pp-valid', 'bad/name'] }] },
    };
    const c = await call('PUT', '/api/pipelines/pp-orders', illegal);
    assert.equal(c.status, 400);
    assert.match(
      String(c.body?.error?.message),
      /^pipelines\.pp-orders\.routes\.bindings\[0\]\.to\[1\]: 'bad\/name' is not a legal topic name/,
    );
    const yaml = await call(
      'PUT',
      '/api/pipelines/pp-orders',
      'source: {topics: [pp-orders]}\nroutes: {}\n',
      'application/yaml',
    );
    assert.equal(yaml.status, 400);
    assert.match(String(yaml.body?.error?.message), /pipelines\.pp-orders/);

    // The first definition still runs.
    assert.equal(await state('pp-orders'), 'running');
    await produce(producer, 'pp-orders', [{ key: 'ok2', value: '{"id":"ok2","amount":4}' }]);
    const valid = await readTopic(bootstrap, 'pp-valid', 2);
    assert.deepEqual(valid.map(valueText).sort(), ['{"id":"ok","amount":3}', '{"id":"ok2","amount":4}']);
  });

  it('replays the dead letters after the schema is fixed: each once more', async () => {
    // A schema that allows negative amounts, then the pipeline applied again (subjects resolve at apply).
    const fixed = await call('POST', '/subjects/pp-orders-value/versions', {
      schemaType: 'JSON',
      schema: ORDER_SCHEMA(-100),
    });
    assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
    const put = await call('PUT', '/api/pipelines/pp-orders', ORDERS);
    assert.equal(put.status, 200, JSON.stringify(put.body));
    await eventually('pp-orders running again', 30_000, async () =>
      (await state('pp-orders')) === 'running' ? true : undefined,
    );
    const replay = await call('POST', '/api/pipelines/replay', {
      topic: 'pp-dlq',
      filter: '$contains($headers."sluice.error.reason", "schema violation")',
    });
    assert.equal(replay.status, 200, JSON.stringify(replay.body));
    assert.deepEqual(replay.body, {
      read: 4,
      replayed: 1,
      skipped: 3,
      unknownOrigin: 0,
      topics: { 'pp-orders': 1 },
    });
    const valid = await readTopic(bootstrap, 'pp-valid', 3);
    const neg = valid.find((r) => r.key?.toString() === 'neg');
    assert.ok(neg, 'the replayed message passed the fixed schema');
    assert.equal(valueText(neg), '{"id":"neg","amount":-3}');
    assert.deepEqual(headersOf(neg), {}, 'replayed without the dead-letter headers');
    const bad = await call('POST', '/api/pipelines/replay', { topic: 'pp-dlq', filter: '$$$(' });
    assert.equal(bad.status, 400);
  });

  it('pauses and resumes; API pipelines survive a restart; delete forgets them', async () => {
    const paused = await call('POST', '/api/pipelines/pp-orders/pause');
    assert.equal(paused.status, 200);
    await eventually('paused', 30_000, async () =>
      (await state('pp-orders')) === 'paused' ? true : undefined,
    );
    await produce(producer, 'pp-orders', [{ key: 'later', value: '{"id":"later","amount":5}' }]);
    const resumed = await call('POST', '/api/pipelines/pp-orders/resume');
    assert.equal(resumed.status, 200);
    const valid = await readTopic(bootstrap, 'pp-valid', 4);
    assert.ok(valid.some((r) => valueText(r) === '{"id":"later","amount":5}'));

    dataDir = platform.dataDir;
    await platform.close();
    platform = await startTestPlatform({ dataDir });
    bootstrap = platform.broker.bootstrap;
    await producer.close();
    await admin.close();
    admin = new KafkaAdmin({ bootstrap: [bootstrap], clientId: 'pp-test' });
    producer = new KafkaProducer({ bootstrap: [bootstrap], clientId: 'pp-test' });
    await eventually('pp-orders back', 60_000, async () =>
      (await state('pp-orders')) === 'running' ? true : undefined,
    );
    await produce(producer, 'pp-orders', [{ key: 'after', value: '{"id":"after","amount":6}' }]);
    const afterRestart = await readTopic(bootstrap, 'pp-valid', 5);
    assert.ok(afterRestart.some((r) => valueText(r) === '{"id":"after","amount":6}'));

    // The CLI over the same API.
    const cli = async (...args: string[]) =>
      collect(spawnCli(['pipeline', ...args, '--url', platform.http.url]), 60_000);
    const listed = await cli('list');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^NAME\s+ORIGIN\s+STATE\s+IN\s+OUT\s+DEAD-LETTERED\s+RETRIED\s+ERROR$/m);
    assert.match(listed.stdout, /^pp-orders\s+api\s+running\s+1\s+1\s+0\s+0$/m);
    const described = await cli('describe', 'pp-orders');
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /^group: sluice-pipeline-pp-orders$/m);
    assert.match(described.stdout, /^deadLetterTopic: pp-dlq$/m);
    assert.equal((await cli('pause', 'pp-orders')).stdout, 'pipeline pp-orders paused (running)\n');
    await eventually('paused', 30_000, async () =>
      (await state('pp-orders')) === 'paused' ? true : undefined,
    );
    assert.match((await cli('resume', 'pp-orders')).stdout, /^pipeline pp-orders resumed/);
    const file = join(tempDir('sluice-pp-'), 'bad.yaml');
    writeFileSync(
      file,
      "name: pp-orders\nsource: {topics: [pp-orders]}\nsteps: [{type: filter, expression: 'a = '}]\nroutes: {exchange: fanout, bindings: [{to: pp-valid}]}\nunmatched: drop\n",
    );
    const refused = await cli('apply', file);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /^sluice: pipelines\.pp-orders\.steps\[0\]\.expression: JSONata syntax error/,
    );
    const missing = await cli('describe', 'pp-nothing');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, "sluice: pipeline 'pp-nothing' does not exist\n");
    const deleted = await cli('delete', 'pp-orders');
    assert.equal(deleted.stdout, 'pipeline pp-orders deleted\n');

    assert.equal((await call('GET', '/api/pipelines/pp-orders')).status, 404);
    assert.equal((await call('DELETE', '/api/pipelines/pp-orders')).status, 404);
    assert.equal(await topicSize(admin, 'pp-valid'), 5);
  });
});

describe('a config file pipeline that does not compile', () => {
  it('stops sluice start, naming the pipeline and key', async () => {
    await assert.rejects(
      startTestPlatform({
        config: {
          pipelines: {
            broken: {
              source: { topics: ['in'] },
              steps: [{ type: 'transform', expression: '$merge([$, {"a": }])' }],
              routes: { exchange: 'fanout', bindings: [{ to: 'out' }] },
              unmatched: 'drop',
            },
          },
        },
      }),
      (error: Error) => {
        assert.match(error.message, /pipelines\.broken\.steps\[0\]\.expression: JSONata syntax error/);
        return true;
      },
    );
  });
});
