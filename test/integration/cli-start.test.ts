// `sluice start` and `sluice broker --http-port` as users run them: the printed addresses work,
// bad flags exit 2, and SIGTERM closes cleanly.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { collect, LISTENING, spawnCli, stop, tempDir, waitForOutput } from '../helpers/cli-process.js';

/** Resolves with stdout once `pattern` has appeared in it. */
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

/** Waits for `pattern` in a child's stderr; resolves with all of it so far. */
function waitForStderr(child: ChildProcess, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in stderr: ${err}`)), timeoutMs);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
      if (pattern.test(err)) {
        clearTimeout(timer);
        resolve(err);
      }
    });
  });
}

const HUMAN_LINE = /^\d\d:\d\d:\d\d (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) /;
const startArgs = (dir: string) => ['start', '--data-dir', dir, '--kafka-port', '0', '--http-port', '0'];

describe('sluice start log lines (issue 11: the banner was buried in pino JSON)', () => {
  it('writes pino JSON to a stderr that is not a terminal, and the banner alone to stdout', async () => {
    const child = spawnCli(startArgs(tempDir('sluice-start-log-')));
    const [out, err] = await Promise.all([
      waitForOutput(child, /^ {2}data /m),
      waitForStderr(child, /"msg":"platform started"/),
    ]);
    await stop(child);
    for (const line of err.trim().split('\n')) assert.doesNotThrow(() => JSON.parse(line), line);
    assert.doesNotMatch(out, /"level"/);
    assert.match(out, /^sluice started\n {2}kafka /);
  });

  it('writes one readable line per entry with --log-format human', async () => {
    const child = spawnCli([...startArgs(tempDir('sluice-start-log-')), '--log-format', 'human']);
    await waitForOutput(child, /^ {2}data /m);
    const err = await waitForStderr(child, /platform started/);
    await stop(child);
    const lines = err.trim().split('\n');
    for (const line of lines) assert.match(line, HUMAN_LINE);
    assert.ok(
      lines.some((l) => / broker +broker listening host=127\.0\.0\.1 port=\d+ /.test(l)),
      err,
    );
  });

  it('is human by default on a terminal (run under script(1), which gives it one)', async (t) => {
    if (spawnSync('script', ['--version']).error) return t.skip('script(1) is not installed');
    const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
    const command = [process.execPath, cli, ...startArgs(tempDir('sluice-start-log-'))].join(' ');
    const child = spawn('script', ['-qefc', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      // Under a terminal stdout and stderr are one stream; the log line comes before the banner.
      const out = await waitForOutput(child, /^ {2}data /m);
      assert.doesNotMatch(out, /"level":/);
      assert.match(out, /^\d\d:\d\d:\d\d INFO {2}broker +broker listening /m);
    } finally {
      await stop(child);
    }
  });

  it('exits 2 on an unknown --log-format', async () => {
    const bad = await collect(spawnCli(['start', '--log-format', 'xml']), 10_000);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--log-format must be one of json, human, got 'xml'/);
  });
});

describe('sluice broker --log-format (issue 11: the same flag as sluice start)', () => {
  const brokerArgs = (dir: string) => ['broker', '--data-dir', dir, '--port', '0'];

  it('writes pino JSON lines with --log-format json', async () => {
    const child = spawnCli([...brokerArgs(tempDir('sluice-broker-log-')), '--log-format', 'json']);
    const [out, err] = await Promise.all([
      waitForOutput(child, LISTENING),
      waitForStderr(child, /"msg":"broker listening"/),
    ]);
    await stop(child);
    const entries = err
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { level: number; msg: string; component?: string });
    assert.ok(
      entries.some((e) => e.msg === 'broker listening' && e.level === 30 && e.component === 'broker'),
      err,
    );
    assert.doesNotMatch(out, /"level"/);
  });

  it('writes one readable line per entry with --log-format human', async () => {
    const child = spawnCli([...brokerArgs(tempDir('sluice-broker-log-')), '--log-format', 'human']);
    await waitForOutput(child, LISTENING);
    const err = await waitForStderr(child, /broker listening/);
    await stop(child);
    const lines = err.trim().split('\n');
    for (const line of lines) assert.match(line, HUMAN_LINE);
    assert.ok(
      lines.some((l) => / broker +broker listening host=127\.0\.0\.1 port=\d+ /.test(l)),
      err,
    );
  });

  it('exits 2 with the usage on an unknown --log-format', async () => {
    const bad = await collect(spawnCli(['broker', '--log-format', 'xml']), 10_000);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--log-format must be one of json, human, got 'xml'/);
    assert.match(bad.stderr, /Usage: sluice broker/);
    assert.match(bad.stderr, /--log-format F/);
  });
});
