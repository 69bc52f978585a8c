// `GET /` of the platform HTTP server: `sluice start` prints that address, so it lists what the
// server answers (issue 11: it was a 404), as HTML for a browser and JSON for a program.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestPlatform, type TestPlatform } from '../helpers/platform-fixture.js';

interface Index {
  name: string;
  endpoints: { method: string; path: string; description: string; websocket?: boolean }[];
}

describe('the index page at /', () => {
  let platform: TestPlatform;
  before(async () => {
    platform = await startTestPlatform();
  });
  after(() => platform.dispose());

  it('issue 11: / answers 200 with an HTML list of the endpoints, each linked one answering', async () => {
    const res = await platform.get('/', { accept: 'text/html' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
    const page = await res.text();
    const links = [...page.matchAll(/<a href="([^"]+)">/g)].map((m) => m[1] ?? '');
    for (const path of ['/metrics', '/actuator/health', '/api/groups', '/loki/api/v1/labels']) {
      assert.ok(links.includes(path), `${path} linked in:\n${page}`);
    }
    assert.match(page, /\/loki\/api\/v1\/push/);
    // Every link leads somewhere: the page lists only routes that exist.
    for (const path of links) {
      const linked = await platform.get(path);
      assert.notEqual(linked.status, 404, path);
      await linked.body?.cancel();
    }
  });

  it('answers JSON when asked, listing only registered routes', async () => {
    const res = await platform.get('/', { accept: 'application/json' });
    assert.equal(res.status, 200);
    const index = (await res.json()) as Index;
    assert.equal(index.name, 'sluice');
    const paths = index.endpoints.map((e) => `${e.method} ${e.path}`);
    assert.ok(paths.includes('GET /actuator/health/liveness'), paths.join('\n'));
    assert.ok(paths.includes('POST /loki/api/v1/push'), paths.join('\n'));
    assert.ok(paths.includes('GET /api/groups/:group/status'), paths.join('\n'));
    assert.ok(paths.includes('GET /subjects'), paths.join('\n'));
    for (const entry of index.endpoints) assert.ok(entry.description.length > 0, entry.path);
  });

  it('lists no GET link that answers 404 (each component declares the routes it serves)', async () => {
    const index = (await (await platform.get('/', { accept: 'application/json' })).json()) as Index;
    const links = index.endpoints.filter((e) => e.method === 'GET' && !e.path.includes(':') && !e.websocket);
    assert.ok(links.length >= 8, `only ${links.length} links`);
    for (const link of links) {
      const res = await platform.get(link.path);
      await res.arrayBuffer();
      assert.notEqual(res.status, 404, link.path);
    }
  });
});

describe('the index page without the log monitor', () => {
  it('does not list the Loki API when logs are off (sluice broker --http-port)', async () => {
    const platform = await startTestPlatform({ logs: false });
    try {
      const index = (await (await platform.get('/', { accept: 'application/json' })).json()) as Index;
      const paths = index.endpoints.map((e) => e.path);
      assert.ok(paths.includes('/metrics'));
      assert.ok(!paths.some((p) => p.startsWith('/loki/')), paths.join('\n'));
    } finally {
      await platform.dispose();
    }
  });
});
