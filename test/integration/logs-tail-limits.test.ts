// Many live tails whose clients never read: the platform keeps answering, its connections to
// Kafka do not grow with the tails, a client that reads still gets its lines, and past
// logs.maxTails a tail is refused with Loki's message.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
// `ws`, not Node's global WebSocket: these tests pause a client's socket and read a refused
// upgrade's status and body, which the global one cannot.
import WebSocket from 'ws';
import { sampleValue, startTestPlatform, type TestPlatform } from '../helpers/platform-fixture.js';
import { eventually } from '../helpers/waiting.js';

const TAILS = 60;

describe('live tails that never read', () => {
  let platform: TestPlatform;
  const sockets: WebSocket[] = [];
  const nowNs = () => BigInt(Date.now()) * 1_000_000n;
  const push = (service: string, count: number) => {
    const ts = nowNs();
    const values = Array.from({ length: count }, (_, i) => [
      String(ts + BigInt(i)),
      `${service} ${i} ${'x'.repeat(512)}`,
    ]);
    return fetch(`${platform.http.url}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ streams: [{ stream: { service }, values }] }),
    });
  };
  const tailUrl = (query: string) =>
    `${platform.http.url.replace('http', 'ws')}/loki/api/v1/tail?${new URLSearchParams({ query })}`;
  const open = (ws: WebSocket) =>
    new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
  const connectionsOpened = async () =>
    sampleValue(await (await platform.get('/metrics')).text(), 'sluice_connections_opened_total') ?? 0;

  before(async () => {
    // One partition, one query reader: every query and every tail's history goes through it.
    platform = await startTestPlatform({
      config: { logs: { maxTails: TAILS + 5, partitions: 1, queryReaders: 1 } },
    });
    assert.equal((await push('stuck', 200)).status, 204);
    // History to read for every tail, and the query readers warmed up by one query.
    await eventually('history to be queryable', 15_000, async () => {
      const res = await platform.get(
        `/loki/api/v1/query_range?${new URLSearchParams({ query: '{service="stuck"}' })}`,
      );
      const body = (await res.json()) as { data: { result: { values: unknown[] }[] } };
      return body.data.result[0]?.values.length === 100 ? true : undefined;
    });
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await platform?.dispose();
  });

  it('bug 5: 60 tails that never read leave health answered, Kafka connections flat, and a reading tail fed', async () => {
    const before = await connectionsOpened();
    for (let i = 0; i < TAILS; i++) {
      const ws = new WebSocket(tailUrl('{service="stuck"}'));
      sockets.push(ws);
      ws.on('error', () => {});
      await open(ws);
      // The client stops reading from its socket altogether.
      (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    }
    const reader = new WebSocket(tailUrl('{service="live"}'));
    sockets.push(reader);
    let received = 0;
    reader.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { streams: { values: unknown[] }[] };
      for (const s of msg.streams) received += s.values.length;
    });
    await open(reader);

    // Lines for the stuck tails (they fill their buffers) and for the reading one. Each health
    // check probes the broker over a connection of its own: those are counted apart.
    let healthChecks = 0;
    const healthy = async () => {
      healthChecks++;
      assert.equal((await platform.get('/actuator/health')).status, 200);
    };
    for (let i = 0; i < 10; i++) {
      assert.equal((await push('stuck', 200)).status, 204);
      assert.equal((await push('live', 10)).status, 204);
      await healthy();
    }
    await eventually('the reading tail to get every line', 30_000, async () =>
      received === 100 ? true : undefined,
    );
    await healthy();

    // Every tail's history query shared the store's one reader: no connection per tail.
    const opened = (await connectionsOpened()) - before - healthChecks;
    assert.ok(opened <= 2, `${opened} connections opened to Kafka for ${TAILS + 1} tails`);
  });

  it('bug 5: past logs.maxTails a tail is refused before the upgrade, with Loki’s message', async () => {
    const extra: WebSocket[] = [];
    let refused: { status: number; body: string } | undefined;
    for (let i = 0; i < 10 && !refused; i++) {
      const ws = new WebSocket(tailUrl('{service="stuck"}'));
      extra.push(ws);
      refused = await new Promise<{ status: number; body: string } | undefined>((resolve) => {
        ws.once('open', () => resolve(undefined));
        ws.once('unexpected-response', (_req, res) => {
          let body = '';
          res
            .on('data', (c: Buffer) => (body += c))
            .on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        ws.once('error', () => {});
      });
    }
    assert.deepEqual(refused, {
      status: 429,
      body: `max concurrent tail requests limit exceeded, count > limit (${TAILS + 6} > ${TAILS + 5})`,
    });
    for (const ws of extra) ws.terminate();
  });
});
