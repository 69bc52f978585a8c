// The registry's rules on a manual clock: leases of 90 s (not Eureka's accidental 180), eviction
// every 60 s, self-preservation, the delta window, status overrides, dirty timestamps and the hash code.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_REGISTRY_CONFIG, type RegistryConfig } from '../../../src/registry/config.js';
import { type InstanceInfo, parseRegistration } from '../../../src/registry/instance.js';
import { type Change, InstanceRegistry } from '../../../src/registry/instance-registry.js';
import { ManualClock } from '../../helpers/manual-clock.js';

const SECOND = 1000;

function instance(app: string, id: string, extra: Record<string, unknown> = {}, now = 0): InstanceInfo {
  return parseRegistration(
    {
      instance: {
        instanceId: id,
        hostName: `${id}.local`,
        app,
        ipAddr: '10.0.0.1',
        dataCenterInfo: { '@class': 'com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo', name: 'MyOwn' },
        ...extra,
      },
    },
    app.toUpperCase(),
    now,
  ).instance;
}

function setup(overrides: Partial<RegistryConfig> = {}) {
  const clock = new ManualClock();
  const changes: Change[] = [];
  const registry = new InstanceRegistry({ ...DEFAULT_REGISTRY_CONFIG, ...overrides }, clock, {
    onChange: (c) => changes.push(c),
  });
  registry.start();
  return { clock, registry, changes };
}

/** Renews every instance of `ids` every 30 s for `ms`. */
async function renewing(
  clock: ManualClock,
  registry: InstanceRegistry,
  ids: readonly string[],
  ms: number,
  app = 'ORDERS',
): Promise<void> {
  for (let t = 0; t < ms; t += 30 * SECOND) {
    for (const id of ids) assert.equal(registry.renew(app, id).status, 200);
    await clock.advance(30 * SECOND);
  }
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `i-${i}`);

describe('leases and eviction', () => {
  test('a lease expires 90 s after its last renewal and is evicted at the next run, not after 180 s', async () => {
    const { clock, registry } = setup({ selfPreservation: false });
    registry.register(instance('orders', 'a', {}, clock.now()));
    await clock.advance(60 * SECOND); // eviction run at 60 s: 60 s without renewal, kept
    assert.ok(registry.instance('ORDERS', 'a'));
    await clock.advance(60 * SECOND); // run at 120 s: 120 s > 90 s, evicted (Eureka would wait for 180 s)
    assert.equal(registry.instance('ORDERS', 'a'), undefined);
    assert.equal(registry.renew('ORDERS', 'a').status, 404);
  });

  test('renewals every 30 s keep a lease for as long as they go on', async () => {
    const { clock, registry } = setup({ selfPreservation: false });
    registry.register(instance('orders', 'a'));
    await renewing(clock, registry, ['a'], 10 * 60 * SECOND);
    assert.ok(registry.instance('ORDERS', 'a'));
  });

  test('a lease the client asked to be shorter (leaseInfo.durationInSecs) expires sooner', async () => {
    const { clock, registry } = setup({ selfPreservation: false, evictionIntervalMs: 5 * SECOND });
    registry.register(instance('orders', 'a', { leaseInfo: { durationInSecs: 10 } }));
    await clock.advance(10 * SECOND);
    assert.ok(registry.instance('ORDERS', 'a'));
    await clock.advance(5 * SECOND);
    assert.equal(registry.instance('ORDERS', 'a'), undefined);
  });

  test('one eviction run removes at most 15 % of the registry, the longest expired first', async () => {
    const { clock, registry, changes } = setup({ selfPreservation: false });
    for (const id of ids(20)) registry.register(instance('orders', id));
    await clock.advance(120 * SECOND);
    // 20 - floor(20 × 0.85) = 3 per run.
    assert.equal(changes.filter((c) => c.reason === 'evicted').length, 3);
    await clock.advance(60 * SECOND);
    assert.equal(changes.filter((c) => c.reason === 'evicted').length, 6);
  });
});

describe('self-preservation', () => {
  test('when most renewals stop, expired leases are kept; with it off they are evicted', async () => {
    for (const selfPreservation of [true, false]) {
      const { clock, registry } = setup({ selfPreservation });
      const all = ids(10);
      for (const id of all) registry.register(instance('orders', id));
      // Expected renewals: 10 × 2/min × 0.85 = 17 a minute.
      assert.equal(registry.renewalThreshold, 17);
      await renewing(clock, registry, all, 120 * SECOND);
      assert.equal(registry.renewsLastMinute, 20);
      assert.equal(registry.selfPreservationActive, false);
      // Only two instances keep renewing: 4 a minute, below 17.
      // Without self-preservation the 8 others go at most 15 % per run: 8 runs.
      await renewing(clock, registry, all.slice(0, 2), 8 * 60 * SECOND);
      assert.equal(registry.renewsLastMinute, 4);
      assert.equal(registry.selfPreservationActive, selfPreservation);
      assert.equal(registry.size, selfPreservation ? 10 : 2, `selfPreservation ${selfPreservation}`);
    }
  });

  test('a threshold of 0.5 lets evictions go on while more than half renew', async () => {
    const { clock, registry } = setup({ renewalPercentThreshold: 0.5 });
    const all = ids(10);
    for (const id of all) registry.register(instance('orders', id));
    await renewing(clock, registry, all, 120 * SECOND);
    // 8 of 10 renew: 16 a minute > 10 (10 × 2 × 0.5); the 2 others are evicted.
    await renewing(clock, registry, all.slice(0, 8), 5 * 60 * SECOND);
    assert.equal(registry.selfPreservationActive, false);
    assert.equal(registry.size, 8);
  });

  test('a cancel lowers the expected renewals; an eviction does not', async () => {
    const { clock, registry } = setup({ selfPreservation: false });
    for (const id of ids(4)) registry.register(instance('orders', id));
    assert.equal(registry.expectedClients, 4);
    assert.ok(registry.cancel('ORDERS', 'i-0'));
    assert.equal(registry.expectedClients, 3);
    await renewing(clock, registry, ['i-1', 'i-2'], 180 * SECOND);
    assert.equal(registry.size, 2);
    assert.equal(registry.expectedClients, 3);
  });
});

describe('registration, renewal and status', () => {
  test('registering the same id again updates the instance, never adds a second', () => {
    const { registry, changes } = setup();
    registry.register(instance('orders', 'a', { metadata: { v: '1' } }));
    registry.register(instance('orders', 'a', { metadata: { v: '2' } }));
    assert.equal(registry.size, 1);
    assert.equal(registry.expectedClients, 1);
    assert.equal(registry.instance('ORDERS', 'a')?.instance.metadata.v, '2');
    assert.deepEqual(
      changes.map((c) => c.action),
      ['ADDED', 'ADDED'],
    );
  });

  test('an older registration (lastDirtyTimestamp) keeps the newer one held', () => {
    const { registry } = setup();
    registry.register(instance('orders', 'a', { lastDirtyTimestamp: 2000, metadata: { v: 'new' } }));
    registry.register(instance('orders', 'a', { lastDirtyTimestamp: 1000, metadata: { v: 'old' } }));
    assert.equal(registry.instance('ORDERS', 'a')?.instance.metadata.v, 'new');
  });

  test('renewal with lastDirtyTimestamp: newer than held is 404, older is 200 (409 from a peer)', () => {
    const { registry } = setup();
    registry.register(instance('orders', 'a', { lastDirtyTimestamp: 5000 }));
    assert.equal(registry.renew('ORDERS', 'a', 5000).status, 200);
    assert.equal(registry.renew('ORDERS', 'a', 6000).status, 404);
    assert.equal(registry.renew('ORDERS', 'a', 4000).status, 200);
    const peer = registry.renew('ORDERS', 'a', 4000, true);
    assert.equal(peer.status, 409);
    assert.equal(peer.status === 409 && peer.entry.instance.lastDirtyTimestamp, 5000);
    assert.equal(registry.renew('ORDERS', 'nobody').status, 404);
  });

  test('a status override holds through re-registration until removed; then renewal asks to register again', () => {
    const { registry } = setup();
    registry.register(instance('orders', 'a'));
    assert.ok(registry.setStatus('ORDERS', 'a', 'OUT_OF_SERVICE'));
    registry.register(instance('orders', 'a', { status: 'UP' }));
    assert.equal(registry.instance('ORDERS', 'a')?.instance.status, 'OUT_OF_SERVICE');
    assert.equal(registry.instance('ORDERS', 'a')?.instance.overriddenStatus, 'OUT_OF_SERVICE');
    assert.ok(registry.removeStatusOverride('ORDERS', 'a', 'UNKNOWN'));
    assert.equal(registry.instance('ORDERS', 'a')?.instance.status, 'UNKNOWN');
    assert.equal(registry.renew('ORDERS', 'a').status, 404);
    registry.register(instance('orders', 'a', { status: 'UP' }));
    assert.equal(registry.instance('ORDERS', 'a')?.instance.status, 'UP');
    assert.equal(registry.setStatus('ORDERS', 'nobody', 'DOWN'), false);
  });

  test('a client saying DOWN or STARTING is believed over a held UP', () => {
    const { registry } = setup();
    registry.register(instance('orders', 'a'));
    registry.register(instance('orders', 'a', { status: 'STARTING' }));
    assert.equal(registry.instance('ORDERS', 'a')?.instance.status, 'STARTING');
  });
});

describe('delta and hash code', () => {
  test('the hash code counts statuses in sorted order', () => {
    const { registry } = setup();
    assert.equal(registry.hashCode(), '');
    for (const id of ids(3)) registry.register(instance('orders', id));
    registry.register(instance('payments', 'p', { status: 'DOWN' }));
    assert.equal(registry.hashCode(), 'DOWN_1_UP_3_');
    registry.setStatus('ORDERS', 'i-0', 'OUT_OF_SERVICE');
    assert.equal(registry.hashCode(), 'DOWN_1_OUT_OF_SERVICE_1_UP_2_');
  });

  test('the delta holds the changes of the last 3 minutes, each instance once with its latest action', async () => {
    // Self-preservation on and no renewals: nothing is evicted, only the window moves.
    const { clock, registry } = setup();
    registry.register(instance('orders', 'old'));
    await clock.advance(100 * SECOND);
    registry.register(instance('orders', 'a'));
    registry.register(instance('orders', 'b'));
    registry.setStatus('ORDERS', 'a', 'DOWN');
    registry.cancel('ORDERS', 'b');
    let delta = registry.recentChanges().map((c) => `${c.instance.instanceId}:${c.action}`);
    assert.deepEqual(delta, ['old:ADDED', 'a:MODIFIED', 'b:DELETED']);
    await clock.advance(81 * SECOND); // 'old' registered 181 s ago: out of the window
    delta = registry.recentChanges().map((c) => `${c.instance.instanceId}:${c.action}`);
    assert.deepEqual(delta, ['a:MODIFIED', 'b:DELETED']);
    await clock.advance(100 * SECOND);
    assert.deepEqual(registry.recentChanges(), []);
  });
});
