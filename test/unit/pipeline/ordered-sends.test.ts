// Several batches of a partition in flight: settled in order, never committed past one that was
// not written, and sent again behind a send that had to be retried, so per-key order recovers.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OrderedSends } from '../../../src/pipeline/runtime/ordered-sends.js';

/** acked: written at once; failed: an attempt failed (reported), written later; stopped: never written. */
type Outcome = 'acked' | 'failed' | 'stopped';

/** Sends that finish when the test says so. */
function harness(depth: number) {
  const sent: string[] = [];
  const pending = new Map<string, { resolve: (written: boolean) => void; failed: () => void }>();
  const settled: [string, boolean][] = [];
  const sends = new OrderedSends<string>({
    depth,
    send(batch, failed) {
      const attempt = `${batch}#${sent.filter((s) => s.startsWith(`${batch}#`)).length + 1}`;
      sent.push(attempt);
      return new Promise<boolean>((resolve) => pending.set(attempt, { resolve, failed }));
    },
    settled: (batch, acked) => settled.push([batch, acked]),
  });
  /** An attempt's first try failed: the sender says so at once, and is still trying. */
  const fail = (attempt: string) => {
    const send = pending.get(attempt);
    assert.ok(send, `${attempt} was not sent (sent: ${sent.join(', ')})`);
    send.failed();
  };
  const finish = (attempt: string, outcome: Outcome) => {
    const send = pending.get(attempt);
    assert.ok(send, `${attempt} was not sent (sent: ${sent.join(', ')})`);
    pending.delete(attempt);
    if (outcome === 'failed') send.failed();
    send.resolve(outcome !== 'stopped');
  };
  return { sends, sent, settled, fail, finish };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

test('batches settle in the order they were sent even when later ones are acknowledged first', async () => {
  const h = harness(3);
  for (const b of ['a', 'b', 'c']) assert.equal(await h.sends.push(b), true);
  assert.deepEqual(h.sent, ['a#1', 'b#1', 'c#1']);
  h.finish('c#1', 'acked');
  h.finish('b#1', 'acked');
  await turn();
  assert.deepEqual(h.settled, [], 'nothing settles before the first batch');
  h.finish('a#1', 'acked');
  assert.equal(await h.sends.flush(), true);
  assert.deepEqual(h.settled, [
    ['a', true],
    ['b', true],
    ['c', true],
  ]);
});

test('no more than depth batches are in flight', async () => {
  const h = harness(2);
  await h.sends.push('a');
  await h.sends.push('b');
  let third = false;
  const pushed = h.sends.push('c').then((ok) => {
    third = ok;
  });
  await turn();
  assert.equal(third, false);
  assert.deepEqual(h.sent, ['a#1', 'b#1']);
  h.finish('a#1', 'acked');
  await pushed;
  assert.equal(third, true);
  assert.deepEqual(h.sent, ['a#1', 'b#1', 'c#1']);
  h.finish('b#1', 'acked');
  h.finish('c#1', 'acked');
  assert.equal(await h.sends.flush(), true);
});

test('after a batch that was not written nothing settles as acknowledged and nothing more is sent', async () => {
  const h = harness(3);
  await h.sends.push('a');
  await h.sends.push('b');
  h.finish('b#1', 'acked');
  h.finish('a#1', 'stopped');
  assert.equal(await h.sends.flush(), false);
  assert.deepEqual(h.settled, [
    ['a', false],
    ['b', false],
  ]);
  assert.equal(await h.sends.push('c'), false);
  assert.deepEqual(h.sent, ['a#1', 'b#1']);
});

test('bug: a retried send lands after later batches, so they are sent again behind it before anything new', async () => {
  const h = harness(3);
  await h.sends.push('a');
  await h.sends.push('b');
  h.finish('b#1', 'acked'); // b written while a was being retried
  h.finish('a#1', 'failed');
  let cSent = false;
  const c = h.sends.push('c').then(() => {
    cSent = true;
  });
  await turn();
  assert.deepEqual(h.sent, ['a#1', 'b#1', 'b#2'], 'b goes again after a');
  assert.equal(cSent, false, 'c waits until b is written again');
  h.finish('b#2', 'acked');
  await c;
  assert.deepEqual(h.sent, ['a#1', 'b#1', 'b#2', 'c#1']);
  h.finish('c#1', 'acked');
  assert.equal(await h.sends.flush(), true);
  assert.deepEqual(h.settled, [
    ['a', true],
    ['b', true],
    ['c', true],
  ]);
});

test('no batch is issued while an earlier one is being retried', async () => {
  const h = harness(3);
  await h.sends.push('a');
  h.fail('a#1'); // the first attempt failed; the sender keeps trying
  let bSent = false;
  const b = h.sends.push('b').then(() => {
    bSent = true;
  });
  await turn();
  assert.equal(bSent, false, 'b would be written before a');
  h.finish('a#1', 'acked');
  await b;
  assert.deepEqual(h.sent, ['a#1', 'b#1'], 'b was not in flight when a failed: it goes once');
  h.finish('b#1', 'acked');
  assert.equal(await h.sends.flush(), true);
});
