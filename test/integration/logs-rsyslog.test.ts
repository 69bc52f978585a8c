// A real rsyslog (Debian's rsyslog with rsyslog-kafka's omkafka) ships a line into the logs topic
// with omkafka's default template (RSYSLOG_FileFormat), and the line comes back from Loki's
// query_range with the labels read from its syslog header and its own timestamp.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestPlatform, type TestPlatform } from '../helpers/platform-fixture.js';
import { eventually, freePort } from '../helpers/waiting.js';

const RSYSLOGD = process.env.SLUICE_RSYSLOGD ?? '/usr/sbin/rsyslogd';
const OMKAFKA = '/usr/lib/x86_64-linux-gnu/rsyslog/omkafka.so';

function rsyslogMissing(): string | undefined {
  if (spawnSync(RSYSLOGD, ['-v'], { encoding: 'utf8' }).status !== 0)
    return `${RSYSLOGD} is not installed (Debian package rsyslog)`;
  // The module directory differs per architecture; ask rsyslogd where it looks when not on amd64.
  if (!existsSync(OMKAFKA) && !process.env.SLUICE_RSYSLOG_MODULES)
    return 'omkafka is not installed (Debian package rsyslog-kafka)';
  return undefined;
}

const missing = rsyslogMissing();
const skip = missing && !process.env.CI ? missing : false;

/** rsyslog with its own work directory and pid file, a TCP input on loopback, omkafka out. */
function rsyslogConfig(dir: string, tcpPort: number, bootstrap: string): string {
  const modules = process.env.SLUICE_RSYSLOG_MODULES;
  return `global(workDirectory="${join(dir, 'work')}"${modules ? ` moddir="${modules}"` : ''})
module(load="imtcp")
module(load="omkafka")
input(type="imtcp" address="127.0.0.1" port="${tcpPort}")
# No template: omkafka's default, RSYSLOG_FileFormat. A short linger so the test sees the line soon.
action(type="omkafka" broker=["${bootstrap}"] topic="sluice-logs"
       confParam=["queue.buffering.max.ms=10", "socket.timeout.ms=5000"])
`;
}

function sendTcp(port: number, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text, () => resolve()));
    socket.once('error', reject);
  });
}

interface Stream {
  stream: Record<string, string>;
  values: [string, string][];
}

describe('a line shipped by a real rsyslog (omkafka, default template)', { skip, timeout: 30_000 }, () => {
  let platform: TestPlatform;
  let rsyslog: ChildProcess | undefined;
  let output = '';
  let dir: string;
  let tcpPort: number;

  before(async () => {
    platform = await startTestPlatform();
    dir = mkdtempSync(join(tmpdir(), 'sluice-rsyslog-'));
    mkdirSync(join(dir, 'work'));
    tcpPort = await freePort();
    const conf = join(dir, 'rsyslog.conf');
    writeFileSync(conf, rsyslogConfig(dir, tcpPort, platform.broker.bootstrap));
    rsyslog = spawn(RSYSLOGD, ['-n', '-f', conf, '-i', join(dir, 'rsyslogd.pid')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    rsyslog.stdout?.on('data', (b: Buffer) => {
      output += b.toString();
    });
    rsyslog.stderr?.on('data', (b: Buffer) => {
      output += b.toString();
    });
    // rsyslogd is ready when its TCP input accepts connections.
    await eventually(`rsyslogd to listen on ${tcpPort}`, 10_000, async () => {
      if (rsyslog?.exitCode !== null) throw new Error(`rsyslogd exited: ${output}`);
      await new Promise<void>((resolve, reject) => {
        const s = connect(tcpPort, '127.0.0.1', () => {
          s.destroy();
          resolve();
        });
        s.once('error', reject);
      });
      return true;
    });
  });

  after(async () => {
    if (rsyslog && rsyslog.exitCode === null) {
      const exited = new Promise((r) => rsyslog?.once('exit', r));
      rsyslog.kill('SIGTERM');
      const timer = setTimeout(() => rsyslog?.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    await platform?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('appears in query_range with service, host and level from the syslog line, at its own time', async () => {
    // A BSD-style syslog message (what syslog(3) and logger send) with an RFC 3339 time, which
    // rsyslog's RFC 3164 parser accepts: a microsecond time a minute ago, so it can be checked to
    // the microsecond (RSYSLOG_FileFormat keeps six fraction digits) and is not the arrival time.
    const sentMs = Date.now() - 60_000;
    const micros = '654321';
    const iso = `${new Date(sentMs).toISOString().slice(0, 19)}.${micros}Z`;
    const marker = `rsyslog-proof-${process.pid}-${sentMs}`;
    const message = `ERROR payment declined for order 7781 (${marker})`;
    await sendTcp(tcpPort, `<11>${iso} web-7 checkout[4242]: ${message}\n`);

    const startNs = BigInt(sentMs - 10 * 60_000) * 1_000_000n;
    const endNs = BigInt(Date.now() + 60_000) * 1_000_000n;
    const found = await eventually('the rsyslog line in query_range', 15_000, async () => {
      const params = new URLSearchParams({
        query: `{service=~".+"} |= "${marker}"`,
        start: String(startNs),
        end: String(endNs),
        limit: '10',
      });
      const res = await platform.get(`/loki/api/v1/query_range?${params}`);
      const body = (await res.json()) as { data: { resultType: string; result: Stream[] } };
      return body.data.result.length > 0 ? body.data : undefined;
    }).catch((err: Error) => {
      throw new Error(`${err.message}\nrsyslogd said:\n${output}`);
    });

    assert.equal(found.resultType, 'streams');
    assert.equal(found.result.length, 1);
    const [{ stream, values }] = found.result;
    assert.equal(values.length, 1);
    const [ts, line] = values[0];
    // The line as omkafka shipped it: `TIME HOST TAG MSG` (RSYSLOG_FileFormat).
    assert.match(
      line,
      new RegExp(`^\\S+T\\S+ web-7 checkout\\[4242\\]: ${message.replace(/[()]/g, '\\$&')}$`),
    );
    assert.equal(stream.service, 'checkout');
    assert.equal(stream.host, 'web-7');
    assert.equal(stream.level, 'error');
    const expectedNs = BigInt(Math.floor(sentMs / 1000)) * 1_000_000_000n + BigInt(micros) * 1000n;
    assert.equal(ts, String(expectedNs));
  });
});
