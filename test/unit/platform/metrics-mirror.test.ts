// The platform thread shows the broker thread's metrics through stand-ins: exactly the same
// exposition, and each scrape sees what happened before it.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { answerMetricsRequests, MetricsMirror } from '../../../src/platform/worker/metrics-mirror.js';

const channel = new MessageChannel();
after(() => {
  channel.port1.close();
  channel.port2.close();
});

test('stand-ins expose the broker registry exactly, and a scrape after a change sees it', async () => {
  const broker = new Registry();
  const requests = new Counter({
    name: 'x_requests_total',
    help: 'Requests.',
    labelNames: ['api'],
    registers: [broker],
  });
  const latency = new Histogram({
    name: 'x_latency_seconds',
    help: 'Latency.',
    buckets: [0.01, 0.1],
    registers: [broker],
  });
  new Gauge({
    name: 'x_up',
    help: 'Up.',
    registers: [broker],
    collect() {
      this.set(1);
    },
  });
  requests.inc({ api: 'Fetch' }, 3);
  latency.observe(0.05);
  answerMetricsRequests(channel.port1, broker);

  const platform = new Registry();
  new Counter({ name: 'y_own_total', help: "The platform thread's own.", registers: [platform] }).inc();
  const mirror = new MetricsMirror(channel.port2, platform);
  await mirror.sync();

  const expected = await broker.metrics();
  const shown = await platform.metrics();
  for (const block of expected.trim().split('\n\n')) assert.ok(shown.includes(block), `shows:\n${block}`);
  assert.match(shown, /^y_own_total 1$/m);

  requests.inc({ api: 'Fetch' });
  assert.match(await platform.metrics(), /^x_requests_total\{api="Fetch"\} 4$/m);
  // A metric the broker registers later appears too.
  new Gauge({ name: 'x_late', help: 'Late.', registers: [broker] }).set(7);
  await mirror.sync();
  assert.match(await platform.metrics(), /^x_late 7$/m);
});
