// Routing over topics with RabbitMQ's exchange semantics: direct, topic, headers and fanout, `when:`
// predicates, several targets deduplicated, and the unmatched policy.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { processMessage } from '../../../src/pipeline/index.js';
import { message, pipeline } from './fixtures.js';

async function topics(yaml: string, m: ReturnType<typeof message>) {
  const result = await processMessage(await pipeline(yaml), m);
  assert.equal(result.error, undefined, result.error?.reason);
  return result.outputs.map((o) => o.topic);
}

describe('direct exchange', () => {
  const yaml = (routingKey: string) => `
name: p
source: {topics: [in]}
routes:
  exchange: direct
  routingKey: ${routingKey}
  bindings:
    - {key: created, to: created}
    - {key: paid, to: [paid, audit]}
    - {key: created, to: audit}
unmatched: {to: other}
`;

  it('routes by a field of the value, to every binding with that key', async () => {
    const p = yaml('{field: event.type}');
    assert.deepEqual(await topics(p, message({ event: { type: 'created' } })), ['created', 'audit']);
    assert.deepEqual(await topics(p, message({ event: { type: 'paid' } })), ['paid', 'audit']);
    assert.deepEqual(await topics(p, message({ event: { type: 'Created' } })), ['other']);
  });

  it('routes by a header (its last value) or by the record key', async () => {
    const byHeader = yaml('{header: type}');
    const m = message(
      {},
      {
        headers: [
          ['type', 'created'],
          ['type', 'paid'],
        ],
      },
    );
    assert.deepEqual(await topics(byHeader, m), ['paid', 'audit']);
    assert.deepEqual(await topics(yaml('key'), message({}, { key: 'created' })), ['created', 'audit']);
  });

  it('a message without a routing key matches no binding', async () => {
    assert.deepEqual(await topics(yaml('key'), message({}, { key: null })), ['other']);
    assert.deepEqual(await topics(yaml('{header: type}'), message({})), ['other']);
    assert.deepEqual(await topics(yaml('{field: event.type}'), message({ event: { type: { x: 1 } } })), [
      'other',
    ]);
  });

  it('numbers and booleans in the field are their text', async () => {
    const p = `
name: p
source: {topics: [in]}
routes: {exchange: direct, routingKey: {field: n}, bindings: [{key: '7', to: seven}, {key: 'true', to: yes}]}
unmatched: drop
`;
    assert.deepEqual(await topics(p, message({ n: 7 })), ['seven']);
    assert.deepEqual(await topics(p, message({ n: true })), ['yes']);
  });

  it('a routing key from a field of a value that is not JSON is a route error', async () => {
    const result = await processMessage(
      await pipeline(yaml('{field: event.type}')),
      message(undefined, { raw: Buffer.from('nope') }),
    );
    assert.equal(result.error?.stage, 'route');
    assert.match(result.error?.reason ?? '', /routing key from field 'event.type': the value is not JSON/);
    assert.equal(result.error?.retriable, false);
  });
});

describe('topic exchange', () => {
  const p = `
name: p
source: {topics: [in]}
routes:
  exchange: topic
  routingKey: {header: rk}
  bindings:
    - {pattern: 'order.*.eu', to: eu}
    - {pattern: 'order.#', to: all-orders}
    - {pattern: '#', to: everything}
    - {pattern: '*.created.*', to: created}
unmatched: drop
`;
  const rk = (key: string) => message({}, { headers: [['rk', key]] });

  it('sends a message to every topic whose pattern matches, each once, in binding order', async () => {
    assert.deepEqual(await topics(p, rk('order.created.eu')), ['eu', 'all-orders', 'everything', 'created']);
    assert.deepEqual(await topics(p, rk('order')), ['all-orders', 'everything']);
    assert.deepEqual(await topics(p, rk('user.created.us')), ['everything', 'created']);
    assert.deepEqual(await topics(p, rk('')), ['everything']);
  });
});

describe('headers exchange', () => {
  const p = `
name: p
source: {topics: [in]}
routes:
  exchange: headers
  bindings:
    - {match: all, headers: {format: pdf, type: report}, to: pdf-reports}
    - {match: any, headers: {format: pdf, type: log}, to: pdf-or-log}
    - {headers: {x-tenant: acme, region: eu}, to: eu-any-tenant}
    - {match: all-with-x, headers: {x-tenant: acme, region: eu}, to: eu-acme}
    - {match: any, headers: {urgent: null}, to: urgent}
unmatched: {to: rest}
`;
  const h = (...pairs: [string, string][]) => message({}, { headers: pairs });

  it('all needs every header, any one of them', async () => {
    assert.deepEqual(await topics(p, h(['format', 'pdf'], ['type', 'report'])), [
      'pdf-reports',
      'pdf-or-log',
    ]);
    assert.deepEqual(await topics(p, h(['type', 'log'])), ['pdf-or-log']);
    assert.deepEqual(await topics(p, h(['format', 'zip'], ['type', 'report'])), ['rest']);
  });

  it('x- headers count only with -with-x; null matches any value of a present header', async () => {
    assert.deepEqual(await topics(p, h(['region', 'eu'])), ['eu-any-tenant']);
    assert.deepEqual(await topics(p, h(['region', 'eu'], ['x-tenant', 'acme'])), [
      'eu-any-tenant',
      'eu-acme',
    ]);
    assert.deepEqual(await topics(p, h(['region', 'eu'], ['x-tenant', 'other'])), ['eu-any-tenant']);
    assert.deepEqual(await topics(p, h(['urgent', ''])), ['urgent']);
  });
});

describe('fanout exchange and when: predicates', () => {
  const p = `
name: p
source: {topics: [in]}
routes:
  exchange: fanout
  bindings:
    - {to: [a, b]}
    - {to: big, when: 'amount > 100'}
    - {to: [b, eu], when: '$headers.region = "eu"'}
unmatched: drop
`;

  it('sends to every binding whose predicate holds, each topic once', async () => {
    assert.deepEqual(await topics(p, message({ amount: 5 })), ['a', 'b']);
    assert.deepEqual(await topics(p, message({ amount: 500 })), ['a', 'b', 'big']);
    assert.deepEqual(await topics(p, message({ amount: 500 }, { headers: [['region', 'eu']] })), [
      'a',
      'b',
      'big',
      'eu',
    ]);
  });

  it('nothing matched: dropped by explicit choice, counted as dropped', async () => {
    const only = await pipeline(`
name: p
source: {topics: [in]}
routes: {exchange: fanout, bindings: [{to: big, when: 'amount > 100'}]}
unmatched: drop
`);
    const result = await processMessage(only, message({ amount: 1 }));
    assert.deepEqual(result.outputs, []);
    assert.equal(result.unmatched, 'dropped');
  });

  it('a predicate that fails is a route error with the binding named', async () => {
    const bad = await pipeline(`
name: p
source: {topics: [in]}
routes: {exchange: fanout, bindings: [{to: x, when: '$number("abc") > 1'}]}
unmatched: drop
`);
    const result = await processMessage(bad, message({}));
    assert.equal(result.error?.stage, 'route');
    assert.match(result.error?.reason ?? '', /^binding 0 when: JSONata error D3030/);
  });
});
