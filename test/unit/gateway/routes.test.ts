// Route definitions: ordering, matching, Weight groups, and every problem named by route and field.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileRoutes, RouteConfigError, type RouteInput } from '../../../src/gateway/index.js';
import { view } from './view.js';

const defaults = { connectTimeoutMs: 1000, responseTimeoutMs: 2000 };

function problems(routes: RouteInput[]): string[] {
  try {
    compileRoutes(routes, defaults);
  } catch (error) {
    assert.ok(error instanceof RouteConfigError);
    assert.equal(error.code, 'INVALID_CONFIG');
    return error.problems.map((p) => `${p.key} ${p.routeId}: ${p.message}`);
  }
  assert.fail('expected a RouteConfigError');
}

describe('route definitions', () => {
  it('the lowest order wins, then the order of the file', () => {
    const table = compileRoutes(
      [
        { id: 'catch-all', uri: 'http://127.0.0.1:1', predicates: ['Path=/**'], order: 10 },
        { id: 'orders', uri: 'lb://orders-service', predicates: ['Path=/orders/**'] },
        { id: 'orders-too', uri: 'http://127.0.0.1:2', predicates: ['Path=/orders/**'] },
      ],
      defaults,
    );
    assert.equal(table.match(view({ path: '/orders/1' }))?.route.id, 'orders');
    assert.equal(table.match(view({ path: '/x' }))?.route.id, 'catch-all');
    assert.deepEqual(table.match(view({ path: '/orders/1' }))?.route.target, {
      kind: 'lb',
      service: 'ORDERS-SERVICE',
    });
    assert.ok(table.usesLoadBalancer);
  });

  it('per-route timeouts come from metadata, as in Spring', () => {
    const table = compileRoutes(
      [{ id: 'r', uri: 'http://h:1', metadata: { 'connect-timeout': 50, 'response-timeout': '70' } }],
      defaults,
    );
    assert.equal(table.routes[0]?.connectTimeoutMs, 50);
    assert.equal(table.routes[0]?.responseTimeoutMs, 70);
  });

  it('Weight draws one route per group by weight', () => {
    const table = compileRoutes(
      [
        { id: 'high', uri: 'http://h:1', predicates: ['Weight=g, 8'] },
        { id: 'low', uri: 'http://h:2', predicates: ['Weight=g, 2'] },
      ],
      defaults,
    );
    const pick = (r: number) => table.match(view({ weightChoice: table.weightChooser(() => r) }))?.route.id;
    assert.equal(pick(0), 'high');
    assert.equal(pick(0.79), 'high');
    assert.equal(pick(0.8), 'low');
    assert.equal(pick(0.99), 'low');
  });

  it('names the route and field of every problem', () => {
    const found = problems([
      { id: 'ok', uri: 'http://h:1' },
      { id: 'bad-uri', uri: 'ftp://h/x' },
      { id: 'bad-pred', uri: 'http://h:1', predicates: ['Path=/a', 'Bogus=1'] },
      { id: 'bad-filter', uri: 'http://h:1', filters: ['StripPrefix=1', 'RewritePath=(, /x'] },
      { id: 'ok', uri: 'http://h:2' },
      { id: 'retry', uri: 'http://h:1', filters: ['StripPrefix=1', 'Retry=eleven'] },
      { id: 'timeouts', uri: 'http://h:1', metadata: { 'response-timeout': 'soon' } },
    ]);
    assert.deepEqual(
      found.map((f) => f.split(':')[0]),
      [
        'gateway.routes[1].uri bad-uri',
        'gateway.routes[2].predicates[1] bad-pred',
        'gateway.routes[3].filters[1] bad-filter',
        'gateway.routes[4].id ok',
        'gateway.routes[5].filters[1] retry',
        'gateway.routes[6].metadata.response-timeout timeouts',
      ],
    );
    assert.match(found[1] as string, /unknown predicate 'Bogus'/);
    assert.match(found[2] as string, /invalid regular expression/);
    assert.match(
      found[4] as string,
      /Retry: argument 'retries' must be an integer in \[0, 10\], got 'eleven'/,
    );
  });

  it('invalid resilience filter arguments are refused at load, naming the filter', () => {
    const found = problems([
      { id: 'a', uri: 'http://h:1', filters: [{ name: 'CircuitBreaker', args: { fallbackUri: '/x' } }] },
      { id: 'b', uri: 'http://h:1', filters: ['RequestRateLimiter'] },
      {
        id: 'c',
        uri: 'http://h:1',
        filters: ['StripPrefix=1', { name: 'Retry', args: { methods: 'GET,POST' } }],
      },
      { id: 'd', uri: 'http://h:1', filters: ['Retry=1', 'Retry=2'] },
    ]);
    assert.equal(found.length, 4);
    assert.match(found[3] as string, /^gateway\.routes\[3\]\.filters\[1\] d: Retry is already on this route/);
    assert.match(
      found[0] as string,
      /^gateway\.routes\[0\]\.filters\[0\] a: CircuitBreaker: argument 'fallbackUri' must be forward:\/path/,
    );
    assert.match(
      found[1] as string,
      /^gateway\.routes\[1\]\.filters\[0\] b: RequestRateLimiter: argument 'redis-rate-limiter\.replenishRate' is required/,
    );
    assert.match(found[2] as string, /^gateway\.routes\[2\]\.filters\[1\] c: Retry: POST is not idempotent/);
  });
});
