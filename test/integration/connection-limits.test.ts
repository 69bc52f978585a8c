// max.connections and max.connections.per.ip (issue 11): a connection over a limit is closed as
// soon as it is accepted and counted; the port keeps serving, and a place freed by a close is
// taken by the next connection.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiVersions } from '../../src/protocol/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker-fixture.js';
import { eventually } from '../helpers/waiting.js';
import { WireClient } from '../helpers/wire-client.js';

async function metricValue(broker: TestBroker, name: string, reason?: string): Promise<number> {
  const metric = await broker.metrics?.getSingleMetric(name)?.get();
  return metric?.values.find((v) => reason === undefined || v.labels.reason === reason)?.value ?? 0;
}

/** Resolves once the broker counts `count` open connections. */
function openConnections(broker: TestBroker, count: number): Promise<true> {
  return eventually(`${count} open connections`, 10_000, async () =>
    (await metricValue(broker, 'sluice_connections')) === count ? true : undefined,
  );
}

/** Resolves when `closed` does; rejects after `ms` (a bound on the test, not a synchronisation). */
function closedWithin(closed: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} was not closed within ${ms} ms`)), ms);
  });
  return Promise.race([closed, timeout]).finally(() => clearTimeout(timer));
}

async function answers(client: WireClient): Promise<void> {
  const versions = await client.request(ApiVersions, 3, {
    clientSoftwareName: 't',
    clientSoftwareVersion: '1',
  });
  assert.equal(versions.errorCode, 0);
}

for (const [option, reason] of [
  ['maxConnections', 'max_connections'],
  ['maxConnectionsPerIp', 'max_connections_per_ip'],
] as const) {
  test(`${option} (${reason.replaceAll('_', '.')}): one connection over it is closed, a freed place is taken again`, async (t) => {
    const broker = await startTestBroker({ [option]: 3 });
    t.after(() => broker.dispose());
    const clients: WireClient[] = [];
    t.after(() => {
      for (const c of clients) c.close();
    });
    for (let i = 0; i < 3; i++) clients.push(await WireClient.connect(broker.port));
    await openConnections(broker, 3);

    const extra = await WireClient.connect(broker.port);
    clients.push(extra);
    await closedWithin(extra.closed, 10_000, 'the connection over the limit');
    assert.equal(await metricValue(broker, 'sluice_connections_rejected_total', reason), 1);
    assert.equal(await metricValue(broker, 'sluice_connections'), 3);
    // The admitted ones are served as before.
    for (const c of clients.slice(0, 3)) await answers(c);

    clients[0]?.close();
    await openConnections(broker, 2);
    const next = await WireClient.connect(broker.port);
    clients.push(next);
    await answers(next);
    await openConnections(broker, 3);
    assert.equal(await metricValue(broker, 'sluice_connections_rejected_total', reason), 1);
  });
}

test('maxConnectionsPerIp counts each client address apart', async (t) => {
  const broker = await startTestBroker({ maxConnectionsPerIp: 1 });
  t.after(() => broker.dispose());
  const first = await WireClient.connect(broker.port);
  t.after(() => first.close());
  await openConnections(broker, 1);
  const same = await WireClient.connect(broker.port);
  t.after(() => same.close());
  await closedWithin(same.closed, 10_000, 'a second connection from 127.0.0.1');
  // Another loopback address of this host has a place of its own.
  const other = await WireClient.connect(broker.port, '127.0.0.1', '127.0.0.2');
  t.after(() => other.close());
  await answers(other);
  await answers(first);
  assert.equal(await metricValue(broker, 'sluice_connections'), 2);
  assert.equal(await metricValue(broker, 'sluice_connections_rejected_total', 'max_connections_per_ip'), 1);
});
