// Every non-resilience filter, applied to an outgoing request or a response's headers.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDefinition } from '../../../src/gateway/definition-args.js';
import type { HeaderBag, OutgoingRequest } from '../../../src/gateway/filters.js';
import { FILTERS, SECURE_HEADERS } from '../../../src/gateway/index.js';

function filter(def: string | { name: string; args?: Record<string, unknown> }) {
  const name = typeof def === 'string' ? (def.split('=')[0] as string) : def.name;
  const factory = FILTERS[name];
  assert.ok(factory, name);
  return factory.make(parseDefinition(def, factory.spec).args);
}

function run(
  def: string | { name: string; args?: Record<string, unknown> },
  path: string,
  captures = {},
  headers: HeaderBag = {},
) {
  const out: OutgoingRequest = { path, query: '', headers: { ...headers } };
  filter(def).request?.(out, captures);
  return out;
}

describe('filters', () => {
  it('StripPrefix drops leading segments, keeping a trailing slash', () => {
    assert.equal(run('StripPrefix=1', '/api/orders/1').path, '/orders/1');
    assert.equal(run('StripPrefix=2', '/api/v1/orders/').path, '/orders/');
    assert.equal(run('StripPrefix=3', '/api/v1').path, '/');
    assert.equal(run({ name: 'StripPrefix', args: { parts: 0 } }, '/a').path, '/a');
  });

  it('PrefixPath', () => {
    assert.equal(run('PrefixPath=/mypath', '/hello').path, '/mypath/hello');
  });

  it("RewritePath with Java named groups and Spring's $\\{name}", () => {
    assert.equal(run('RewritePath=/red/?(?<segment>.*), /$\\{segment}', '/red/blue').path, '/blue');
    assert.equal(
      run(
        { name: 'RewritePath', args: { regexp: '/api/(?<rest>.*)', replacement: '/v2/$' + '{rest}' } },
        '/api/x/y',
      ).path,
      '/v2/x/y',
    );
  });

  it('SetPath expands captures of the Path predicate', () => {
    assert.equal(run('SetPath=/{segment}', '/red/blue', { segment: 'blue' }).path, '/blue');
  });

  it('Add, Set and Remove request headers', () => {
    assert.deepEqual(run('AddRequestHeader=X-Tag, a-{id}', '/', { id: '7' }, { 'x-tag': 'z' }).headers, {
      'x-tag': ['z', 'a-7'],
    });
    assert.deepEqual(run('SetRequestHeader=X-Tag, b', '/', {}, { 'x-tag': ['z', 'y'] }).headers, {
      'x-tag': 'b',
    });
    assert.deepEqual(run('RemoveRequestHeader=X-Tag', '/', {}, { 'x-tag': 'z', other: '1' }).headers, {
      other: '1',
    });
  });

  it('Add, Set and Remove response headers', () => {
    const bag: HeaderBag = { 'x-a': '1', server: 'upstream' };
    filter('AddResponseHeader=X-A, 2').response?.(bag, {});
    filter('SetResponseHeader=X-B, 3').response?.(bag, {});
    filter('RemoveResponseHeader=Server').response?.(bag, {});
    assert.deepEqual(bag, { 'x-a': ['1', '2'], 'x-b': '3' });
  });

  it('RequestSize takes sizes in bytes or with units (default 5MB)', () => {
    assert.equal(filter('RequestSize=5000000').maxBodyBytes, 5_000_000);
    assert.equal(filter('RequestSize=2KB').maxBodyBytes, 2048);
    assert.equal(filter('RequestSize').maxBodyBytes, 5 * 1024 * 1024);
    assert.throws(() => filter('RequestSize=lots'), /not a size/);
  });

  it("SecureHeaders adds Spring's defaults unless present or disabled", () => {
    const bag: HeaderBag = { 'x-frame-options': 'SAMEORIGIN' };
    filter({ name: 'SecureHeaders', args: { disable: ['strict-transport-security'] } }).response?.(bag, {});
    assert.equal(bag['x-frame-options'], 'SAMEORIGIN');
    assert.equal(bag['strict-transport-security'], undefined);
    assert.equal(bag['x-content-type-options'], SECURE_HEADERS['x-content-type-options']);
    assert.equal(bag['referrer-policy'], 'no-referrer');
    assert.throws(() => filter('SecureHeaders=x-bogus'), /not one of SecureHeaders' headers/);
  });

  it('refuses bad arguments', () => {
    assert.throws(() => filter('RewritePath=/(?<a>.*), /$' + '{b}'), /names group 'b'/);
    assert.throws(() => filter('AddRequestHeader=Bad Name, 1'), /not a valid header name/);
    assert.throws(() => filter('PrefixPath=nope'), /must start with '\/'/);
    assert.throws(() => filter('StripPrefix=-1'), /integer >= 0/);
  });
});
