// The gateway's metrics, admin JSON and access log after real requests: a 200, a 404, a retried
// 500, a 503 from an open breaker, 429s from the rate limiter.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { DEFAULT_GATEWAY_CONFIG, type RunningGateway, startGateway } from '../../../src/gateway/index.js';
import { eventually } from '../../helpers/waiting.js';
import { startUpstream, type Upstream } from './upstream.js';

describe('gateway observability', () => {
  let plain: Upstream;
  let failing: Upstream;
  let gateway: RunningGateway;
  const lines: Array<Record<string, unknown>> = [];

  before(async () => {
    plain = await startUpstream('plain');
    failing = await startUpstream('failing', (_req, res) => {
      res.writeHead(500).end('broken');
      return true;
    });
    gateway = await startGateway({
      config: {
        ...DEFAULT_GATEWAY_CONFIG,
        port: 0,
        adminPort: 0,
        routes: [
          { id: 'plain', uri: plain.url, predicates: ['Path=/plain/**'] },
          {
            id: 'retried',
            uri: failing.url,
            predicates: ['Path=/retried/**'],
            filters: [{ name: 'Retry', args: { retries: 1 } }],
          },
          {
            id: 'broken',
            uri: failing.url,
            predicates: ['Path=/broken/**'],
            filters: [
              {
                name: 'CircuitBreaker',
                args: {
                  name: 'brokencb',
                  statusCodes: 'INTERNAL_SERVER_ERROR',
                  slidingWindowSize: 2,
                  minimumNumberOfCalls: 2,
                  waitDurationInOpenState: '10m',
                },
              },
            ],
          },
          {
            id: 'limited',
            uri: plain.url,
            predicates: ['Path=/limited/**'],
            filters: [
              {
                name: 'RequestRateLimiter',
                args: { 'redis-rate-limiter.replenishRate': 1, 'redis-rate-limiter.burstCapacity': 1 },
              },
            ],
          },
        ],
      },
      logger: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }),
    });
  });

  after(async () => {
    await gateway.close();
    await plain.close();
    await failing.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${gateway.url}${path}`, { headers }).then(async (r) => ({
      status: r.status,
      body: await r.text(),
    }));
  const admin = (path: string) => fetch(`${gateway.adminUrl}${path}`);
  const values = async (name: string) => (await gateway.metrics.getSingleMetric(name)?.get())?.values ?? [];
  const sample = async (name: string, labels: Record<string, string>) =>
    (await values(name)).find((v) =>
      Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l),
    )?.value;

  it('counts answers, retries and rejections under the labels the alert rules use', async () => {
    assert.equal((await get('/plain/a')).status, 200);
    assert.equal((await get('/nowhere')).status, 404);
    assert.equal((await get('/retried/x')).status, 500);
    assert.equal((await get('/broken/1')).status, 500);
    assert.equal((await get('/broken/2')).status, 500);
    const rejected = await get('/broken/3');
    assert.equal(rejected.status, 503);
    assert.match(rejected.body, /circuit breaker 'brokencb'/);
    // The bucket holds one token and refills one a second: of three at once, at least one is refused.
    const limited = await Promise.all([get('/limited/1'), get('/limited/2'), get('/limited/3')]);
    const refused = limited.filter((r) => r.status === 429).length;
    assert.ok(refused >= 1, `statuses ${limited.map((r) => r.status)}`);

    await eventually('all 9 requests counted', 5000, async () => {
      const all = (await values('sluice_gateway_requests_total')).reduce((n, v) => n + v.value, 0);
      return all === 9 ? true : undefined;
    });
    const requests = 'sluice_gateway_requests_total';
    assert.equal(await sample(requests, { route: 'plain', code: '200', method: 'GET' }), 1);
    assert.equal(await sample(requests, { route: '', code: '404', method: 'GET' }), 1);
    assert.equal(await sample(requests, { route: 'broken', code: '500' }), 2);
    assert.equal(await sample(requests, { route: 'broken', code: '503' }), 1);
    assert.equal(await sample(requests, { route: 'limited', code: '429' }), refused);
    assert.equal(await sample('sluice_gateway_retries_total', { route: 'retried' }), 1);
    const rejections = 'sluice_gateway_rejections_total';
    assert.equal(await sample(rejections, { route: 'broken', reason: 'breaker_open' }), 1);
    assert.equal(await sample(rejections, { route: 'limited', reason: 'rate_limited' }), refused);
    const durations = await values('sluice_gateway_request_duration_seconds');
    const plainCount = durations.find(
      (v) =>
        (v as { metricName?: string }).metricName === 'sluice_gateway_request_duration_seconds_count' &&
        v.labels.route === 'plain',
    );
    assert.equal(plainCount?.value, 1, 'one duration observed for plain');
    assert.equal(await sample('sluice_circuit_breaker_state', { name: 'brokencb', state: 'open' }), 1);
    assert.equal(await sample('sluice_circuit_breaker_state', { name: 'brokencb', state: 'closed' }), 0);

    const scrape = await admin('/metrics');
    assert.equal(scrape.status, 200);
    const text = await scrape.text();
    assert.match(text, /sluice_gateway_requests_total\{route="plain",code="200",method="GET"\} 1/);
    assert.match(text, /sluice_circuit_breaker_state\{name="brokencb",state="open"\} 1/);
  });

  it('writes one access-log line per request with route, upstream, status, bytes and ids', async () => {
    const answer = await fetch(`${gateway.url}/plain/logged?q=1`, {
      headers: { 'x-request-id': 'req-123', traceparent: `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01` },
    });
    const body = await answer.text();
    const line = await eventually('the access line', 5000, async () =>
      lines.find((l) => l.requestId === 'req-123'),
    );
    assert.equal(line.msg, 'gateway access');
    assert.equal(line.level, 30);
    assert.equal(line.route, 'plain');
    assert.equal(line.upstream, plain.url);
    assert.equal(line.method, 'GET');
    assert.equal(line.path, '/plain/logged?q=1');
    assert.equal(line.status, 200);
    assert.equal(line.bytesOut, Buffer.byteLength(body));
    assert.equal(line.traceId, 'ab'.repeat(16));
    assert.equal(typeof line.durationMs, 'number');
  });

  it('shows the route table, the upstreams and the breakers as JSON', async () => {
    const routes = (await (await admin('/api/gateway/routes')).json()) as Array<Record<string, unknown>>;
    assert.deepEqual(
      routes.map((r) => r.id),
      ['plain', 'retried', 'broken', 'limited'],
    );
    const retried = routes.find((r) => r.id === 'retried');
    assert.deepEqual(retried, {
      id: 'retried',
      uri: failing.url,
      order: 0,
      predicates: ['Path=/retried/**'],
      filters: [{ name: 'Retry', args: { retries: 1 } }],
      metadata: {},
    });
    assert.deepEqual(await (await admin('/api/gateway/upstreams')).json(), []);
    const breakers = (await (await admin('/api/gateway/breakers')).json()) as Array<Record<string, unknown>>;
    assert.equal(breakers.length, 1);
    assert.equal(breakers[0]?.route, 'broken');
    assert.equal(breakers[0]?.name, 'brokencb');
    assert.equal(breakers[0]?.state, 'OPEN');
    assert.equal(typeof breakers[0]?.failureRate, 'number');
    assert.equal(typeof breakers[0]?.bufferedCalls, 'number');
    const missing = await admin('/api/gateway/nothing');
    assert.equal(missing.status, 404);
    assert.equal((await fetch(`${gateway.adminUrl}/metrics`, { method: 'POST' })).status, 405);
  });
});
