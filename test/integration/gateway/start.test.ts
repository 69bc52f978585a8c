// The gateway inside `sluice start` (gateway.enabled): on a thread of its own, off the platform
// thread and its CPU governor, with its routes from the `gateway:` section.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { resolveConfig } from '../../../src/config/index.js';
import { type RunningPlatform, startPlatform } from '../../../src/platform/index.js';
import { eventually, freePort } from '../../helpers/waiting.js';
import { startUpstream, type Upstream } from './upstream.js';

describe('the gateway in sluice start', () => {
  let upstream: Upstream;
  let platform: RunningPlatform;
  let port: number;
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-gateway-start-'));

  before(async () => {
    upstream = await startUpstream('books');
    port = await freePort();
    const { config } = resolveConfig({
      file: {
        gateway: {
          enabled: true,
          port,
          routes: [
            {
              id: 'books',
              uri: upstream.url,
              predicates: ['Path=/books/**'],
              filters: ['SetResponseHeader=X-Via, sluice'],
            },
          ],
        },
      },
    });
    platform = await startPlatform(
      { httpPort: 0, broker: { port: 0, dataDir }, config: { gateway: config.gateway } },
      pino({ level: 'silent' }),
    );
  });

  after(async () => {
    await platform?.close();
    await upstream?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('proxies on gateway.port', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/books/1`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-via'), 'sluice');
  });

  it("the platform's /metrics shows the gateway thread's series", async () => {
    await (await fetch(`http://127.0.0.1:${port}/books/2`)).text();
    await eventually('the gateway series on /metrics', 10_000, async () => {
      const text = await (await fetch(`${platform.http.url}/metrics`)).text();
      return /sluice_gateway_requests_total\{route="books",code="200",method="GET"\} [1-9]/.test(text)
        ? true
        : undefined;
    });
  });

  it('a bad route in the section fails the start, naming the field', async () => {
    assert.throws(
      () => resolveConfig({ file: { gateway: { routes: [{ id: 'x' }] } } }),
      /gateway\.routes\[0\]\.uri: required/,
    );
    const other = mkdtempSync(join(tmpdir(), 'sluice-gateway-start-'));
    try {
      await assert.rejects(
        startPlatform(
          {
            httpPort: 0,
            broker: { port: 0, dataDir: other },
            config: {
              gateway: {
                ...resolveConfig({ file: {} }).config.gateway,
                enabled: true,
                port: 0,
                routes: [{ id: 'bad', uri: 'lb://x', predicates: ['Nope=1'] }],
              },
            },
          },
          pino({ level: 'silent' }),
        ),
        /gateway\.routes\[0\]\.predicates\[0\]: route 'bad': unknown predicate 'Nope'/,
      );
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
