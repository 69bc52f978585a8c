// Every route predicate, in both of Spring's forms where they differ.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDefinition } from '../../../src/gateway/definition-args.js';
import { PREDICATES } from '../../../src/gateway/index.js';
import type { Captures } from '../../../src/gateway/predicates.js';
import { view } from './view.js';

function predicate(
  def: string | { name: string; args?: Record<string, unknown> },
  weights: Array<[string, number]> = [],
) {
  const name = typeof def === 'string' ? (def.split('=')[0] as string) : def.name;
  const factory = PREDICATES[name];
  assert.ok(factory, name);
  const { args } = parseDefinition(def, factory.spec);
  return factory.make(args, { routeId: 'r1', addWeight: (g, w) => weights.push([g, w]) });
}

const holds = (p: ReturnType<typeof predicate>, v = view(), captures: Captures = {}) => p(v, captures);

describe('predicates', () => {
  it('Path: shortcut list and expanded form, with captures', () => {
    const p = predicate('Path=/orders/{id},/carts/**');
    const captures: Captures = {};
    assert.ok(holds(p, view({ path: '/orders/9' }), captures));
    assert.deepEqual(captures, { id: '9' });
    assert.ok(holds(p, view({ path: '/carts/1/x' })));
    assert.ok(!holds(p, view({ path: '/users/1' })));
    const expanded = predicate({ name: 'Path', args: { patterns: ['/a/**'], matchTrailingSlash: true } });
    assert.ok(holds(expanded, view({ path: '/a/b' })));
    const genkey = predicate({ name: 'Path', args: { _genkey_0: '/g/**' } });
    assert.ok(holds(genkey, view({ path: '/g/1' })));
  });

  it('Host', () => {
    const p = predicate('Host=**.somehost.org,{sub}.other.org');
    assert.ok(holds(p, view({ host: 'www.somehost.org' })));
    const captures: Captures = {};
    assert.ok(holds(p, view({ host: 'beta.other.org' }), captures));
    assert.deepEqual(captures, { sub: 'beta' });
    assert.ok(!holds(p, view({ host: 'example.com' })));
  });

  it('Method', () => {
    const p = predicate('Method=GET,post');
    assert.ok(holds(p, view({ method: 'POST' })));
    assert.ok(!holds(p, view({ method: 'DELETE' })));
  });

  it('Header: present, or any value matching the whole regex', () => {
    const p = predicate('Header=X-Request-Id, \\d+');
    assert.ok(holds(p, view({ headers: { 'x-request-id': '123' } })));
    assert.ok(!holds(p, view({ headers: { 'x-request-id': '123a' } })));
    assert.ok(!holds(p, view()));
    assert.ok(holds(predicate('Header=X-Any'), view({ headers: { 'x-any': '' } })));
  });

  it('Query', () => {
    const p = predicate('Query=color,gree.');
    assert.ok(holds(p, view({ query: new URLSearchParams('color=green') })));
    assert.ok(!holds(p, view({ query: new URLSearchParams('color=greenish') })));
    assert.ok(holds(predicate('Query=debug'), view({ query: new URLSearchParams('debug=') })));
    assert.ok(!holds(predicate('Query=debug'), view()));
  });

  it('Cookie', () => {
    const p = predicate('Cookie=chocolate, ch.p');
    assert.ok(holds(p, view({ cookie: 'a=1; chocolate=chip' })));
    assert.ok(!holds(p, view({ cookie: 'chocolate=chips' })));
    assert.ok(!holds(p, view()));
  });

  it('RemoteAddr: CIDR blocks and single addresses, IPv4 and IPv6', () => {
    const p = predicate('RemoteAddr=192.168.1.1/24,10.0.0.7,fd00::/8');
    assert.ok(holds(p, view({ remoteAddress: '192.168.1.200' })));
    assert.ok(holds(p, view({ remoteAddress: '10.0.0.7' })));
    assert.ok(holds(p, view({ remoteAddress: 'fd12::1' })));
    assert.ok(!holds(p, view({ remoteAddress: '192.168.2.1' })));
    assert.ok(!holds(p, view({ remoteAddress: '10.0.0.8' })));
  });

  it('After, Before, Between with Spring date-times', () => {
    const at = (iso: string) => view({ now: Date.parse(iso) });
    const after = predicate('After=2017-01-20T17:42:47.789-07:00[America/Denver]');
    assert.ok(holds(after, at('2017-01-21T01:00:00Z')));
    assert.ok(!holds(after, at('2017-01-21T00:30:00Z')));
    assert.ok(!holds(after, at('2017-01-20T00:00:00Z')));
    const before = predicate('Before=2017-01-20T17:42:47.789-07:00');
    assert.ok(holds(before, at('2017-01-20T00:00:00Z')));
    const between = predicate('Between=2017-01-20T17:42:47.789-07:00, 2017-01-21T17:42:47.789-07:00');
    assert.ok(holds(between, at('2017-01-21T12:00:00Z')));
    assert.ok(!holds(between, at('2017-01-23T12:00:00Z')));
  });

  it('Weight registers its group and holds when its route was drawn', () => {
    const weights: Array<[string, number]> = [];
    const p = predicate('Weight=group1, 8', weights);
    assert.deepEqual(weights, [['group1', 8]]);
    assert.ok(holds(p, view({ weightChoice: () => 'r1' })));
    assert.ok(!holds(p, view({ weightChoice: () => 'r2' })));
  });

  it('refuses bad arguments with what was wrong', () => {
    assert.throws(() => predicate('Header=X, ('), /invalid regular expression/);
    assert.throws(() => predicate('RemoteAddr=300.1.1.1'), /not an IP address/);
    assert.throws(() => predicate('RemoteAddr=10.0.0.0/33'), /prefix length/);
    assert.throws(() => predicate('After=yesterday'), /date-time/);
    assert.throws(() => predicate('Weight=g, -1'), /positive integer/);
    assert.throws(() => predicate({ name: 'Method', args: { verbs: 'GET' } }), /unknown argument 'verbs'/);
    assert.throws(() => predicate('Header'), /'header' is required/);
  });
});
