import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { ApiVersions, Fetch } from '../../src/protocol/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { eventually } from '../helpers/waiting.js';
import { WireClient } from '../helpers/wire-client.js';

const MiB = 1024 * 1024;

function rawSocket(port: number): Promise<Socket & { gone: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('error', () => {});
    socket.once('connect', () => resolve(Object.assign(socket, { gone: closed })));
    socket.once('error', reject);
  });
}

/** Resolves when `closed` does; rejects after `ms` (a bound on the test, not a synchronisation). */
function closedWithin(closed: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} was not closed within ${ms} ms`)), ms);
  });
  return Promise.race([closed, timeout]).finally(() => clearTimeout(timer));
}

/** The start of a frame declaring `size` bytes, with `sent` of them. */
function partialFrame(size: number, sent: number): Buffer {
  const bytes = Buffer.alloc(4 + sent, 1);
  bytes.writeInt32BE(size, 0);
  return bytes;
}

async function closedFor(broker: TestBroker, reason: string): Promise<number> {
  const metric = await broker.metrics?.getSingleMetric('sluice_connections_closed_total')?.get();
  return metric?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

test('unfinished frames are held within queued.max.request.bytes and released on close', async (t) => {
  const broker = await startTestBroker({ maxRequestBytes: MiB, queuedMaxRequestBytes: 2 * MiB });
  t.after(() => broker.dispose());
  const sockets = await Promise.all(Array.from({ length: 6 }, () => rawSocket(broker.port)));
  t.after(() => {
    for (const s of sockets) s.destroy();
  });
  for (const s of sockets) s.write(partialFrame(MiB, 900 * 1024));

  // Two frames fit the budget; the other four connections wait for memory, not reading.
  await eventually('four connections waiting for request memory', 10_000, async () =>
    broker.network.blockedConnections().request_memory === 4 ? true : undefined,
  );
  assert.equal(broker.network.bufferedRequestBytes(), 2 * (MiB + 4));

  for (const s of sockets) s.destroy();
  await eventually('request memory released', 10_000, async () =>
    broker.network.bufferedRequestBytes() === 0 ? true : undefined,
  );
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  const versions = await client.request(ApiVersions, 3, {
    clientSoftwareName: 't',
    clientSoftwareVersion: '1',
  });
  assert.equal(versions.errorCode, 0);
});

test('a frame sent at a trickle is closed after the frame timeout (slowloris)', async (t) => {
  const broker = await startTestBroker({ requestFrameTimeoutMs: 300 });
  t.after(() => broker.dispose());
  const slow = await rawSocket(broker.port);
  t.after(() => slow.destroy());
  slow.write(partialFrame(1000, 0));
  // One byte every 50 ms: never idle, never complete.
  const drip = setInterval(() => slow.write(Buffer.from([1])), 50);
  t.after(() => clearInterval(drip));
  await closedWithin(slow.gone, 10_000, 'the slow connection');
  assert.equal(await closedFor(broker, 'frame_timeout'), 1);
});

test('connections waiting for request memory get it once slow frames time out', async (t) => {
  const broker = await startTestBroker({
    maxRequestBytes: MiB,
    queuedMaxRequestBytes: MiB,
    requestFrameTimeoutMs: 300,
  });
  t.after(() => broker.dispose());
  const sockets = await Promise.all(Array.from({ length: 3 }, () => rawSocket(broker.port)));
  t.after(() => {
    for (const s of sockets) s.destroy();
  });
  for (const s of sockets) s.write(partialFrame(MiB, 512 * 1024));
  // Each holds the whole budget in turn, never finishes its frame and is closed for it.
  for (const s of sockets) await closedWithin(s.gone, 10_000, 'a stalled frame');
  assert.equal(await closedFor(broker, 'frame_timeout'), 3);
  assert.equal(broker.network.bufferedRequestBytes(), 0);
});

test('bug: two unfinished large frames stopped every other client until the frame timeout', async (t) => {
  const broker = await startTestBroker({
    maxRequestBytes: 4 * MiB,
    queuedMaxRequestBytes: 4 * MiB,
    requestFrameTimeoutMs: 120_000,
  });
  t.after(() => broker.dispose());
  const hostile = await Promise.all([rawSocket(broker.port), rawSocket(broker.port)]);
  t.after(() => {
    for (const s of hostile) s.destroy();
  });
  for (const s of hostile) s.write(partialFrame(4 * MiB, 3 * MiB));
  await eventually('one huge frame admitted, the other waiting', 10_000, async () =>
    broker.network.blockedConnections().request_memory === 1 ? true : undefined,
  );
  // The pool is full of a frame that will not complete, yet an ordinary request is answered.
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());
  let timer: NodeJS.Timeout | undefined;
  const answered = await Promise.race([
    client.request(ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' }),
    new Promise<undefined>((r) => {
      timer = setTimeout(() => r(undefined), 10_000);
    }),
  ]).finally(() => clearTimeout(timer));
  assert.equal(answered?.errorCode, 0, 'ApiVersions was not answered while the huge frames were held');
});

test('idle connections are closed after connections.max.idle.ms', async (t) => {
  const broker = await startTestBroker({ connectionsMaxIdleMs: 300 });
  t.after(() => broker.dispose());
  await broker.core.logs.createTopic('quiet', 1, {});
  const silent = await rawSocket(broker.port);
  t.after(() => silent.destroy());
  const client = await WireClient.connect(broker.port);
  t.after(() => client.close());

  // A long poll outlasting the idle timeout is not idleness: it is answered.
  const polled = await client.request(Fetch, 12, {
    maxWaitMs: 1000,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic: 'quiet', partitions: [{ partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20 }] }],
  });
  assert.equal(polled.responses[0].partitions[0].errorCode, 0);

  await closedWithin(silent.gone, 10_000, 'a connection that never sent anything');
  await closedWithin(client.closed, 10_000, 'a connection idle after its requests');
  assert.equal(await closedFor(broker, 'idle'), 2);
});
