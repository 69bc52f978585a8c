// The Node client `sluice/discovery` against `sluice start`: it registers and renews, keeps its
// copy fresh by deltas without a hash-code mismatch, falls back to a full fetch when its copy is
// wrong, picks UP instances round-robin, registers again after a 404, and deregisters on close.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { DiscoveryClient } from '../../../src/registry/client/index.js';
import { type EurekaCall, eurekaCaller, springInstance } from '../../helpers/eureka.js';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform-fixture.js';
import { eventually } from '../../helpers/waiting.js';

let platform: TestPlatform;
let eureka: EurekaCall;
let url: string;

before(async () => {
  platform = await startTestPlatform({ config: { registry: { useReadOnlyCache: false } } });
  url = `${platform.http.url}/eureka`;
  eureka = eurekaCaller(url);
});
after(() => platform.dispose());

const start = (app: string | undefined, port: number) =>
  DiscoveryClient.start({
    url,
    ...(app === undefined ? {} : { app, port, hostName: '127.0.0.1', ipAddr: '127.0.0.1' }),
    // Long intervals: the test drives renewals and refreshes itself.
    renewIntervalMs: 3_600_000,
    fetchIntervalMs: 3_600_000,
    deregisterOnExit: false,
  });

test('registers, discovers round-robin among UP, follows deltas and deregisters on close', async () => {
  const a = await start('pricing', 7001);
  const b = await start('pricing', 7002);
  const reader = await start(undefined, 0);
  try {
    assert.equal(a.instanceId, '127.0.0.1:pricing:7001');
    const registered = (await eureka('GET', '/apps/PRICING')).json as {
      application: { instance: unknown[] };
    };
    assert.equal(registered.application.instance.length, 2);
    assert.equal(reader.instances('pricing').length, 2);
    const ports = [0, 1, 2, 3].map(() => reader.pick('PRICING')?.port);
    assert.deepEqual(ports, [7001, 7002, 7001, 7002]);

    // Another instance comes, one goes out of service: the delta says so, the hash code matches.
    const c = await start('pricing', 7003);
    assert.equal(
      (await eureka('PUT', '/apps/PRICING/127.0.0.1:pricing:7001/status?value=OUT_OF_SERVICE')).status,
      200,
    );
    await reader.refresh();
    assert.deepEqual(reader.stats, {
      registrations: 0,
      renewals: 0,
      fullFetches: 1,
      deltaFetches: 1,
      hashMismatches: 0,
    });
    assert.deepEqual(new Set([0, 1, 2, 3].map(() => reader.pick('pricing')?.port)), new Set([7002, 7003]));
    await c.close();
    await reader.refresh();
    assert.equal(reader.instances('pricing').length, 2);
    assert.equal(reader.stats.hashMismatches, 0);
    assert.equal(reader.stats.fullFetches, 1);

    await a.renew();
    assert.equal(a.stats.renewals, 1);
  } finally {
    await Promise.all([a.close(), b.close(), reader.close()]);
  }
  const left = await eureka('GET', '/apps/PRICING');
  assert.equal(left.status, 404, left.text);
});

test('a copy that missed changes older than the delta window is replaced by a full fetch', async () => {
  // A registry whose delta reaches back 1 s: a reader that does not refresh for longer misses changes.
  const short = await startTestPlatform({
    config: { registry: { useReadOnlyCache: false, deltaRetentionMs: 1000 } },
  });
  const call = eurekaCaller(`${short.http.url}/eureka`);
  let reader: DiscoveryClient | undefined;
  try {
    assert.equal(
      (await call('POST', '/apps/DRIFT', { body: springInstance('drift', 'd1', 9001) })).status,
      204,
    );
    reader = await DiscoveryClient.start({ url: `${short.http.url}/eureka`, fetchIntervalMs: 3_600_000 });
    assert.equal(reader.instances('drift').length, 1);
    assert.equal(
      (await call('POST', '/apps/DRIFT', { body: springInstance('drift', 'd2', 9002, { status: 'DOWN' }) }))
        .status,
      204,
    );
    await eventually('d2 to leave the delta window', 10_000, async () => {
      const delta = (await call('GET', '/apps/delta')).json as { applications: { application: unknown[] } };
      return delta.applications.application.length === 0 ? true : undefined;
    });
    await reader.refresh();
    assert.equal(reader.stats.hashMismatches, 1);
    assert.equal(reader.stats.fullFetches, 2);
    assert.deepEqual(
      reader
        .instances('drift')
        .map((i) => `${i.instanceId} ${i.status}`)
        .sort(),
      ['d1 UP', 'd2 DOWN'],
    );
    assert.equal(reader.pick('drift')?.instanceId, 'd1');
  } finally {
    await reader?.close();
    await short.dispose();
  }
});

test('a renewal the registry answers 404 (after an eviction or restart) registers again', async () => {
  const client = await start('phoenix', 7100);
  try {
    assert.equal((await eureka('DELETE', `/apps/PHOENIX/${client.instanceId}`)).status, 200);
    await client.renew();
    assert.equal(client.stats.registrations, 2);
    await eventually('the instance back in the registry', 5_000, async () =>
      (await eureka('GET', '/apps/PHOENIX')).status === 200 ? true : undefined,
    );
  } finally {
    await client.close();
  }
});

test('a service stopped by SIGTERM deregisters, then ends as the signal says', async () => {
  const door = new URL('../../../src/registry/client/index.js', import.meta.url).href;
  const script = `
    const { DiscoveryClient } = await import(${JSON.stringify(door)});
    await DiscoveryClient.start({ url: ${JSON.stringify(url)}, app: 'sigterm', port: 7200, hostName: '127.0.0.1', fetchIntervalMs: 0 });
    console.log('registered');
    setInterval(() => {}, 1000); // a service's server keeps it up
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    out += c;
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.once('exit', (_code, signal) => resolve(signal)),
  );
  await eventually('the service to register', 15_000, async () =>
    out.includes('registered') ? true : undefined,
  );
  assert.equal((await eureka('GET', '/apps/SIGTERM')).status, 200);
  child.kill('SIGTERM');
  assert.equal(await exited, 'SIGTERM');
  assert.equal((await eureka('GET', '/apps/SIGTERM')).status, 404);
});
