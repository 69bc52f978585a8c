import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppendNotifier } from '../../../src/broker/append-notifier.js';

test('an append after the mark wakes a wait that starts later', async () => {
  const appends = new AppendNotifier();
  const mark = appends.mark();
  appends.notify('t-0');
  let woke = false;
  await appends.wait(['t-0'], 60_000, mark).then(() => {
    woke = true;
  });
  assert.equal(woke, true);
});

test('appends before the mark or to other partitions do not wake a wait', async () => {
  const appends = new AppendNotifier();
  appends.notify('t-0');
  const mark = appends.mark();
  appends.notify('t-1');
  const controller = new AbortController();
  let woke = false;
  const waiting = appends.wait(['t-0'], 60_000, mark, controller.signal).then(() => {
    woke = true;
  });
  await Promise.resolve();
  assert.equal(woke, false);
  appends.notify('t-0');
  await waiting;
  assert.equal(woke, true);
});

test('a wait ends when its connection closes', async () => {
  const appends = new AppendNotifier();
  const controller = new AbortController();
  const waiting = appends.wait(['t-0'], 60_000, appends.mark(), controller.signal);
  controller.abort();
  await waiting;
});
