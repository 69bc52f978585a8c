// py-eureka-client (PyPI) against `sluice start`: it registers (JSON), renews, fetches the
// registry in XML, finds a Node service registered through `sluice/discovery` and calls it, and
// deregisters when stopped (test/compat/python/eureka_register_discover.py). Skipped with the
// reason when the peers' virtualenv lacks it (scripts/peers/install-python-clients.sh installs it).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DiscoveryClient } from '../../src/registry/client/index.js';
import { eurekaCaller } from '../helpers/eureka.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform-fixture.js';
import { eventually } from '../helpers/waiting.js';
import { repoRoot, runProcess } from './peers.js';

const PYTHON = join(repoRoot(), '.peers', 'python', 'bin', 'python');
const SCRIPT = join(repoRoot(), 'test', 'compat', 'python', 'eureka_register_discover.py');

async function missing(): Promise<string | null> {
  if (!existsSync(PYTHON))
    return 'no peers virtualenv (.peers/python): run scripts/peers/install-python-clients.sh';
  const probe = await runProcess(PYTHON, ['-c', 'import py_eureka_client'], { timeoutMs: 30_000 }).catch(
    () => undefined,
  );
  return probe?.code === 0
    ? null
    : 'py-eureka-client is not installed in .peers/python (scripts/peers/install-python-clients.sh)';
}

const skip = await missing();

describe('py-eureka-client registers and discovers', { skip: skip ?? false }, () => {
  let platform: TestPlatform;
  let server: Server;
  let node: DiscoveryClient;

  before(async () => {
    platform = await startTestPlatform({ config: { registry: { useReadOnlyCache: false } } });
    server = createServer((req, res) => res.end(req.url === '/hello' ? 'hello from node' : 'no'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    node = await DiscoveryClient.start({
      url: `${platform.http.url}/eureka`,
      app: 'node-svc',
      port,
      hostName: '127.0.0.1',
      ipAddr: '127.0.0.1',
      deregisterOnExit: false,
    });
  });
  after(async () => {
    await node?.close();
    server?.close();
    await platform?.dispose();
  });

  test('it registers with its metadata, calls the Node service it discovered, and deregisters', async () => {
    const eureka = eurekaCaller(`${platform.http.url}/eureka`);
    const job = { server: `${platform.http.url}/eureka`, port: 5055, target: 'NODE-SVC' };
    const child = spawn(PYTHON, [SCRIPT, JSON.stringify(job)], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      const line = await eventually(
        'the script to report',
        60_000,
        async () => stdout.split('\n')[0] || undefined,
      );
      const result = JSON.parse(line) as {
        ok: boolean;
        error?: string;
        answer: string;
        apps: string[];
        hashcode: string;
      };
      assert.ok(result.ok, `${result.error}\n${stderr}`);
      assert.equal(result.answer, 'hello from node');
      assert.deepEqual(result.apps, ['NODE-SVC', 'PY-SVC']);
      assert.equal(result.hashcode, 'UP_2_');

      const py = (await eureka('GET', '/apps/PY-SVC/py-1')).json as { instance: Record<string, unknown> };
      assert.equal(py.instance.status, 'UP');
      // The client adds management.port and zone to what it was given.
      assert.equal((py.instance.metadata as Record<string, string>).lang, 'python');
      assert.deepEqual(py.instance.port, { $: 5055, '@enabled': 'true' });
      // Its heartbeats (every second here) arrive and are accepted.
      const renewals = async () => {
        const text = await (await platform.get('/metrics')).text();
        return Number(/^sluice_registry_renewals_total (\d+)/m.exec(text)?.[1] ?? 0);
      };
      const seen = await renewals();
      await eventually('a heartbeat from py-eureka-client', 15_000, async () =>
        (await renewals()) > seen ? true : undefined,
      );
      // The Node client finds the Python service.
      await node.refresh();
      assert.equal(node.pick('py-svc')?.port, 5055);
    } finally {
      child.stdin.end('stop\n');
      assert.equal(await exited, 0, stderr);
    }
    assert.equal((await eureka('GET', '/apps/PY-SVC')).status, 404);
  });
});
