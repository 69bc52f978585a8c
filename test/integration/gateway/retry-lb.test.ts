// Retry and outlier ejection on lb:// routes: three real upstreams registered in Sluice's registry,
// one killed mid-load. GETs are retried on another instance (no client GET fails); POSTs are
// never retried (each reached at most one upstream); a passive outlier detector ejects the dead
// instance so a route without Retry stops sending to it.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { DEFAULT_GATEWAY_CONFIG, type RunningGateway, startGateway } from '../../../src/gateway/index.js';
import { type EurekaCall, eurekaCaller, springInstance } from '../../helpers/eureka.js';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform-fixture.js';
import { eventually } from '../../helpers/waiting.js';
import { startUpstream, type Upstream } from './upstream.js';

describe('Retry and outlier ejection on lb:// routes', () => {
  let platform: TestPlatform;
  let eureka: EurekaCall;
  let retrying: RunningGateway;
  let ejecting: RunningGateway;
  const instances: Upstream[] = [];

  before(async () => {
    platform = await startTestPlatform();
    eureka = eurekaCaller(`${platform.http.url}/eureka`);
    for (const name of ['stock-1', 'stock-2', 'stock-3']) {
      const upstream = await startUpstream(name);
      instances.push(upstream);
      const registered = await eureka('POST', '/apps/STOCK', {
        body: springInstance('stock', name, upstream.port),
      });
      assert.equal(registered.status, 204);
    }
    const base = { ...DEFAULT_GATEWAY_CONFIG, port: 0 };
    retrying = await startGateway({
      config: {
        ...base,
        routes: [{ id: 'stock', uri: 'lb://stock', predicates: ['Path=/stock/**'], filters: ['Retry=2'] }],
      },
      bootstrap: platform.broker.bootstrap,
      logger: pino({ level: 'silent' }),
      // No ejection here: the dead instance stays in the rotation, so POSTs do meet it.
      outlierDetection: { consecutive5xx: 1_000_000 },
    });
    ejecting = await startGateway({
      config: {
        ...base,
        routes: [{ id: 'stock', uri: 'lb://stock', predicates: ['Path=/stock/**'] }],
        outlierDetection: {
          ...base.outlierDetection,
          consecutive5xx: 2,
          baseEjectionTimeMs: 600_000,
          maxEjectionPercent: 50,
        },
      },
      bootstrap: platform.broker.bootstrap,
      logger: pino({ level: 'silent' }),
    });
  });

  after(async () => {
    await retrying?.close();
    await ejecting?.close();
    await platform?.dispose();
    await Promise.all(instances.map((u) => u.close()));
  });

  const known = (gateway: RunningGateway) =>
    eventually('all three instances known to the gateway', 30_000, async () => {
      const names = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const r = await fetch(`${gateway.url}/stock/1`);
        if (r.status === 200) names.add(((await r.json()) as { name: string }).name);
      }
      return names.size === 3 ? true : undefined;
    });

  it('an instance killed mid-load: no GET fails, and no POST is retried', async () => {
    await known(retrying);
    await known(ejecting);
    const statuses: number[] = [];
    let sent = 0;
    const worker = async () => {
      while (sent < 120) {
        sent++;
        if (sent === 40) await instances[1]?.close();
        const r = await fetch(`${retrying.url}/stock/item`);
        await r.arrayBuffer();
        statuses.push(r.status);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    assert.equal(statuses.length, 120);
    assert.deepEqual(
      statuses.filter((s) => s !== 200),
      [],
    );

    const postsSeen = () =>
      instances.reduce((n, u) => n + u.seen.filter((s) => s.method === 'POST').length, 0);
    const outcomes: number[] = [];
    for (let i = 0; i < 9; i++) {
      const r = await fetch(`${retrying.url}/stock/order`, { method: 'POST', body: `order ${i}` });
      await r.arrayBuffer();
      outcomes.push(r.status);
    }
    const ok = outcomes.filter((s) => s === 200).length;
    // Round robin over three, one dead: a third of the POSTs meet it and fail, none goes on elsewhere.
    assert.equal(ok, 6);
    assert.deepEqual(
      outcomes.filter((s) => s !== 200),
      [502, 502, 502],
    );
    assert.equal(postsSeen(), ok);

    // A small PUT body (idempotent, with a Content-Length) is held whole and sent again, intact.
    const body = 'x'.repeat(10_000);
    for (let i = 0; i < 6; i++) {
      const r = await fetch(`${retrying.url}/stock/shelf`, { method: 'PUT', body });
      assert.equal(r.status, 200);
      const seen = (await r.json()) as { bodyBytes: number; sha256: string };
      assert.equal(seen.bodyBytes, body.length);
    }
    const puts = instances.flatMap((u) => u.seen.filter((s) => s.method === 'PUT'));
    assert.equal(puts.length, 6);
    assert.equal(new Set(puts.map((p) => p.sha256)).size, 1);
  });

  it('the dead instance is ejected after consecutive failures and skipped by the picker', async () => {
    const outcomes: number[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await fetch(`${ejecting.url}/stock/1`);
      await r.arrayBuffer();
      outcomes.push(r.status);
    }
    // Two connection failures eject it (consecutive5xx: 2); after that every request is answered.
    assert.equal(outcomes.filter((s) => s === 502).length, 2);
    const lastFail = outcomes.lastIndexOf(502);
    assert.ok(lastFail < 10, `failures after the ejection: ${outcomes.join(',')}`);
    assert.deepEqual(
      outcomes.slice(lastFail + 1).filter((s) => s !== 200),
      [],
    );
  });
});
