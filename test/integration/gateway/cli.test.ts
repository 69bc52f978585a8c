// `sluice gateway` as users run it: routes from a config file, reloaded when the file changes, a
// file with a bad route refused (at start: exit 1 naming the field; on reload: the routes stay).

import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collect, spawnCli, tempDir, waitForOutput } from '../../helpers/cli-process.js';
import { eventually } from '../../helpers/waiting.js';
import { startUpstream, type Upstream } from './upstream.js';

const routesFile = (routes: string) => `gateway:\n  routes:\n${routes}`;

describe('sluice gateway', () => {
  let upstream: Upstream;

  before(async () => {
    upstream = await startUpstream('books');
  });
  after(async () => {
    await upstream?.close();
  });

  it('refuses to start on a bad route, naming the route and field (exit 1)', async () => {
    const file = join(tempDir('sluice-gateway-'), 'bad.yaml');
    writeFileSync(
      file,
      routesFile(`    - id: books\n      uri: ${upstream.url}\n      filters: [Retry=many]\n`),
    );
    const result = await collect(
      spawnCli(['gateway', '--bootstrap', '127.0.0.1:1', '--port', '0', '--config', file]),
      30_000,
    );
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /gateway\.routes\[0\]\.filters\[0\]: route 'books': Retry: argument 'retries' must be an integer/,
    );
  });

  it('serves the routes of its config file and reloads them live; a bad file leaves them in force', async () => {
    const file = join(tempDir('sluice-gateway-'), 'sluice.yaml');
    writeFileSync(
      file,
      routesFile(`    - id: books\n      uri: ${upstream.url}\n      predicates: [Path=/books/**]\n`),
    );
    const child = spawnCli([
      'gateway',
      '--bootstrap',
      '127.0.0.1:1',
      '--port',
      '0',
      '--admin-port',
      '0',
      '--config',
      file,
    ]);
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const out = await waitForOutput(child, /sluice gateway admin on (\S+)\n/, 30_000);
    const url = /listening on (\S+)/.exec(out)?.[1] as string;
    const adminUrl = /admin on (\S+)/.exec(out)?.[1] as string;
    assert.equal((await fetch(`${url}/books/1`)).status, 200);

    writeFileSync(
      file,
      routesFile(
        `    - id: books\n      uri: ${upstream.url}\n      predicates: [Path=/books/**, 'Header=X, (']\n`,
      ),
    );
    await eventually('the bad file reported', 15_000, async () =>
      stderr.includes('the config file has problems') ? true : undefined,
    );
    assert.match(stderr, /gateway\.routes\[0\]\.predicates\[1\]/);
    assert.equal((await fetch(`${url}/books/1`)).status, 200, 'the old routes stay');

    // As editors save: a new file renamed over the old one.
    writeFileSync(
      `${file}.tmp`,
      routesFile(`    - id: shelves\n      uri: ${upstream.url}\n      predicates: [Path=/shelves/**]\n`),
    );
    renameSync(`${file}.tmp`, file);
    await eventually('the new routes in force', 15_000, async () =>
      (await fetch(`${url}/shelves/1`)).status === 200 ? true : undefined,
    );
    assert.equal((await fetch(`${url}/books/1`)).status, 404);
    // The admin listener shows the table in force.
    const routes = (await (await fetch(`${adminUrl}/api/gateway/routes`)).json()) as Array<{ id: string }>;
    assert.deepEqual(
      routes.map((r) => r.id),
      ['shelves'],
    );
    assert.match(
      await (await fetch(`${adminUrl}/metrics`)).text(),
      /sluice_gateway_requests_total\{route="books"/,
    );
  });
});
