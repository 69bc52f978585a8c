// `sluice start` and `sluice broker --http-port` as users run them: the printed addresses work,
// bad flags exit 2, and SIGTERM closes cleanly.

import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { describe, it } from 'node:test';
import { collect, LISTENING, spawnCli, stop, tempDir } from '../helpers/cli-process.js';

/** Resolves with stdout once `pattern` has appeared in it. */
function waitForOutput(child: ChildProcess, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in output: ${out}`)), timeoutMs);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before ${pattern}: ${out}`)));
  });
}

describe('sluice start', () => {
  it('prints its addresses, serves health and metrics, and stops on SIGTERM', async () => {
    const dir = tempDir('sluice-start-');
    const child = spawnCli(['start', '--data-dir', dir, '--kafka-port', '0', '--http-port', '0']);
    const out = await waitForOutput(child, /^ {2}data /m);
    const http = /^ {2}http +(\S+)\/$/m.exec(out)?.[1];
    const kafka = /^ {2}kafka +(\S+)$/m.exec(out)?.[1];
    assert.ok(http && kafka, out);
    assert.doesNotMatch(kafka, /:0$/);
    const health = (await (await fetch(`${http}/actuator/health`)).json()) as { status: string };
    assert.equal(health.status, 'UP');
    const metrics = await (await fetch(`${http}/metrics`)).text();
    assert.match(metrics, /^sluice_topics \d+$/m);
    const exited = collect(child, 10_000);
    await stop(child);
    const result = await exited;
    assert.equal(result.code, 0, result.stderr);
  });

  it('exits 2 on a bad port and 1 with one line for an unreadable config file', async () => {
    const bad = await collect(spawnCli(['start', '--http-port', 'x']), 10_000);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /http-port/);
    const dir = tempDir('sluice-start-');
    const missing = await collect(
      spawnCli([
        'start',
        '--data-dir',
        dir,
        '--kafka-port',
        '0',
        '--http-port',
        '0',
        '--config',
        `${dir}/nope.yaml`,
      ]),
      10_000,
    );
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read config file .*nope\.yaml/);
  });
});

describe('sluice broker --http-port', () => {
  it('serves /metrics beside the Kafka port', async () => {
    const dir = tempDir('sluice-broker-http-');
    const child = spawnCli(['broker', '--data-dir', dir, '--port', '0', '--http-port', '0']);
    const out = await waitForOutput(child, /^sluice http listening on \S+$/m);
    assert.match(out, LISTENING);
    const url = /^sluice http listening on (\S+)$/m.exec(out)?.[1];
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /^# TYPE sluice_request_duration_seconds histogram$/m);
    await stop(child);
  });
});
