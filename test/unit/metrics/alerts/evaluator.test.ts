import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prometheusPipelineMetrics } from '../../../../src/pipeline/index.js';
import { alertHarness } from './harness.js';

test('lag above the threshold goes pending, fires after `for`, and resolves when it falls', async (t) => {
  const h = alertHarness({ rules: { consumerLag: { threshold: 100, window: '2m', for: '1m' } } });
  t.after(() => h.evaluator.close());
  const lag = (v: number) => h.metrics.lagSum.set({ consumergroup: 'billing', topic: 'orders' }, v);
  lag(50);
  await h.at(0);
  lag(150);
  await h.at(15);
  let [alert] = h.find('SluiceConsumerLagHigh');
  assert.equal(alert.state, 'pending');
  assert.equal(alert.activeAt, h.clock.t);
  assert.deepEqual(alert.labels, {
    consumergroup: 'billing',
    topic: 'orders',
    alertname: 'SluiceConsumerLagHigh',
    severity: 'warning',
  });
  lag(200);
  await h.at(60);
  assert.equal(h.find('SluiceConsumerLagHigh')[0].state, 'pending', '45 s is less than for: 1m');
  lag(1500);
  await h.at(75);
  [alert] = h.find('SluiceConsumerLagHigh');
  assert.equal(alert.state, 'firing');
  assert.equal(alert.value, 1500);
  assert.equal(alert.firedAt, h.clock.t);
  assert.equal(
    alert.annotations.description,
    'Consumer group billing is 1.5k messages behind on topic orders and the lag is still growing.',
  );
  lag(20);
  await h.at(90);
  assert.deepEqual(h.find('SluiceConsumerLagHigh'), [], 'resolved alerts leave /api/alerts');
});

test('a high lag that does not grow over the window does not alert', async (t) => {
  const h = alertHarness({ rules: { consumerLag: { threshold: 100, window: '1m', for: '0s' } } });
  t.after(() => h.evaluator.close());
  h.metrics.lagSum.set({ consumergroup: 'reports', topic: 'orders' }, 5000);
  for (let s = 0; s <= 180; s += 15) await h.at(s);
  assert.deepEqual(h.find('SluiceConsumerLagHigh'), []);
  // It shrinks: still no alert.
  h.metrics.lagSum.set({ consumergroup: 'reports', topic: 'orders' }, 4000);
  await h.at(195);
  assert.deepEqual(h.find('SluiceConsumerLagHigh'), []);
  // Up from the low point but not above where the window starts (5000 at 150 s): net change < 0.
  h.metrics.lagSum.set({ consumergroup: 'reports', topic: 'orders' }, 4500);
  await h.at(210);
  assert.deepEqual(h.find('SluiceConsumerLagHigh'), []);
  // Net growth over the window, above the threshold: alert (for: 0s fires at once).
  h.metrics.lagSum.set({ consumergroup: 'reports', topic: 'orders' }, 5200);
  await h.at(225);
  assert.equal(h.find('SluiceConsumerLagHigh')[0]?.state, 'firing');
  // The threshold counts: growth below it is no alert.
  h.metrics.lagSum.set({ consumergroup: 'small', topic: 'orders' }, 10);
  await h.at(240);
  h.metrics.lagSum.set({ consumergroup: 'small', topic: 'orders' }, 90);
  await h.at(255);
  assert.deepEqual(
    h.find('SluiceConsumerLagHigh').map((a) => a.labels.consumergroup),
    ['reports'],
  );
});

test('a pending alert whose condition stops holding is dropped, never fired', async (t) => {
  const h = alertHarness({ rules: { diskNearlyFull: { threshold: 0.2, for: '1m' } } });
  t.after(() => h.evaluator.close());
  h.metrics.diskTotal.set(1000);
  h.metrics.diskFree.set(100);
  await h.at(0);
  assert.equal(h.find('SluiceDiskNearlyFull')[0].state, 'pending');
  assert.equal(h.find('SluiceDiskNearlyFull')[0].value, 0.1);
  assert.equal(
    h.find('SluiceDiskNearlyFull')[0].annotations.description,
    'Only 10% of the file system holding the data directory is free: free space or shorten retention before appends fail.',
  );
  h.metrics.diskFree.set(500);
  await h.at(30);
  assert.deepEqual(h.find('SluiceDiskNearlyFull'), []);
  // Starting again later counts `for` from the new start.
  h.metrics.diskFree.set(100);
  await h.at(45);
  await h.at(90);
  assert.equal(h.find('SluiceDiskNearlyFull')[0].state, 'pending');
  await h.at(105);
  assert.equal(h.find('SluiceDiskNearlyFull')[0].state, 'firing');
});

test('produce error rate is errors per Produce request over the window', async (t) => {
  const h = alertHarness({ rules: { produceErrorRate: { threshold: 0.05, window: '1m', for: '0s' } } });
  t.after(() => h.evaluator.close());
  const { requests, errors } = h.metrics;
  requests.inc({ api: 'Produce' }, 1000);
  requests.inc({ api: 'Fetch' }, 5000);
  errors.inc({ api: 'Fetch', error: 'OFFSET_OUT_OF_RANGE' }, 4000);
  await h.at(0);
  // Errors before the first evaluation are history, not a rate.
  assert.deepEqual(h.find('SluiceProduceErrorRateHigh'), []);
  requests.inc({ api: 'Produce' }, 200);
  errors.inc({ api: 'Produce', error: 'CORRUPT_MESSAGE' }, 6); // a series that appears now started at 0
  errors.inc({ api: 'Fetch', error: 'OFFSET_OUT_OF_RANGE' }, 4000); // other APIs do not count
  await h.at(30);
  assert.deepEqual(h.find('SluiceProduceErrorRateHigh'), [], '6 / 200 = 3% is below 5%');
  requests.inc({ api: 'Produce' }, 200);
  errors.inc({ api: 'Produce', error: 'NOT_LEADER_OR_FOLLOWER' }, 30);
  await h.at(60);
  const [alert] = h.find('SluiceProduceErrorRateHigh');
  assert.equal(alert.state, 'firing');
  assert.equal(alert.value, 36 / 400);
  assert.equal(alert.annotations.description, '9% of Produce requests returned an error.');
  // The window moves on: at 120 s only the last minute (no new errors) counts.
  requests.inc({ api: 'Produce' }, 100);
  await h.at(120);
  assert.deepEqual(h.find('SluiceProduceErrorRateHigh'), []);
});

test('broker down comes from the health probe; a probe that throws counts as down', async (t) => {
  let health: 'UP' | 'DOWN' | 'throw' = 'UP';
  const h = alertHarness({ rules: { brokerDown: { for: '30s' } } }, async () => {
    if (health === 'throw') throw new Error('connection refused');
    return health;
  });
  t.after(() => h.evaluator.close());
  await h.at(0);
  assert.deepEqual(h.find('SluiceBrokerDown'), []);
  health = 'throw';
  await h.at(15);
  health = 'DOWN';
  await h.at(45);
  const [alert] = h.find('SluiceBrokerDown');
  assert.equal(alert.state, 'firing');
  assert.equal(alert.labels.severity, 'critical');
  assert.equal(alert.value, 0);
  health = 'UP';
  await h.at(60);
  assert.deepEqual(h.find('SluiceBrokerDown'), []);
});

test('stalled consumers, 5xx ratio, open breakers and DOWN instances', async (t) => {
  const h = alertHarness({
    rules: {
      consumerStalled: { for: '0s' },
      gatewayErrorRatio: { threshold: 0.1, window: '1m', for: '0s' },
      circuitBreakerOpen: { for: '0s' },
      serviceInstancesDown: { for: '0s', severity: 'page' },
    },
  });
  t.after(() => h.evaluator.close());
  const m = h.metrics;
  m.burrow.set({ consumergroup: 'g', topic: 't', partition: '0' }, 1);
  m.burrow.set({ consumergroup: 'g', topic: 't', partition: '1' }, 5);
  m.burrow.set({ consumergroup: 'g', topic: 't', partition: '2' }, 2);
  m.gateway.inc({ route: 'orders', method: 'GET', code: '200' }, 0);
  m.gateway.inc({ route: 'users', method: 'GET', code: '200' }, 0);
  for (const state of ['closed', 'open', 'half_open'])
    m.breaker.set({ name: 'payment', state }, state === 'open' ? 1 : 0);
  for (const state of ['closed', 'open', 'half_open'])
    m.breaker.set({ name: 'catalog', state }, state === 'closed' ? 1 : 0);
  m.instances.set({ app: 'ORDERS', status: 'UP' }, 2);
  m.instances.set({ app: 'ORDERS', status: 'DOWN' }, 1);
  m.instances.set({ app: 'USERS', status: 'UP' }, 1);
  await h.at(0);
  m.gateway.inc({ route: 'orders', method: 'GET', code: '200' }, 80);
  m.gateway.inc({ route: 'orders', method: 'POST', code: '503' }, 20);
  m.gateway.inc({ route: 'users', method: 'GET', code: '200' }, 99);
  m.gateway.inc({ route: 'users', method: 'GET', code: '404' }, 30);
  await h.at(15);
  const labels = (name: string) => h.find(name).map((a) => a.labels);
  assert.deepEqual(labels('SluiceConsumerStalled'), [
    {
      consumergroup: 'g',
      topic: 't',
      partition: '1',
      alertname: 'SluiceConsumerStalled',
      severity: 'warning',
    },
  ]);
  assert.deepEqual(
    h.find('SluiceGateway5xxRatioHigh').map((a) => [a.labels.route, a.value]),
    [['orders', 0.2]],
  );
  assert.deepEqual(
    labels('SluiceCircuitBreakerOpen').map((l) => l.name),
    ['payment'],
  );
  assert.deepEqual(labels('SluiceServiceInstancesDown'), [
    { app: 'ORDERS', alertname: 'SluiceServiceInstancesDown', severity: 'page' },
  ]);
});

test('a disabled rule is not evaluated', async (t) => {
  const h = alertHarness({ rules: { diskNearlyFull: { enabled: false, for: '0s' } } });
  t.after(() => h.evaluator.close());
  h.metrics.diskTotal.set(1000);
  h.metrics.diskFree.set(1);
  await h.at(0);
  assert.deepEqual(h.find('SluiceDiskNearlyFull'), []);
  assert.ok(!h.evaluator.ruleStatuses().some((r) => r.def.kind === 'diskNearlyFull'));
});

test('the evaluator exports its alerts as sluice_alerts', async (t) => {
  const h = alertHarness({ rules: { diskNearlyFull: { for: '1m' } } });
  t.after(() => h.evaluator.close());
  h.metrics.diskTotal.set(1000);
  h.metrics.diskFree.set(1);
  await h.at(0);
  const text = await h.registry.metrics();
  assert.match(
    text,
    /sluice_alerts\{alertname="SluiceDiskNearlyFull",severity="warning",state="pending"\} 1/,
  );
});

test("a pipeline's growing dead-letter topic: dead letters within the window, per pipeline and topic", async (t) => {
  const h = alertHarness({ rules: { deadLettersGrowing: { window: '1m', for: '0s' } } });
  t.after(() => h.evaluator.close());
  // The runtime's own metrics on the registry the evaluator reads.
  const metrics = prometheusPipelineMetrics(h.registry);
  metrics.deadLettered('orders', 'orders.dlq', 'validate');
  await h.at(0);
  assert.deepEqual(
    h.find('SluicePipelineDeadLettersGrowing'),
    [],
    'dead letters before the first look are history',
  );
  metrics.deadLettered('orders', 'orders.dlq', 'validate');
  metrics.deadLettered('orders', 'orders.dlq', 'transform');
  metrics.read('audit', 'events');
  await h.at(30);
  const [alert, ...others] = h.find('SluicePipelineDeadLettersGrowing');
  assert.deepEqual(others, []);
  assert.equal(alert.state, 'firing');
  assert.deepEqual(alert.labels, {
    pipeline: 'orders',
    topic: 'orders.dlq',
    alertname: 'SluicePipelineDeadLettersGrowing',
    severity: 'warning',
  });
  assert.equal(alert.value, 2);
  // A minute later without new dead letters the window holds none.
  await h.at(100);
  assert.deepEqual(h.find('SluicePipelineDeadLettersGrowing'), []);
});
