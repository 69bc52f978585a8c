import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import Fastify from 'fastify';
import { pino } from 'pino';
import { Gauge, Registry } from 'prom-client';
import {
  registerAlertRoutes,
  startAlertEvaluator,
  type WebhookPayload,
} from '../../src/metrics/alerts/index.js';
import { alertConfig } from '../helpers/config.js';
import { eventually } from '../helpers/waiting.js';

/** An HTTP receiver on 127.0.0.1:0 that records payloads and answers with the codes given, then 200. */
async function receiver(codes: number[] = []) {
  const received: WebhookPayload[] = [];
  const waiters: (() => void)[] = [];
  let attempts = 0;
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const code = codes[attempts++] ?? 200;
    if (code === 200) {
      assert.equal(req.headers['content-type'], 'application/json');
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookPayload);
      for (const wake of waiters.splice(0)) wake();
    }
    res.writeHead(code).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const next = async (count: number) => {
    while (received.length < count) await new Promise<void>((r) => waiters.push(r));
    return received[count - 1];
  };
  return {
    url,
    received,
    next,
    attempts: () => attempts,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

test('firing, repeated and resolved alerts reach a webhook in Alertmanager v4 format, after a 500', async (t) => {
  const hook = await receiver([500]);
  t.after(() => hook.close());
  const registry = new Registry();
  const lag = new Gauge({
    name: 'kafka_consumergroup_lag_sum',
    help: 'h',
    labelNames: ['consumergroup', 'topic'],
    registers: [registry],
  });
  const start = Date.parse('2025-03-01T10:00:00Z');
  let now = start;
  const evaluator = startAlertEvaluator({
    config: alertConfig({
      enabled: false,
      repeatInterval: '10m',
      retryBackoff: '20ms',
      webhooks: [{ url: hook.url, name: 'ops', retries: 2, timeout: '2s' }],
      rules: { consumerLag: { threshold: 100, window: '5m', for: '1m' } },
    }),
    registry,
    logger: pino({ level: 'silent' }),
    externalUrl: 'http://127.0.0.1:8080',
    now: () => now,
  });
  t.after(() => evaluator.close());
  const at = async (seconds: number) => {
    now = start + seconds * 1000;
    await evaluator.evaluate();
  };
  lag.set({ consumergroup: 'billing', topic: 'orders' }, 10);
  await at(0);
  lag.set({ consumergroup: 'billing', topic: 'orders' }, 500);
  await at(30); // pending: nothing is sent
  await evaluator.notificationsSettled();
  assert.equal(hook.attempts(), 0);
  lag.set({ consumergroup: 'billing', topic: 'orders' }, 900);
  await at(90); // firing

  const firing = await hook.next(1);
  assert.equal(hook.attempts(), 2, 'the 500 was retried');
  const labels = {
    consumergroup: 'billing',
    topic: 'orders',
    alertname: 'SluiceConsumerLagHigh',
    severity: 'warning',
  };
  const annotations = {
    summary: 'Consumer group billing is falling behind on orders',
    description:
      'Consumer group billing is 900 messages behind on topic orders and the lag is still growing.',
  };
  assert.deepEqual(firing, {
    version: '4',
    groupKey: '{}:{alertname="SluiceConsumerLagHigh"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'ops',
    groupLabels: { alertname: 'SluiceConsumerLagHigh' },
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL: 'http://127.0.0.1:8080',
    alerts: [
      {
        status: 'firing',
        labels,
        annotations,
        startsAt: '2025-03-01T10:01:30.000Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://127.0.0.1:8080/api/rules?rule_name=SluiceConsumerLagHigh',
        fingerprint: firing.alerts[0].fingerprint,
      },
    ],
  });
  assert.match(firing.alerts[0].fingerprint, /^[0-9a-f]{16}$/);

  // Still firing, nothing changed: no new notification until repeatInterval has passed.
  lag.set({ consumergroup: 'billing', topic: 'orders' }, 1000);
  await at(120);
  await evaluator.notificationsSettled();
  assert.equal(hook.received.length, 1);
  lag.set({ consumergroup: 'billing', topic: 'orders' }, 1050);
  await at(400);
  lag.set({ consumergroup: 'billing', topic: 'orders' }, 1100);
  await at(90 + 600);
  const repeated = await hook.next(2);
  assert.equal(repeated.status, 'firing');
  assert.equal(repeated.alerts[0].startsAt, '2025-03-01T10:01:30.000Z');

  lag.set({ consumergroup: 'billing', topic: 'orders' }, 0);
  await at(720);
  const resolved = await hook.next(3);
  assert.equal(resolved.status, 'resolved');
  assert.equal(resolved.alerts[0].status, 'resolved');
  assert.equal(resolved.alerts[0].endsAt, '2025-03-01T10:12:00.000Z');
  assert.equal(resolved.alerts[0].fingerprint, firing.alerts[0].fingerprint);
  await at(735);
  await evaluator.notificationsSettled();
  assert.equal(hook.received.length, 3, 'a resolved alert is sent once');

  const text = await registry.metrics();
  assert.match(text, /sluice_alert_notifications_total\{result="success"\} 3/);
});

test('an unreachable webhook is counted as a failure and does not hold up evaluation', async (t) => {
  const hook = await receiver();
  await hook.close(); // nothing listens on this port any more
  const registry = new Registry();
  const breaker = new Gauge({
    name: 'sluice_circuit_breaker_state',
    help: 'h',
    labelNames: ['name', 'state'],
    registers: [registry],
  });
  const evaluator = startAlertEvaluator({
    config: alertConfig({
      enabled: false,
      retryBackoff: '200ms',
      webhooks: [{ url: hook.url, retries: 2 }],
      rules: { circuitBreakerOpen: { for: '0s' } },
    }),
    registry,
    logger: pino({ level: 'silent' }),
  });
  t.after(() => evaluator.close());
  breaker.set({ name: 'payment', state: 'open' }, 1);
  await evaluator.evaluate();
  // Two retries 200 ms apart follow the refused connection; had evaluate() waited for them, the
  // failure would be counted already. (Nothing between here and the count gives a timer a turn.)
  assert.doesNotMatch(
    await registry.metrics(),
    /sluice_alert_notifications_total\{result="failure"\}/,
    'evaluate() returned before the retries',
  );
  assert.equal(evaluator.alerts()[0].state, 'firing');
  await evaluator.notificationsSettled();
  assert.match(await registry.metrics(), /sluice_alert_notifications_total\{result="failure"\} 1/);
});

test('GET /api/alerts and /api/rules answer in Prometheus API shapes', async (t) => {
  const registry = new Registry();
  const disk = {
    free: new Gauge({ name: 'sluice_disk_free_bytes', help: 'h', registers: [registry] }),
    total: new Gauge({ name: 'sluice_disk_total_bytes', help: 'h', registers: [registry] }),
  };
  disk.free.set(50);
  disk.total.set(1000);
  const evaluator = startAlertEvaluator({
    config: alertConfig({ evaluationInterval: '50ms', rules: { diskNearlyFull: { for: '1h' } } }),
    registry,
    logger: pino({ level: 'silent' }),
    brokerHealth: async () => 'UP',
  });
  t.after(() => evaluator.close());
  const app = Fastify();
  registerAlertRoutes(app, evaluator);
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(() => app.close());
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  // The timer evaluates on its own.
  type Alert = { labels: Record<string, string>; state: string; activeAt: string; value: string };
  const alerts = await eventually('the evaluator to list an alert', 10_000, async () => {
    const body = (await (await fetch(`${base}/api/alerts`)).json()) as {
      status: string;
      data: { alerts: Alert[] };
    };
    assert.equal(body.status, 'success');
    return body.data.alerts.length > 0 ? body.data.alerts : undefined;
  });
  assert.equal(alerts.length, 1);
  assert.equal(alerts[0].labels.alertname, 'SluiceDiskNearlyFull');
  assert.equal(alerts[0].state, 'pending');
  assert.equal(alerts[0].value, '5e-02');
  assert.ok(!Number.isNaN(Date.parse(alerts[0].activeAt)));

  const rules = (await (await fetch(`${base}/api/rules`)).json()) as {
    data: { groups: { name: string; rules: Record<string, unknown>[] }[] };
  };
  const disk5 = rules.data.groups[0].rules.find((r) => r.name === 'SluiceDiskNearlyFull')!;
  assert.equal(disk5.type, 'alerting');
  assert.equal(disk5.state, 'pending');
  assert.equal(disk5.duration, 3600);
  assert.equal(disk5.health, 'ok');
  assert.equal(disk5.query, 'sluice_disk_free_bytes / sluice_disk_total_bytes < 0.1');
  const broker = rules.data.groups[0].rules.find((r) => r.name === 'SluiceBrokerDown')!;
  assert.deepEqual([broker.state, broker.alerts], ['inactive', []]);
});
