// The log monitor answers what Grafana's Loki data source and Loki clients send, as raw HTTP:
// push, the health check, labels and values, series, index stats, query_range with an `ms`
// step, the logs-volume query, errors as Loki words them; and the live tail over WebSocket,
// where a slow client gets dropped_entries while a fast one gets everything.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
// `ws`, not Node's global WebSocket: the live tail test pauses a client's socket, which the
// global one cannot.
import WebSocket from 'ws';
import { TAIL_QUEUE_LIMIT } from '../../src/logs/http/index.js';
import { protobufPushBody } from '../helpers/loki-push-proto.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform-fixture.js';
import { eventually } from '../helpers/waiting.js';

const MINUTE_NS = 60_000_000_000n;

describe('Loki HTTP API', () => {
  let platform: TestPlatform;
  // Whole minutes ago, so that count_over_time buckets are exact.
  const base = ((BigInt(Date.now()) * 1_000_000n) / MINUTE_NS - 10n) * MINUTE_NS;

  const push = (streams: unknown) =>
    fetch(`${platform.http.url}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ streams }),
    });
  const get = async (path: string, params: Record<string, string> = {}) => {
    const res = await platform.get(`${path}?${new URLSearchParams(params)}`);
    return {
      status: res.status,
      body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text(),
    };
  };

  before(async () => {
    platform = await startTestPlatform();
    // orders: 3 info + 2 error lines in minute 0, 1 info line in minute 1; checkout: 2 warn lines.
    const at = (minute: bigint, n: number) => String(base + minute * MINUTE_NS + BigInt(n) * 1_000_000n);
    const res = await push([
      {
        stream: { service: 'orders', level: 'info' },
        values: [
          [at(0n, 1), 'order 1 placed'],
          [at(0n, 2), 'order 2 placed'],
          [at(0n, 3), '{"msg":"order 3 placed","amount":42}'],
          [at(1n, 1), 'order 4 placed'],
        ],
      },
      {
        stream: { service: 'orders', level: 'error' },
        values: [
          [at(0n, 4), 'payment failed'],
          [at(0n, 5), 'payment failed again'],
        ],
      },
      {
        stream: { service: 'checkout', level: 'warn' },
        values: [
          [at(0n, 6), 'slow'],
          [at(0n, 7), 'slower'],
        ],
      },
    ]);
    assert.equal(res.status, 204);
    await eventually('pushed lines to be indexed', 15_000, async () => {
      const { body } = await get('/loki/api/v1/index/stats', {
        query: '{service=~".+"}',
        start: String(base),
        end: String(base + 5n * MINUTE_NS),
      });
      return (body as { entries: number }).entries === 8 ? true : undefined;
    });
  });
  after(() => platform?.dispose());

  it('answers Grafana health check vector(1)+vector(1) with 2, and /ready', async () => {
    const { status, body } = await get('/loki/api/v1/query', { query: 'vector(1)+vector(1)' });
    assert.equal(status, 200);
    const data = body as {
      status: string;
      data: { resultType: string; result: { value: [number, string] }[] };
    };
    assert.equal(data.status, 'success');
    assert.equal(data.data.resultType, 'vector');
    assert.equal(data.data.result[0].value[1], '2');
    const ready = await get('/ready');
    assert.equal(ready.status, 200);
    assert.match(String(ready.body), /^ready/);
  });

  it('lists labels, label values and series', async () => {
    const window = { start: String(base), end: String(base + 5n * MINUTE_NS) };
    assert.deepEqual((await get('/loki/api/v1/labels', window)).body, {
      status: 'success',
      data: ['level', 'service'],
    });
    assert.deepEqual((await get('/loki/api/v1/label/service/values', window)).body, {
      status: 'success',
      data: ['checkout', 'orders'],
    });
    const series = (await get('/loki/api/v1/series', { ...window, 'match[]': '{service="orders"}' }))
      .body as {
      data: Record<string, string>[];
    };
    assert.deepEqual(series.data.map((s) => s.level).sort(), ['error', 'info']);
    const stats = (await get('/loki/api/v1/index/stats', { ...window, query: '{service="orders"}' })).body;
    assert.deepEqual(
      { ...(stats as object), bytes: 0 },
      { streams: 2, chunks: (stats as { chunks: number }).chunks, entries: 6, bytes: 0 },
    );
  });

  it('answers query_range with streams, newest first, honouring limit and line filters', async () => {
    const { body } = await get('/loki/api/v1/query_range', {
      query: '{service="orders"} |= "placed"',
      start: String(base),
      end: String(base + 5n * MINUTE_NS),
      limit: '3',
      step: '60000ms',
    });
    const data = (body as { data: { resultType: string; result: { values: [string, string][] }[] } }).data;
    assert.equal(data.resultType, 'streams');
    const lines = data.result
      .flatMap((s) => s.values)
      .sort((a, b) => (BigInt(b[0]) > BigInt(a[0]) ? 1 : -1))
      .map((v) => v[1]);
    assert.deepEqual(lines, ['order 4 placed', '{"msg":"order 3 placed","amount":42}', 'order 2 placed']);
  });

  it("answers Grafana's logs volume query with exact counts per level and minute", async () => {
    const { body } = await get('/loki/api/v1/query_range', {
      query: 'sum by (level) (count_over_time({service="orders"} [1m]))',
      start: String(base + MINUTE_NS),
      end: String(base + 2n * MINUTE_NS),
      step: '60000ms',
    });
    const data = (
      body as {
        data: { resultType: string; result: { metric: { level: string }; values: [number, string][] }[] };
      }
    ).data;
    assert.equal(data.resultType, 'matrix');
    const byLevel = Object.fromEntries(data.result.map((s) => [s.metric.level, s.values.map((v) => v[1])]));
    // Windows are (t - 1m, t]: the sample at base+1m holds minute 0, the one at base+2m minute 1.
    assert.deepEqual(byLevel, { info: ['3', '1'], error: ['2'] });
  });

  it('parses json in a pipeline and filters on the extracted number', async () => {
    const { body } = await get('/loki/api/v1/query_range', {
      // Lines that are not JSON carry __error__ and pass label filters, as in Loki; drop them first.
      query: '{service="orders"} | json | __error__="" | amount > 40',
      start: String(base),
      end: String(base + 5n * MINUTE_NS),
    });
    const result = (
      body as { data: { result: { stream: Record<string, string>; values: [string, string][] }[] } }
    ).data.result;
    assert.equal(result.length, 1);
    assert.equal(result[0].stream.amount, '42');
  });

  it('takes snappy-protobuf pushes as Promtail and Alloy send them, with structured metadata', async () => {
    const seconds = Math.floor(Date.now() / 1000);
    const body = protobufPushBody({
      streams: [
        {
          labels: '{job="promtail", service="shipper", level="warn"}',
          entries: [
            {
              timestamp: { seconds, nanos: 123456789 },
              line: 'disk almost full',
              structuredMetadata: [{ name: 'trace_id', value: 'abc' }],
            },
          ],
        },
      ],
    });
    const res = await fetch(`${platform.http.url}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body,
    });
    assert.equal(res.status, 204);
    const ts = String(BigInt(seconds) * 1_000_000_000n + 123456789n);
    const found = await eventually('the protobuf-pushed line', 15_000, async () => {
      const { body: answer } = await get('/loki/api/v1/query_range', {
        query: '{service="shipper"}',
        start: String(BigInt(seconds - 60) * 1_000_000_000n),
        end: String(BigInt(seconds + 60) * 1_000_000_000n),
      });
      const result = (
        answer as { data: { result: { stream: Record<string, string>; values: [string, string][] }[] } }
      ).data.result;
      return result.length > 0 ? result : undefined;
    });
    assert.deepEqual(found[0].values, [[ts, 'disk almost full']]);
    assert.equal(found[0].stream.job, 'promtail');
    assert.equal(found[0].stream.level, 'warn');
    assert.equal(found[0].stream.trace_id, 'abc', 'structured metadata shows as a label, as in Loki');
  });

  it('takes a push larger than a record batch may be (3 MB in one request)', async () => {
    const now = BigInt(Date.now()) * 1_000_000n;
    const values = Array.from({ length: 1500 }, (_, i) => [
      String(now + BigInt(i)),
      `${i} ${'y'.repeat(2000)}`,
    ]);
    assert.equal((await push([{ stream: { service: 'big', level: 'info' }, values }])).status, 204);
    await eventually('all 1500 big lines indexed', 15_000, async () => {
      const { body } = await get('/loki/api/v1/index/stats', { query: '{service="big"}' });
      return (body as { entries: number }).entries === 1500 ? true : undefined;
    });
  });

  it('answers a bad query with 400 and a message that points at the error, as Loki does', async () => {
    const { status, body } = await get('/loki/api/v1/query_range', { query: '{service="orders"' });
    assert.equal(status, 400);
    assert.match(String(body), /^parse error at line 1, col 18: syntax error/);
    // Text, as Loki answers, through the platform's one error handler; a bad parameter too.
    const text = await platform.get(
      `/loki/api/v1/query?${new URLSearchParams({ query: '{a="b"}', limit: '-1' })}`,
    );
    assert.equal(text.status, 400);
    assert.equal(text.headers.get('content-type'), 'text/plain');
    assert.equal(await text.text(), 'invalid limit: "-1" is not a positive integer');
    const push400 = await fetch(`${platform.http.url}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"streams": [{"stream": {"a": "b"}, "values": [["not-a-time", "x"]]}]}',
    });
    assert.equal(push400.status, 400);
    await push400.body?.cancel();
  });

  it('tails live: a fast client gets every line, a slow one gets dropped_entries and never holds up the rest', async () => {
    const url = `${platform.http.url.replace('http', 'ws')}/loki/api/v1/tail?${new URLSearchParams({ query: '{service="tail"}' })}`;
    const fast = new WebSocket(url);
    const slow = new WebSocket(url);
    await Promise.all(
      [fast, slow].map(
        (ws) => new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject)),
      ),
    );
    // Lines are [timestamp, text]; probes (below) are counted apart from the lines under test.
    type TailMessage = { streams?: { values: [string, string][] }[]; dropped_entries: unknown[] | null };
    const count = (msg: TailMessage, probe: boolean) =>
      (msg.streams ?? []).flatMap((s) => s.values).filter(([, text]) => (text === 'probe') === probe).length;
    let fastLines = 0;
    let fastProbes = 0;
    fast.on('message', (data) => {
      const msg = JSON.parse(String(data)) as TailMessage;
      fastLines += count(msg, false);
      fastProbes += count(msg, true);
    });
    let slowDropped = 0;
    let slowProbes = 0;
    slow.on('message', (data) => {
      const msg = JSON.parse(String(data)) as TailMessage;
      slowDropped += msg.dropped_entries?.length ?? 0;
      slowProbes += count(msg, true);
    });
    // An open socket is not yet a live tail: probe lines are pushed until both tails receive one.
    await eventually('both tails to receive a probe line', 30_000, async () => {
      if (fastProbes > 0 && slowProbes > 0) return true;
      const probe = [String(BigInt(Date.now()) * 1_000_000n), 'probe'];
      assert.equal(
        (await push([{ stream: { service: 'tail', level: 'info' }, values: [probe] }])).status,
        204,
      );
      return undefined;
    });
    // The slow client stops reading from its socket altogether.
    (slow as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();

    // Enough that the slow client fills the kernel's socket buffers and then its queue.
    const total = TAIL_QUEUE_LIMIT * 20;
    const line = 'x'.repeat(1024);
    for (let sent = 0; sent < total; sent += 500) {
      const now = BigInt(Date.now()) * 1_000_000n;
      const values = Array.from({ length: 500 }, (_, i) => [String(now + BigInt(i)), `${sent + i} ${line}`]);
      assert.equal((await push([{ stream: { service: 'tail', level: 'info' }, values }])).status, 204);
    }
    await eventually('the fast client to receive every line', 30_000, async () =>
      fastLines === total ? true : undefined,
    );
    (slow as unknown as { _socket: { resume(): void } })._socket.resume();
    await eventually('the slow client to be told what it missed', 30_000, async () =>
      slowDropped > 0 ? true : undefined,
    );
    fast.close();
    slow.close();
  });
});
