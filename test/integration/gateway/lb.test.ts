// lb:// targets through Sluice's registry: three real upstreams registered over Eureka's API on
// `sluice start` (in process), the gateway following the registry's events topic.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { DEFAULT_GATEWAY_CONFIG, type RunningGateway, startGateway } from '../../../src/gateway/index.js';
import { type EurekaCall, eurekaCaller, springInstance } from '../../helpers/eureka.js';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform-fixture.js';
import { eventually } from '../../helpers/waiting.js';
import { startUpstream, type Upstream } from './upstream.js';

describe('lb:// routes through the registry', () => {
  let platform: TestPlatform;
  let eureka: EurekaCall;
  let gateway: RunningGateway;
  const instances: Upstream[] = [];

  before(async () => {
    platform = await startTestPlatform();
    eureka = eurekaCaller(`${platform.http.url}/eureka`);
    for (const name of ['orders-1', 'orders-2', 'orders-3']) {
      const upstream = await startUpstream(name);
      instances.push(upstream);
      const registered = await eureka('POST', '/apps/ORDERS', {
        body: springInstance('orders', name, upstream.port),
      });
      assert.equal(registered.status, 204);
    }
    gateway = await startGateway({
      config: {
        ...DEFAULT_GATEWAY_CONFIG,
        port: 0,
        discoveryRoutes: true,
        routes: [
          {
            id: 'orders',
            uri: 'lb://orders',
            predicates: ['Path=/api/orders/**'],
            filters: ['StripPrefix=1'],
          },
          { id: 'payments', uri: 'lb://payments', predicates: ['Path=/api/payments/**'] },
        ],
      },
      bootstrap: platform.broker.bootstrap,
      logger: pino({ level: 'silent' }),
    });
  });

  after(async () => {
    await gateway?.close();
    await platform?.dispose();
    await Promise.all(instances.map((u) => u.close()));
  });

  const upstreamOf = async (path: string) => {
    const response = await fetch(`${gateway.url}${path}`);
    if (response.status !== 200) return undefined;
    return ((await response.json()) as { name: string; url: string }).name;
  };

  it('balances round-robin across the three UP instances', async () => {
    await eventually('all three instances known to the gateway', 30_000, async () => {
      const names = new Set<string>();
      for (let i = 0; i < 3; i++) names.add((await upstreamOf('/api/orders/1')) ?? '');
      return names.size === 3 ? true : undefined;
    });
    const counts = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const name = (await upstreamOf('/api/orders/1')) as string;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    assert.deepEqual([...counts.values()], [10, 10, 10]);
    assert.equal(instances[0]?.seen.at(-1)?.url, '/orders/1');
  });

  it('a discovery route /{service}/** reaches the service with the prefix stripped', async () => {
    const response = await fetch(`${gateway.url}/orders/items?a=1`);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { url: string }).url, '/items?a=1');
  });

  it('an instance taken out of service gets no more requests', async () => {
    const out = await eureka('PUT', '/apps/ORDERS/orders-2/status?value=OUT_OF_SERVICE');
    assert.equal(out.status, 200);
    await eventually('orders-2 out of the rotation', 30_000, async () => {
      const names = new Set<string>();
      for (let i = 0; i < 4; i++) names.add((await upstreamOf('/api/orders/1')) ?? '');
      return names.has('orders-2') ? undefined : names;
    });
  });

  it('answers 503 with a clear body when no instance is up', async () => {
    const none = await fetch(`${gateway.url}/api/payments/1`);
    assert.equal(none.status, 503);
    assert.match(
      ((await none.json()) as { message: string }).message,
      /no instance of service 'PAYMENTS' is UP/,
    );
    for (const id of ['orders-1', 'orders-2', 'orders-3']) {
      assert.equal((await eureka('DELETE', `/apps/ORDERS/${id}`)).status, 200);
    }
    await eventually('orders gone from the gateway', 30_000, async () => {
      const response = await fetch(`${gateway.url}/api/orders/1`);
      if (response.status !== 503) return undefined;
      return (await response.json()) as { message: string };
    });
  });
});
