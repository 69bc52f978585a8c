// Batches that come while a request is in flight go together in the next one, in order, within a
// size bound; a failed request fails each batch it carried.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RecordToProduce } from '../../../src/client/index.js';
import { CoalescingSender } from '../../../src/pipeline/runtime/coalescing-sender.js';

const record = (topic: string, bytes = 10): RecordToProduce => ({ topic, value: Buffer.alloc(bytes) });

function harness(maxBytes?: number) {
  const requests: string[][] = [];
  const pending: PromiseWithResolvers<void>[] = [];
  const sender = new CoalescingSender((records) => {
    requests.push(records.map((r) => r.topic));
    const p = Promise.withResolvers<void>();
    pending.push(p);
    return p.promise;
  }, maxBytes);
  return { sender, requests, pending };
}

test('batches that come while a request is in flight go together, in order, in the next request', async () => {
  const h = harness();
  const a = h.sender.send([record('a')]);
  const b = h.sender.send([record('b1'), record('b2')]);
  const c = h.sender.send([record('c')]);
  assert.deepEqual(h.requests, [['a']], 'one request in flight');
  h.pending[0].resolve();
  await a;
  assert.deepEqual(h.requests, [['a'], ['b1', 'b2', 'c']]);
  h.pending[1].resolve();
  await Promise.all([b, c]);
});

test('a request carries batches only up to the size bound, but always at least one', async () => {
  const h = harness(120);
  const sends = [h.sender.send([record('first')]), h.sender.send([record('big', 500)])];
  sends.push(
    h.sender.send([record('x', 40)]),
    h.sender.send([record('y', 40)]),
    h.sender.send([record('z', 40)]),
  );
  h.pending[0].resolve();
  await sends[0];
  assert.deepEqual(h.requests[1], ['big'], 'a batch over the bound goes alone');
  h.pending[1].resolve();
  await sends[1];
  assert.deepEqual(h.requests[2], ['x', 'y'], 'two of 56 estimated bytes each fit in 120, the third waits');
  h.pending[2].resolve();
  await sends[3];
  assert.deepEqual(h.requests[3], ['z']);
  h.pending[3].resolve();
  await Promise.all(sends);
});

test('a failed request fails every batch it carried and the next request still goes', async () => {
  const h = harness();
  const a = h.sender.send([record('a')]);
  const b = h.sender.send([record('b')]);
  const c = h.sender.send([record('c')]);
  h.pending[0].resolve();
  await a;
  h.pending[1].reject(new Error('NOT_LEADER'));
  await assert.rejects(b, /NOT_LEADER/);
  await assert.rejects(c, /NOT_LEADER/);
  const d = h.sender.send([record('d')]);
  assert.deepEqual(h.requests.at(-1), ['d']);
  h.pending[2].resolve();
  await d;
});
