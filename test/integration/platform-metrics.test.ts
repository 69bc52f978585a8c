// `sluice start` in process: /metrics counts exactly what real clients sent and read, and the
// Actuator endpoints answer the way Spring Boot's do.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Produce } from '../../src/protocol/index.js';
import { kcatConsume, kcatProduce, peerMissing } from '../compat/peers.js';
import { sampleValue, startTestPlatform, type TestPlatform } from '../helpers/platform-fixture.js';
import { buildBatch } from '../helpers/records.js';
import { WireClient } from '../helpers/wire-client.js';

const TOPIC = 'metrics-exact';
const MESSAGES = 250;
const noKcat = (await peerMissing('kcat')) ?? false;

describe('platform metrics and health', () => {
  let platform: TestPlatform;

  before(async () => {
    platform = await startTestPlatform();
    await platform.broker.core.logs.createTopic(TOPIC, 3, {});
  });
  after(() => platform?.dispose());

  const metrics = async () => {
    const res = await platform.get('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  it('counts every message in and out exactly', { skip: noKcat }, async () => {
    const messages = Array.from({ length: MESSAGES }, (_, i) => ({ key: `k${i % 7}`, value: `value-${i}` }));
    await kcatProduce(platform.broker.bootstrap, { topic: TOPIC, messages });
    const read = await kcatConsume(platform.broker.bootstrap, { topic: TOPIC, count: MESSAGES });
    assert.equal(read.length, MESSAGES);

    const text = await metrics();
    assert.equal(sampleValue(text, 'sluice_messages_in_total', { topic: TOPIC }), MESSAGES);
    assert.equal(sampleValue(text, 'sluice_messages_out_total', { topic: TOPIC }), MESSAGES);
    let endOffsets = 0;
    let logBytes = 0;
    for (const partition of ['0', '1', '2']) {
      endOffsets += sampleValue(text, 'sluice_log_end_offset', { topic: TOPIC, partition }) ?? Number.NaN;
      logBytes += sampleValue(text, 'sluice_log_size_bytes', { topic: TOPIC, partition }) ?? Number.NaN;
    }
    assert.equal(endOffsets, MESSAGES);
    // Batches are stored as received, so the log holds exactly the bytes that came in.
    assert.equal(sampleValue(text, 'sluice_bytes_in_total', { topic: TOPIC }), logBytes);
    assert.equal(sampleValue(text, 'sluice_bytes_out_total', { topic: TOPIC }), logBytes);
    assert.ok((sampleValue(text, 'sluice_requests_total', { api: 'Produce' }) ?? 0) >= 1);
    assert.ok((sampleValue(text, 'sluice_request_duration_seconds_count', { api: 'Fetch' }) ?? 0) >= 1);
    assert.ok(
      (sampleValue(text, 'sluice_fsync_duration_seconds_count') ?? 0) >= 1,
      'acks=all produces fsync',
    );
    // Every partition has its own log series; __consumer_offsets is one of them.
    const partitionSeries = text.split('\n').filter((l) => l.startsWith('sluice_log_end_offset{')).length;
    assert.equal(sampleValue(text, 'sluice_partitions'), partitionSeries);
    assert.ok(partitionSeries >= 3);
    assert.ok((sampleValue(text, 'process_resident_memory_bytes') ?? 0) > 0, 'process metrics are there');
  });

  it('counts error codes per API and error name, and open connections', async () => {
    const before = await metrics();
    const errorsBefore =
      sampleValue(before, 'sluice_request_errors_total', {
        api: 'Produce',
        error: 'UNKNOWN_TOPIC_OR_PARTITION',
      }) ?? 0;
    const client = await WireClient.connect(platform.broker.port);
    try {
      const res = await client.request(Produce, 9, {
        transactionalId: null,
        acks: -1,
        timeoutMs: 5000,
        topicData: [{ name: TOPIC, partitionData: [{ index: 7, records: buildBatch([{ value: 'x' }]) }] }],
      });
      assert.equal(res.responses[0].partitionResponses[0].errorCode, 3);
      const text = await metrics();
      assert.equal(
        sampleValue(text, 'sluice_request_errors_total', {
          api: 'Produce',
          error: 'UNKNOWN_TOPIC_OR_PARTITION',
        }),
        errorsBefore + 1,
      );
      assert.ok((sampleValue(text, 'sluice_connections') ?? 0) >= 1);
    } finally {
      client.close();
    }
  });

  it('/actuator/prometheus is /metrics', async () => {
    const res = await platform.get('/actuator/prometheus');
    assert.equal(res.status, 200);
    assert.match(await res.text(), /^# HELP sluice_messages_in_total /m);
  });

  it('answers health, liveness, readiness and info as Spring Boot Actuator does', async () => {
    const health = await platform.get('/actuator/health');
    assert.equal(health.status, 200);
    const body = (await health.json()) as { status: string; components: Record<string, { status: string }> };
    assert.equal(body.status, 'UP');
    assert.equal(body.components.broker.status, 'UP');
    assert.equal(body.components.diskSpace.status, 'UP');

    const v3 = await platform.get('/actuator/health', {
      accept: 'application/vnd.spring-boot.actuator.v3+json',
    });
    assert.match(v3.headers.get('content-type') ?? '', /^application\/vnd\.spring-boot\.actuator\.v3\+json/);
    await v3.body?.cancel();

    for (const path of ['/actuator/health/liveness', '/actuator/health/readiness']) {
      const res = await platform.get(path);
      assert.equal(res.status, 200, path);
      assert.deepEqual(await res.json(), { status: 'UP' });
    }
    const info = (await (await platform.get('/actuator/info')).json()) as {
      app: { name: string; version: string };
    };
    assert.equal(info.app.name, 'sluice');
    assert.match(info.app.version, /^\d+\.\d+\.\d+/);
    const missing = await platform.get('/actuator/health/nope');
    assert.equal(missing.status, 404);
    const { error } = (await missing.json()) as { error: { code: string; message: string; hint: string } };
    assert.equal(error.code, 'NOT_FOUND');
    assert.equal(error.message, "no health component 'nope'");
    assert.match(error.hint, /known components: .*broker/);
  });

  it('reports DOWN with 503 once the broker stops answering', async () => {
    await platform.broker.close();
    const res = await platform.get('/actuator/health');
    assert.equal(res.status, 503);
    const body = (await res.json()) as { status: string; components: Record<string, { status: string }> };
    assert.equal(body.status, 'DOWN');
    assert.equal(body.components.broker.status, 'DOWN');
    assert.equal(body.components.diskSpace.status, 'UP');
  });
});
