// CircuitBreaker and RequestRateLimiter against real upstreams: a slow upstream (it never answers
// until told to) opens the breaker, the gateway then answers 503 without touching it until the
// half-open trials succeed; a fallback route takes failed and rejected calls; the token bucket
// answers 429 with Spring's headers.

import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { DEFAULT_GATEWAY_CONFIG, type RunningGateway, startGateway } from '../../../src/gateway/index.js';
import { eventually } from '../../helpers/waiting.js';
import { startUpstream, type Upstream } from './upstream.js';

describe('CircuitBreaker and RequestRateLimiter', () => {
  let slow: Upstream;
  let failing: Upstream;
  let spare: Upstream;
  let plain: Upstream;
  let gateway: RunningGateway;
  let slowMode = true;
  let slowCalls = 0;
  const held: ServerResponse[] = [];

  before(async () => {
    slow = await startUpstream('slow', (_req, res) => {
      slowCalls++;
      if (!slowMode) return false;
      held.push(res);
      return true;
    });
    failing = await startUpstream('failing', (_req, res) => {
      res.writeHead(500).end('broken');
      return true;
    });
    spare = await startUpstream('spare');
    plain = await startUpstream('plain');
    gateway = await startGateway({
      config: {
        ...DEFAULT_GATEWAY_CONFIG,
        port: 0,
        routes: [
          {
            id: 'slow',
            uri: slow.url,
            predicates: ['Path=/slow/**'],
            metadata: { 'response-timeout': 100 },
            filters: [
              {
                name: 'CircuitBreaker',
                args: {
                  name: 'slowcb',
                  slidingWindowSize: 4,
                  minimumNumberOfCalls: 4,
                  waitDurationInOpenState: '300ms',
                  permittedNumberOfCallsInHalfOpenState: 2,
                },
              },
            ],
          },
          {
            id: 'failing',
            uri: failing.url,
            predicates: ['Path=/failing/**'],
            filters: [
              {
                name: 'CircuitBreaker',
                args: {
                  fallbackUri: 'forward:/fallback',
                  statusCodes: 'INTERNAL_SERVER_ERROR',
                  slidingWindowSize: 2,
                  minimumNumberOfCalls: 2,
                },
              },
            ],
          },
          { id: 'fallback', uri: spare.url, predicates: ['Path=/fallback'] },
          {
            id: 'limited',
            uri: plain.url,
            predicates: ['Path=/limited/**'],
            filters: [
              {
                name: 'RequestRateLimiter',
                args: {
                  'redis-rate-limiter.replenishRate': 1,
                  'redis-rate-limiter.burstCapacity': 6,
                  'redis-rate-limiter.requestedTokens': 3,
                  'key-resolver': 'header:X-Api-Key',
                },
              },
            ],
          },
        ],
      },
      logger: pino({ level: 'silent' }),
    });
  });

  after(async () => {
    for (const res of held) res.destroy();
    await gateway?.close();
    await Promise.all([slow, failing, spare, plain].map((u) => u?.close()));
  });

  const breakerOf = (routeId: string) => {
    const route = gateway.routes().routes.find((r) => r.id === routeId);
    const breaker = route?.filters.find((f) => f.breaker)?.breaker?.breaker;
    assert.ok(breaker);
    return breaker;
  };

  it('a slow upstream opens the breaker; then 503 at once until half-open trials succeed', async () => {
    for (let i = 0; i < 4; i++) {
      const r = await fetch(`${gateway.url}/slow/x`);
      assert.equal(r.status, 504);
      await r.arrayBuffer();
    }
    assert.equal(slowCalls, 4);
    assert.equal(breakerOf('slow').state, 'OPEN');
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${gateway.url}/slow/x`);
      assert.equal(r.status, 503);
      assert.match(((await r.json()) as { message: string }).message, /circuit breaker 'slowcb' .* is OPEN/);
    }
    assert.equal(slowCalls, 4, 'an open breaker does not touch the upstream');

    slowMode = false;
    let answered = 0;
    await eventually('the breaker closes again', 30_000, async () => {
      const r = await fetch(`${gateway.url}/slow/x`);
      await r.arrayBuffer();
      if (r.status === 200) answered++;
      else assert.equal(r.status, 503);
      return breakerOf('slow').state === 'CLOSED' ? true : undefined;
    });
    // Exactly the two half-open trials reached the upstream, and they closed the breaker.
    assert.equal(answered, 2);
    assert.equal(slowCalls, 6);
  });

  it('failed and rejected calls go to the fallback route (forward:/fallback)', async () => {
    const names: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${gateway.url}/failing/1`);
      assert.equal(r.status, 200);
      const body = (await r.json()) as { name: string; url: string };
      names.push(body.name);
      assert.equal(body.url, '/fallback');
    }
    assert.deepEqual(names, ['spare', 'spare', 'spare', 'spare', 'spare']);
    assert.equal(breakerOf('failing').state, 'OPEN');
    // Two failures opened it; the three calls after went straight to the fallback.
    assert.equal(spare.seen.length, 5);
  });

  it("429 with Spring's headers once a key's bucket is empty; other keys are not affected", async () => {
    const get = (key?: string) =>
      fetch(`${gateway.url}/limited/1`, { headers: key === undefined ? {} : { 'x-api-key': key } });
    const first = await get('alice');
    assert.equal(first.status, 200);
    await first.arrayBuffer();
    assert.equal(first.headers.get('x-ratelimit-remaining'), '3');
    assert.equal(first.headers.get('x-ratelimit-replenish-rate'), '1');
    assert.equal(first.headers.get('x-ratelimit-burst-capacity'), '6');
    assert.equal(first.headers.get('x-ratelimit-requested-tokens'), '3');
    const second = await get('alice');
    assert.equal(second.status, 200);
    await second.arrayBuffer();
    const denied = await get('alice');
    assert.equal(denied.status, 429);
    assert.equal(denied.headers.get('x-ratelimit-remaining'), '0');
    const retryAfter = Number(denied.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 3, `Retry-After ${retryAfter}`);
    assert.match(((await denied.json()) as { message: string }).message, /per header X-Api-Key/);
    assert.equal(plain.seen.length, 2, 'a denied request does not reach the upstream');
    const bob = await get('bob');
    assert.equal(bob.status, 200);
    await bob.arrayBuffer();
    const none = await get();
    assert.equal(none.status, 403);
    await none.arrayBuffer();
  });
});
