// Spring's PathPattern and host patterns, compiled to RE2.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileHostPattern, compilePathPattern } from '../../../src/gateway/index.js';

describe('path patterns', () => {
  it('matches literals, ? and * within one segment', () => {
    const p = compilePathPattern('/orders/a?c/*.json');
    assert.deepEqual(p.match('/orders/abc/x.json'), {});
    assert.equal(p.match('/orders/abbc/x.json'), undefined);
    assert.equal(p.match('/orders/abc/x/y.json'), undefined);
  });

  it('** matches zero or more segments at the end', () => {
    const p = compilePathPattern('/orders/**');
    for (const path of ['/orders', '/orders/', '/orders/1', '/orders/1/items/2'])
      assert.ok(p.match(path), path);
    assert.equal(p.match('/ordersx'), undefined);
    assert.equal(p.match('/other/orders'), undefined);
  });

  it('captures {name}, {name:regex} and {*rest}', () => {
    assert.deepEqual(compilePathPattern('/orders/{id}/items/{item}').match('/orders/42/items/7'), {
      id: '42',
      item: '7',
    });
    const digits = compilePathPattern('/orders/{id:[0-9]+}');
    assert.deepEqual(digits.match('/orders/42'), { id: '42' });
    assert.equal(digits.match('/orders/abc'), undefined);
    assert.deepEqual(compilePathPattern('/files/{*path}').match('/files/a/b.txt'), { path: '/a/b.txt' });
    assert.equal(compilePathPattern('/orders/{id}').match('/orders/1/2'), undefined);
  });

  it('a trailing slash matches only when asked', () => {
    assert.equal(compilePathPattern('/orders/{id}').match('/orders/1/'), undefined);
    assert.ok(compilePathPattern('/orders/{id}', true).match('/orders/1/'));
  });

  it('refuses ** before the end and bad capture names', () => {
    assert.throws(() => compilePathPattern('/a/**/b'), /only allowed as the last segment/);
    assert.throws(() => compilePathPattern('/a/{1x}'), /not a valid capture name/);
    assert.throws(() => compilePathPattern('a/b'), /must start with '\/'/);
    assert.throws(() => compilePathPattern('/a/{id:(}'), /invalid pattern/);
  });

  it('a catastrophic regex in a capture runs in linear time (RE2)', () => {
    const p = compilePathPattern('/x/{v:(a+)+b}');
    assert.equal(p.match(`/x/${'a'.repeat(50_000)}c`), undefined);
  });
});

describe('host patterns', () => {
  it('** matches any labels before, {sub} captures one, case does not matter', () => {
    const any = compileHostPattern('**.example.org');
    assert.ok(any.match('www.example.org'));
    assert.ok(any.match('a.b.example.org'));
    assert.ok(any.match('example.org'));
    assert.equal(any.match('example.com'), undefined);
    assert.deepEqual(compileHostPattern('{sub}.example.org').match('API.example.org'), { sub: 'API' });
    assert.equal(compileHostPattern('{sub}.example.org').match('a.b.example.org'), undefined);
  });
});
