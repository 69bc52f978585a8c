// Issue 5's proof: a real Prometheus scrapes a running Sluice while a consumer group stops
// consuming; through Prometheus's query API the lag grows and the lag alert (from
// deploy/prometheus/alerts.yml) fires. Sluice's built-in evaluator fires the same alert and
// delivers it to a webhook receiver in Alertmanager's format.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel } from 'kafkajs';
import { parse } from 'yaml';
import { startTestPlatform, type TestPlatform } from '../helpers/platform-fixture.js';
import { prometheusMissing, type RunningPrometheus, startPrometheus } from '../helpers/prometheus.js';
import { repoRoot } from '../helpers/repo-root.js';
import { eventually } from '../helpers/waiting.js';

const ALERT = 'SluiceConsumerLagHigh';
const TOPIC = 'orders';
const GROUP = 'billing';
const THRESHOLD = 50;
const missing = prometheusMissing();
const skip = missing && !process.env.CI ? missing : false;

interface Rule {
  alert?: string;
  expr: string;
  for?: string;
}

/** The shipped rules, with the lag rule scaled to a test's minute: threshold 50, 20 s window, for 2 s. */
function scaledRules(): unknown {
  const file = parse(readFileSync(join(repoRoot(), 'deploy/prometheus/alerts.yml'), 'utf8')) as {
    groups: { rules: Rule[] }[];
  };
  const rule = file.groups.flatMap((g) => g.rules).find((r) => r.alert === ALERT);
  assert.ok(rule, `${ALERT} is in deploy/prometheus/alerts.yml`);
  assert.match(rule.expr, /> 1000 /);
  rule.expr = rule.expr.replace('> 1000 ', `> ${THRESHOLD} `).replaceAll('[5m]', '[20s]');
  rule.for = '2s';
  return file;
}

describe('consumer lag seen by a real Prometheus and by the built-in evaluator', { skip }, () => {
  let platform: TestPlatform;
  let prometheus: RunningPrometheus | undefined;
  let receiver: Server;
  const payloads: {
    status: string;
    version: string;
    alerts: { status: string; labels: Record<string, string> }[];
  }[] = [];
  let producing = true;
  let producer: ReturnType<Kafka['producer']>;
  let production: Promise<void> = Promise.resolve();

  before(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        payloads.push(JSON.parse(body));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const address = receiver.address();
    const receiverUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/alerts`;
    platform = await startTestPlatform({
      config: {
        alerts: {
          evaluationInterval: '1s',
          webhooks: [{ url: receiverUrl, name: 'test' }],
          rules: { consumerLag: { threshold: THRESHOLD, window: '20s', for: '2s' } },
        },
      },
    });
    await platform.broker.core.logs.createTopic(TOPIC, 1, {});
    prometheus = await startPrometheus({
      target: platform.http.url.replace('http://', ''),
      rules: scaledRules(),
      intervalSeconds: 1,
    });
    const kafka = new Kafka({
      clientId: 'lag-test',
      brokers: [platform.broker.bootstrap],
      logLevel: logLevel.NOTHING,
    });
    producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: TOPIC,
      messages: Array.from({ length: 10 }, (_, i) => ({ value: `first-${i}` })),
    });

    // The group consumes the first ten messages, commits, and stops.
    const consumer = kafka.consumer({ groupId: GROUP });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    let seen = 0;
    await new Promise<void>((resolve) => {
      consumer.run({
        autoCommit: false,
        eachMessage: async ({ message, partition }) => {
          seen++;
          if (seen === 10) {
            await consumer.commitOffsets([
              { topic: TOPIC, partition, offset: String(Number(message.offset) + 1) },
            ]);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();

    // Production goes on: 10 messages every half second.
    production = (async () => {
      while (producing) {
        await producer.send({
          topic: TOPIC,
          messages: Array.from({ length: 10 }, () => ({ value: 'more' })),
        });
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
  });

  after(async () => {
    producing = false;
    await production.catch(() => {});
    await producer?.disconnect();
    await prometheus?.stop();
    await platform?.dispose();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('Prometheus sees the lag grow and fires the lag alert from the shipped rules', async () => {
    const prom = prometheus as RunningPrometheus;
    const lagQuery = `kafka_consumergroup_lag_sum{consumergroup="${GROUP}",topic="${TOPIC}"}`;
    const first = await eventually('a lag sample in Prometheus', 30_000, async () => {
      const [sample] = await prom.query(lagQuery);
      return sample && Number(sample.value[1]) > 0 ? Number(sample.value[1]) : undefined;
    });
    const later = await eventually('the lag to grow in Prometheus', 30_000, async () => {
      const [sample] = await prom.query(lagQuery);
      return sample && Number(sample.value[1]) > first + 20 ? Number(sample.value[1]) : undefined;
    });
    assert.ok(later > first);
    const firing = await eventually(`${ALERT} firing in Prometheus`, 60_000, async () =>
      (await prom.alerts()).find((a) => a.labels.alertname === ALERT && a.state === 'firing'),
    );
    assert.equal(firing.labels.consumergroup, GROUP);
    assert.equal(firing.labels.topic, TOPIC);
    assert.equal(firing.labels.severity, 'warning');
  });

  it('the built-in evaluator fires the same alert and delivers the webhook', async () => {
    const shown = await eventually(`${ALERT} firing at /api/alerts`, 60_000, async () => {
      const body = (await (await platform.get('/api/alerts')).json()) as {
        data: { alerts: { labels: Record<string, string>; state: string }[] };
      };
      return body.data.alerts.find((a) => a.labels.alertname === ALERT && a.state === 'firing');
    });
    assert.equal(shown.labels.consumergroup, GROUP);
    const payload = await eventually('a webhook payload for the alert', 30_000, async () =>
      payloads.find((p) => p.status === 'firing' && p.alerts.some((a) => a.labels.alertname === ALERT)),
    );
    assert.equal(payload.version, '4');
    const alert = payload.alerts.find((a) => a.labels.alertname === ALERT);
    assert.equal(alert?.labels.topic, TOPIC);
    assert.equal(alert?.status, 'firing');
  });
});
