// The gateway end to end with real upstream servers: routing, filters, forwarded and trace
// headers, streaming both ways, failures (404, 413, 502, 504), framing attacks and live reload.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import {
  DEFAULT_GATEWAY_CONFIG,
  type GatewayConfig,
  RouteConfigError,
  type RunningGateway,
  startGateway,
} from '../../../src/gateway/index.js';
import { rawGet } from '../../helpers/eureka.js';
import { freePort } from '../../helpers/waiting.js';
import { rawExchange, startUpstream, type Upstream } from './upstream.js';

const CHUNK = 64 * 1024;
const CHUNKS = 512; // 32 MiB each way

describe('the gateway proxy', () => {
  let orders: Upstream;
  let slow: Upstream;
  let stream: Upstream;
  let gateway: RunningGateway;
  let closedPort: number;
  const held: Array<() => void> = [];
  const firstUploadChunk = Promise.withResolvers<void>();
  const clientGotFirst = Promise.withResolvers<void>();
  const hangArrived = Promise.withResolvers<void>();
  const hangClosed = Promise.withResolvers<void>();

  const base = (): GatewayConfig => ({
    ...DEFAULT_GATEWAY_CONFIG,
    port: 0,
    routes: [
      {
        id: 'orders',
        uri: '', // set in before
        predicates: ['Path=/api/orders/{id}', 'Method=GET,POST'],
        filters: [
          'StripPrefix=1',
          'AddRequestHeader=X-Order, {id}',
          'AddResponseHeader=X-Route, orders',
          'RemoveResponseHeader=X-Upstream',
          'SecureHeaders',
        ],
      },
    ],
  });

  before(async () => {
    orders = await startUpstream('orders');
    slow = await startUpstream('slow', (req, res) => {
      held.push(() => res.end());
      if (req.url === '/hang/x') {
        hangArrived.resolve();
        req.socket.once('close', () => hangClosed.resolve());
      }
      return true;
    });
    stream = await startUpstream('stream', async (req, res) => {
      if (req.url === '/late') {
        // Answers well after the 'late' route's 100 ms timeout, and well before a second.
        setTimeout(() => res.end('late'), 600).unref();
        return true;
      }
      if (req.url === '/upload') {
        const hash = createHash('sha256');
        let bytes = 0;
        for await (const chunk of req as AsyncIterable<Buffer>) {
          if (bytes === 0) firstUploadChunk.resolve();
          hash.update(chunk);
          bytes += chunk.length;
        }
        res.end(JSON.stringify({ bytes, sha256: hash.digest('hex') }));
        return true;
      }
      if (req.url === '/download') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write(Buffer.alloc(CHUNK, 1));
        // The rest only once the client has the first chunk: a proxy that buffered would deadlock here.
        await clientGotFirst.promise;
        for (let i = 1; i < CHUNKS; i++) {
          if (!res.write(Buffer.alloc(CHUNK, i % 256))) await new Promise((r) => res.once('drain', r));
        }
        res.end();
        return true;
      }
      return false;
    });
    closedPort = await freePort();
    const config = base();
    config.routes = [
      { ...(config.routes[0] as GatewayConfig['routes'][number]), uri: orders.url },
      { id: 'stream', uri: stream.url, predicates: ['Path=/stream/**'], filters: ['StripPrefix=1'] },
      {
        id: 'small',
        uri: stream.url,
        predicates: ['Path=/small/**'],
        filters: ['StripPrefix=1', 'RequestSize=1KB'],
      },
      { id: 'down', uri: `http://127.0.0.1:${closedPort}`, predicates: ['Path=/down/**'] },
      {
        id: 'slow',
        uri: slow.url,
        predicates: ['Path=/slow/**'],
        metadata: { 'response-timeout': 200 },
      },
      { id: 'hang', uri: slow.url, predicates: ['Path=/hang/**'], metadata: { 'response-timeout': -1 } },
      {
        id: 'late',
        uri: stream.url,
        predicates: ['Path=/late'],
        metadata: { 'response-timeout': 100 },
      },
    ];
    gateway = await startGateway({ config, logger: pino({ level: 'silent' }) });
  });

  after(async () => {
    for (const release of held) release();
    await gateway?.close();
    await Promise.all([orders?.close(), slow?.close(), stream?.close()]);
  });

  it('routes by path and method, applies filters, adds forwarded, trace and request id headers', async () => {
    // node:http, not fetch: fetch will not send a Connection header of the caller's.
    const response = await rawGet(`${gateway.url}/api/orders/42?x=1`, {
      connection: 'keep-alive, x-private',
      'x-private': 'hop',
      'x-request-id': 'abc-123',
    });
    const body = JSON.parse(response.body.toString()) as { url: string; headers: Record<string, string> };
    assert.equal(body.url, '/orders/42?x=1');
    const h = body.headers;
    assert.equal(h['x-order'], '42');
    assert.equal(h['x-forwarded-for'], '127.0.0.1');
    assert.equal(h['x-forwarded-proto'], 'http');
    assert.equal(h['x-forwarded-host'], `127.0.0.1:${gateway.port}`);
    assert.equal(h['x-forwarded-port'], String(gateway.port));
    assert.equal(h.forwarded, `for=127.0.0.1;proto=http;host="127.0.0.1:${gateway.port}"`);
    assert.equal(h['x-request-id'], 'abc-123');
    assert.match(h.traceparent as string, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    assert.equal(h['x-private'], undefined, 'a header named by Connection is hop-by-hop');
    assert.equal(h.host, `127.0.0.1:${orders.port}`);
    // The response: filters applied, hop-by-hop headers of the upstream dropped.
    assert.equal(response.headers['x-route'], 'orders');
    assert.equal(response.headers['x-upstream'], undefined);
    assert.equal(response.headers['x-hop'], undefined);
    assert.equal(response.headers['x-request-id'], 'abc-123');
    assert.equal(response.headers['x-frame-options'], 'DENY');
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
  });

  it('forwards a valid traceparent and appends to X-Forwarded-For', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const response = await fetch(`${gateway.url}/api/orders/1`, {
      headers: { traceparent, 'x-forwarded-for': '203.0.113.9' },
    });
    const { headers } = (await response.json()) as { headers: Record<string, string> };
    assert.equal(headers.traceparent, traceparent);
    assert.equal(headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
    assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  it('answers 404 JSON when no route matches (the method counts)', async () => {
    for (const [method, path] of [
      ['GET', '/nowhere'],
      ['DELETE', '/api/orders/1'],
    ] as const) {
      const response = await fetch(`${gateway.url}${path}`, { method });
      assert.equal(response.status, 404);
      const body = (await response.json()) as { message: string };
      assert.equal(body.message, `no route matches ${method} ${path}`);
    }
  });

  it('streams a large upload without holding it: the upstream reads before the client has sent it all', {
    timeout: 60_000,
  }, async () => {
    const hash = createHash('sha256');
    const answer = new Promise<{ bytes: number; sha256: string }>((resolve, reject) => {
      const req = request(`${gateway.url}/stream/upload`, { method: 'POST' }, (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve(JSON.parse(text)));
      });
      req.on('error', reject);
      (async () => {
        const first = Buffer.alloc(CHUNK, 7);
        hash.update(first);
        req.write(first);
        await firstUploadChunk.promise;
        for (let i = 1; i < CHUNKS; i++) {
          const chunk = Buffer.alloc(CHUNK, i % 256);
          hash.update(chunk);
          if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        }
        req.end();
      })().catch(reject);
    });
    const result = await answer;
    assert.equal(result.bytes, CHUNK * CHUNKS);
    assert.equal(result.sha256, hash.digest('hex'));
  });

  it('streams a large download: the client gets the first bytes before the upstream has sent the rest', {
    timeout: 60_000,
  }, async () => {
    const response = await fetch(`${gateway.url}/stream/download`);
    assert.equal(response.status, 200);
    let bytes = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      if (bytes === 0) clientGotFirst.resolve();
      bytes += chunk.length;
    }
    assert.equal(bytes, CHUNK * CHUNKS);
  });

  it('RequestSize: 413 for a declared length over the limit and for a chunked body that grows past it', async () => {
    const declared = await fetch(`${gateway.url}/small/upload`, { method: 'POST', body: 'x'.repeat(2000) });
    assert.equal(declared.status, 413);
    assert.match(
      ((await declared.json()) as { message: string }).message,
      /route 'small' accepts at most 1024/,
    );
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(`${gateway.url}/small/upload`, { method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('y'.repeat(800));
      req.end('y'.repeat(800));
    });
    assert.equal(chunked, 413);
    const fits = await fetch(`${gateway.url}/small/upload`, { method: 'POST', body: 'z'.repeat(1000) });
    assert.equal(((await fits.json()) as { bytes: number }).bytes, 1000);
  });

  it('answers 502 when the upstream cannot be reached', async () => {
    const response = await fetch(`${gateway.url}/down/x`);
    assert.equal(response.status, 502);
    assert.match(
      ((await response.json()) as { message: string }).message,
      /cannot be reached \(ECONNREFUSED\)/,
    );
  });

  it("answers 504 when the upstream does not answer within the route's response timeout", async () => {
    const response = await fetch(`${gateway.url}/slow/x`);
    assert.equal(response.status, 504);
    assert.match(((await response.json()) as { message: string }).message, /did not answer within 200 ms/);
  });

  it('bug: a 100 ms response timeout let a 600 ms answer through (undici counts its timeouts on a 1 s wheel)', async () => {
    const response = await fetch(`${gateway.url}/late`);
    assert.equal(response.status, 504);
    assert.match(((await response.json()) as { message: string }).message, /did not answer within 100 ms/);
  });

  it('a client that goes away cancels its upstream request', { timeout: 30_000 }, async () => {
    const client = new AbortController();
    const answer = fetch(`${gateway.url}/hang/x`, { signal: client.signal }).catch((error: unknown) => error);
    await hangArrived.promise;
    client.abort();
    assert.ok((await answer) instanceof Error);
    // The gateway closes its connection to the upstream rather than waiting forever for an answer.
    await hangClosed.promise;
  });

  it('refuses Content-Length with Transfer-Encoding: 400 and the connection closed', {
    timeout: 10_000,
  }, async () => {
    const before = orders.seen.length;
    const { text } = await rawExchange(
      gateway.port,
      'POST /api/orders/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /api/orders/2 HTTP/1.1\r\nHost: x\r\n\r\n',
    );
    assert.match(text, /^HTTP\/1\.1 400 /);
    assert.equal(text.match(/HTTP\/1\.1/g)?.length, 1, 'the smuggled second request is not answered');
    assert.equal(orders.seen.length, before, 'nothing reached the upstream');
  });

  it('refuses a duplicate Content-Length: 400 and the connection closed', { timeout: 10_000 }, async () => {
    const before = orders.seen.length;
    const { text } = await rawExchange(
      gateway.port,
      'POST /api/orders/1 HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nabcd',
    );
    assert.match(text, /^HTTP\/1\.1 400 /);
    assert.equal(orders.seen.length, before);
  });

  it('refuses an obfuscated Transfer-Encoding: 400', { timeout: 10_000 }, async () => {
    const { text } = await rawExchange(
      gateway.port,
      'POST /api/orders/1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n',
    );
    assert.match(text, /^HTTP\/1\.1 400 /);
  });

  it('answers 431 to a request head over the limit', { timeout: 10_000 }, async () => {
    const { text } = await rawExchange(
      gateway.port,
      `GET /api/orders/1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(DEFAULT_GATEWAY_CONFIG.maxHeaderBytes + 1)}\r\n\r\n`,
    );
    assert.match(text, /^HTTP\/1\.1 431 /);
    assert.match(text, /larger than 16384 bytes/);
  });

  it('a reload with a bad route is refused naming the route and field; the old routes stay', async () => {
    const config = base();
    const good = { ...(config.routes[0] as GatewayConfig['routes'][number]), uri: orders.url };
    assert.throws(
      () =>
        gateway.reload([good, { id: 'broken', uri: orders.url, predicates: ['Path=/b/**', 'Header=X, ('] }]),
      (error: unknown) => {
        assert.ok(error instanceof RouteConfigError);
        assert.equal(error.key, 'gateway.routes[1].predicates[1]');
        assert.match(error.message, /route 'broken': Header: invalid regular expression/);
        return true;
      },
    );
    assert.equal((await fetch(`${gateway.url}/stream/upload`, { method: 'POST', body: 'a' })).status, 200);
    gateway.reload([good]);
    assert.equal((await fetch(`${gateway.url}/stream/upload`, { method: 'POST', body: 'a' })).status, 404);
    assert.equal((await fetch(`${gateway.url}/api/orders/5`)).status, 200);
  });
});
