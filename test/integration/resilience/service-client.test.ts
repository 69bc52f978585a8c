// `sluice/http` against real node:http upstreams registered in `sluice start`'s registry:
// round-robin balancing; an instance killed mid-load costs no GET (retried elsewhere, then
// ejected); a POST is never retried; a GET is never retried on the instance that failed; a slow
// upstream opens the breaker, after which calls are rejected with 503 without reaching it, until
// half-open trials succeed. The breaker's clock is moved by hand: nothing waits for time.

import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { isSluiceError } from '../../../src/errors/index.js';
import { DiscoveryClient } from '../../../src/registry/client/index.js';
import { CallNotPermittedError, ServiceClient, type StateTransition } from '../../../src/resilience/index.js';
import { ManualClock } from '../../helpers/manual-clock.js';
import { startTestPlatform, type TestPlatform } from '../../helpers/platform-fixture.js';
import { eventually } from '../../helpers/waiting.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface Upstream {
  readonly id: string;
  readonly server: Server;
  readonly requests: string[];
  handler: Handler;
  kill(): Promise<void>;
}

let platform: TestPlatform;
let registry: string;
const registrations: DiscoveryClient[] = [];
const upstreams: Upstream[] = [];

before(async () => {
  platform = await startTestPlatform({ config: { registry: { useReadOnlyCache: false } } });
  registry = `${platform.http.url}/eureka`;
});

after(async () => {
  for (const r of registrations) await r.close();
  for (const u of upstreams) if (u.server.listening) await u.kill();
  await platform.dispose();
});

/** A node:http server registered as an instance of `app`, answering with `handler` (default: 200 and its id). */
async function upstream(app: string, id: string, handler?: Handler): Promise<Upstream> {
  const requests: string[] = [];
  const u: Upstream = {
    id,
    requests,
    handler:
      handler ??
      ((_req, res) => {
        res.end(id);
      }),
    server: createServer((req, res) => {
      requests.push(req.method ?? '');
      req.resume();
      u.handler(req, res);
    }),
    kill: () =>
      new Promise<void>((resolve) => {
        u.server.close(() => resolve());
        u.server.closeAllConnections();
      }),
  };
  await new Promise<void>((resolve) => u.server.listen(0, '127.0.0.1', resolve));
  const port = (u.server.address() as AddressInfo).port;
  registrations.push(
    await DiscoveryClient.start({
      url: registry,
      app,
      port,
      hostName: '127.0.0.1',
      ipAddr: '127.0.0.1',
      instanceId: id,
      renewIntervalMs: 3_600_000,
      fetchIntervalMs: 0,
      deregisterOnExit: false,
    }),
  );
  upstreams.push(u);
  return u;
}

test('GETs are spread round-robin over the UP instances', async () => {
  const orders = await Promise.all([0, 1, 2].map((i) => upstream('balanced', `balanced-${i}`)));
  const client = await ServiceClient.start({ registry });
  try {
    const answered: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await client.request('balanced', '/orders/1');
      assert.equal(res.status, 200);
      answered.push(await res.body.text());
    }
    assert.deepEqual(answered.sort(), [
      'balanced-0',
      'balanced-0',
      'balanced-1',
      'balanced-1',
      'balanced-2',
      'balanced-2',
    ]);
    for (const u of orders) assert.equal(u.requests.length, 2);
  } finally {
    await client.close();
  }
});

test('an instance killed mid-load fails no GET: its calls are retried elsewhere until it is ejected', async () => {
  const [dead, ...alive] = await Promise.all([0, 1, 2].map((i) => upstream('killed', `killed-${i}`)));
  // Five calls at a time may all be on the killed instance at once; the default budget (at least 3
  // retries in flight) would rightly refuse a fourth. The budget's own rules have unit tests.
  const client = await ServiceClient.start({ registry, retry: { budget: { minRetryConcurrency: 5 } } });
  const ejected: string[] = [];
  client.outliers?.onEject((e) => ejected.push(e.instance));
  let retries = 0;
  client.retrier.onRetry(() => retries++);
  try {
    const statuses: number[] = [];
    let done = 0;
    let killing: Promise<void> | undefined;
    const worker = async () => {
      while (done < 100) {
        done++;
        if (done === 20) killing = dead?.kill();
        const res = await client.request('killed', '/stock');
        statuses.push(res.status);
        await res.body.text();
      }
    };
    await Promise.all([worker(), worker(), worker(), worker(), worker()]);
    await killing;
    assert.equal(statuses.length, 100);
    assert.deepEqual(
      statuses.filter((s) => s !== 200),
      [],
    );
    assert.ok(retries > 0, 'the killed instance was tried and the call retried');
    assert.deepEqual(ejected, ['killed-0']);
    assert.equal(client.outliers?.isEjected('killed-0'), true);
    // Still UP in the registry (it was killed, not deregistered), yet no longer tried.
    const before = retries;
    for (let i = 0; i < 6; i++) await (await client.request('killed', '/stock')).body.text();
    assert.equal(retries, before);
    assert.ok((alive[0]?.requests.length ?? 0) > 0 && (alive[1]?.requests.length ?? 0) > 0);
  } finally {
    await client.close();
  }
});

test('a POST is never retried, on an error or on a 5xx; a GET is never retried on the instance that failed', async () => {
  const fiveHundreds = await Promise.all(
    [0, 1].map((i) =>
      upstream('flaky', `flaky-${i}`, (_req, res) => {
        res.statusCode = 503;
        res.end('busy');
      }),
    ),
  );
  const gone = await upstream('gone', 'gone-0');
  const live = await upstream('gone', 'gone-1');
  await gone.kill();
  const client = await ServiceClient.start({ registry });
  const total = () => fiveHundreds.reduce((n, u) => n + u.requests.length, 0);
  try {
    const post = await client.request('flaky', '/orders', { method: 'POST', body: '{"id":1}' });
    assert.equal(post.status, 503);
    await post.body.text();
    assert.equal(total(), 1, 'one POST reached the upstream');

    const get = await client.request('flaky', '/orders/1');
    assert.equal(get.status, 503, 'the last answer when every instance failed');
    await get.body.text();
    assert.equal(total(), 3, 'the GET tried each of the two instances once, not the same one again');
    for (const u of fiveHundreds) assert.equal(u.requests.filter((m) => m === 'GET').length, 1, u.id);

    // gone-0 comes first in the round robin; its port is closed.
    await assert.rejects(
      client.request('gone', '/orders', { method: 'POST', body: '{}' }),
      (e: unknown) => (e as { code?: string }).code === 'ECONNREFUSED',
    );
    assert.deepEqual(live.requests, [], 'the POST was not sent again to the live instance');
  } finally {
    await client.close();
  }
});

test('a slow upstream opens the breaker; then 503 at once without reaching it, until half-open trials succeed', async () => {
  let slow = true;
  const waiting: ServerResponse[] = [];
  const u = await upstream('slow', 'slow-0', (_req, res) => {
    if (slow) waiting.push(res);
    else res.end('fast');
  });
  const clock = new ManualClock();
  const client = await ServiceClient.start({
    registry,
    clock,
    breaker: {
      slidingWindowSize: 4,
      slowCallDurationThresholdMs: 50,
      slowCallRateThreshold: 100,
      waitDurationInOpenStateMs: 10_000,
      permittedNumberOfCallsInHalfOpenState: 2,
    },
  });
  const transitions: StateTransition[] = [];
  client.onBreaker((b) => b.onStateTransition((t) => transitions.push(t)));
  try {
    for (let i = 0; i < 4; i++) {
      const call = client.request('slow', '/inventory');
      await eventually('the upstream holds the call', 5_000, async () =>
        waiting.length === 1 ? true : undefined,
      );
      await clock.advance(100); // the call takes 100 ms by the breaker's clock: slow
      waiting.shift()?.end('late');
      const res = await call;
      assert.equal(res.status, 200);
      assert.equal(await res.body.text(), 'late');
    }
    assert.equal(client.breaker('slow').state, 'OPEN');
    assert.deepEqual(transitions, [
      { breaker: 'SLOW', from: 'CLOSED', to: 'OPEN', reason: 'slow-call-rate' },
    ]);

    slow = false;
    for (let i = 0; i < 5; i++)
      await assert.rejects(
        client.request('slow', '/inventory'),
        (e: unknown) => e instanceof CallNotPermittedError && isSluiceError(e) && e.httpStatus === 503,
      );
    assert.equal(u.requests.length, 4, 'rejected calls never reached the upstream');
    assert.equal(client.breaker('slow').metrics().notPermittedCalls, 5);

    await clock.advance(10_000);
    for (let i = 0; i < 2; i++) {
      const res = await client.request('slow', '/inventory');
      assert.equal(await res.body.text(), 'fast');
    }
    assert.equal(client.breaker('slow').state, 'CLOSED');
    assert.deepEqual(
      transitions.map((t) => `${t.from}>${t.to}`),
      ['CLOSED>OPEN', 'OPEN>HALF_OPEN', 'HALF_OPEN>CLOSED'],
    );
    const after = await client.request('slow', '/inventory');
    assert.equal(after.status, 200);
    await after.body.text();
  } finally {
    await client.close();
  }
});

test('5xx answers count as breaker failures: the breaker opens and calls stop reaching the upstream', async () => {
  const u = await upstream('failing', 'failing-0', (_req, res) => {
    res.statusCode = 500;
    res.end('boom');
  });
  const client = await ServiceClient.start({ registry, breaker: { slidingWindowSize: 2 }, outlier: false });
  try {
    for (let i = 0; i < 2; i++) {
      const res = await client.request('failing', '/x');
      assert.equal(res.status, 500, 'the answer itself is passed on');
      await res.body.text();
    }
    assert.equal(client.breaker('failing').state, 'OPEN');
    await assert.rejects(client.request('failing', '/x'), CallNotPermittedError);
    assert.equal(u.requests.length, 2);
  } finally {
    await client.close();
  }
});

test('an instance that does not answer within the response timeout is left for the next one (GET)', async () => {
  const held: ServerResponse[] = [];
  await upstream('hang', 'hang-0', (_req, res) => held.push(res));
  await upstream('hang', 'hang-1');
  const client = await ServiceClient.start({ registry, timeouts: { responseTimeoutMs: 300 } });
  const reasons: string[] = [];
  client.retrier.onRetry((e) => reasons.push(`${e.reason} ${e.failedInstance}>${e.nextInstance}`));
  try {
    const res = await client.request('hang', '/slow'); // hang-0 first in the round robin
    assert.equal(await res.body.text(), 'hang-1');
    assert.deepEqual(reasons, ['timeout hang-0>hang-1']);
    assert.equal(held.length, 1);
  } finally {
    for (const res of held) res.end();
    await client.close();
  }
});
