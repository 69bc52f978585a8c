// `sluice logs query|tail|push` as users run them: the compiled CLI in child processes against an
// in-process platform's Loki API. Lines pushed from stdin come back from queries with their labels
// and read-time timestamps; tail shows history then live lines, coloured by level; bad LogQL is one
// line and exit 1; bad command lines exit 2.

import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { type CliResult, collect, lines, spawnCli, stop } from '../helpers/cli-process.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform-fixture.js';
import { eventually, freePort } from '../helpers/waiting.js';

interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
}

const ESC = '\x1b';

describe('sluice logs', () => {
  let platform: TestPlatform;
  let env: NodeJS.ProcessEnv;

  /** Runs `sluice logs ARGS` to completion against the platform, feeding `input` on stdin. */
  const logs = (args: string[], options: RunOptions = {}): Promise<CliResult> => {
    const child = spawnCli(['logs', ...args], { ...env, ...options.env });
    const result = collect(child, 20_000);
    child.stdin?.end(options.input ?? '');
    return result;
  };

  /** Waits until the store answers `count` entries for a selector (pushed lines are indexed a bit later). */
  const indexed = (selector: string, count: number) =>
    eventually(`${count} entries for ${selector}`, 15_000, async () => {
      const res = await platform.get(`/loki/api/v1/index/stats?${new URLSearchParams({ query: selector })}`);
      return ((await res.json()) as { entries: number }).entries === count ? true : undefined;
    });

  before(async () => {
    platform = await startTestPlatform();
    env = { SLUICE_URL: platform.http.url, NO_COLOR: '', FORCE_COLOR: '' };
    const info = await logs(['push', '--service', 'billing', '--label', 'env=test', '--level', 'info'], {
      input: 'invoice 1 sent\ninvoice 2 sent\ninvoice 3 sent\n',
    });
    assert.equal(info.code, 0, info.stderr);
    assert.equal(info.stderr, 'pushed 3 lines to {service="billing", level="info", env="test"}\n');
    const errors = await logs(['push', '--service', 'billing', '--label', 'env=test', '--level', 'error'], {
      input: 'card declined\r\ncard expired',
    });
    assert.equal(errors.code, 0, errors.stderr);
    assert.match(errors.stderr, /^pushed 2 lines/);
    await indexed('{service="billing"}', 5);
  });
  after(() => platform?.dispose());

  it('query prints pushed lines newest first with timestamp and labels, and honours --limit', async () => {
    const result = await logs(['query', '{service="billing"}']);
    assert.equal(result.code, 0, result.stderr);
    const out = lines(result.stdout);
    const labels = (level: string) => `{env="test", level="${level}", service="billing"}`;
    const stamp = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z';
    assert.equal(out.length, 5, result.stdout);
    assert.match(out[0] ?? '', new RegExp(`^${stamp} ${escapeRegExp(labels('error'))} card expired$`));
    assert.match(out[4] ?? '', new RegExp(`^${stamp} ${escapeRegExp(labels('info'))} invoice 1 sent$`));

    const limited = await logs(['query', '{service="billing"}', '--limit', '2', '-o', 'raw']);
    assert.deepEqual(lines(limited.stdout), ['card expired', 'card declined']);
    const errorsOnly = await logs(['query', '{service="billing", level="error"} |= "declined"', '-o', 'raw']);
    assert.deepEqual(lines(errorsOnly.stdout), ['card declined']);
  });

  it('query --forward -o jsonl gives every line oldest first with strictly increasing timestamps', async () => {
    const result = await logs(['query', '{env="test"}', '--forward', '--output', 'jsonl', '--since', '10m']);
    assert.equal(result.code, 0, result.stderr);
    const entries = lines(result.stdout).map(
      (l) => JSON.parse(l) as { labels: Record<string, string>; line: string; timestamp: string },
    );
    assert.deepEqual(
      entries.map((e) => e.line),
      ['invoice 1 sent', 'invoice 2 sent', 'invoice 3 sent', 'card declined', 'card expired'],
    );
    assert.deepEqual(entries[0]?.labels, { env: 'test', level: 'info', service: 'billing' });
    // Nine fractional digits: the exact nanosecond timestamps, which the pusher keeps increasing.
    const stamps = entries.map((e) => e.timestamp);
    for (const stamp of stamps) assert.match(stamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    for (let i = 1; i < stamps.length; i++)
      assert.ok((stamps[i] ?? '') > (stamps[i - 1] ?? ''), stamps.join());
  });

  it('query --from/--to selects a range that can exclude everything', async () => {
    const result = await logs([
      'query',
      '{service="billing"}',
      '--from',
      '2020-01-01T00:00:00Z',
      '--to',
      '2020-01-01T01:00:00Z',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
  });

  it('metric queries print {labels} value, and one line per step with --step', async () => {
    const vector = await logs(['query', 'sum by (level) (count_over_time({service="billing"}[10m]))']);
    assert.equal(vector.code, 0, vector.stderr);
    assert.deepEqual(lines(vector.stdout).sort(), ['{level="error"} 2', '{level="info"} 3']);

    const matrix = await logs([
      'query',
      'sum(count_over_time({service="billing"}[10m]))',
      '--step',
      '1m',
      '--since',
      '5m',
    ]);
    assert.equal(matrix.code, 0, matrix.stderr);
    const points = lines(matrix.stdout);
    assert.ok(points.length >= 1 && points.length <= 6, matrix.stdout);
    for (const point of points) assert.match(point, /^\d{4}-\d\d-\d\dT[\d:.]+Z \{\} \d+$/);
    assert.match(points.at(-1) ?? '', / 5$/);
  });

  it('a query the server rejects prints its message on one line and exits 1', async () => {
    const result = await logs(['query', '{service="billing"']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(lines(result.stderr).length, 1, result.stderr);
    assert.match(result.stderr, /^sluice: parse error at line 1, col \d+: syntax error/);
  });

  it('tail shows recent lines, then new ones as they are pushed, coloured by level', async () => {
    await logs(['push', '--service', 'shipping', '--level', 'info'], { input: 'before the tail\n' });
    await indexed('{service="shipping"}', 1);
    const tail = spawnCli(['logs', 'tail', '{service="shipping"}', '--since', '5m'], {
      ...env,
      FORCE_COLOR: '1',
    });
    const output = collect(tail, 20_000);
    const waitFor = watch(tail);
    await waitFor(/before the tail/);
    for (const [level, line] of [
      ['error', 'parcel lost'],
      ['warn', 'parcel late'],
      ['debug', 'parcel weighed'],
    ]) {
      const pushed = await logs(['push', '--service', 'shipping', '--level', level ?? ''], {
        input: `${line}\n`,
      });
      assert.equal(pushed.code, 0, pushed.stderr);
    }
    await waitFor(/parcel weighed/);
    await stop(tail);
    const result = await output;
    assert.equal(result.code, 0, result.stderr);
    const out = lines(result.stdout);
    assert.equal(out.length, 4, result.stdout);
    assert.ok(out[0]?.endsWith(' before the tail') && !out[0].includes(ESC), out[0]);
    assert.match(out[1] ?? '', new RegExp(`^${ESC}\\[31m.* parcel lost${ESC}\\[0m$`));
    assert.match(out[2] ?? '', new RegExp(`^${ESC}\\[33m.* parcel late${ESC}\\[0m$`));
    assert.match(out[3] ?? '', new RegExp(`^${ESC}\\[2m.* parcel weighed${ESC}\\[0m$`));
  });

  it('tail --no-color prints plain lines even when colour is forced', async () => {
    const tail = spawnCli(
      ['logs', 'tail', '{service="shipping", level="error"}', '--no-color', '-o', 'raw'],
      {
        ...env,
        FORCE_COLOR: '1',
      },
    );
    const output = collect(tail, 20_000);
    await watch(tail)(/parcel lost/);
    tail.kill('SIGINT');
    const result = await output;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'parcel lost\n');
  });

  it('tail exits 1 with the reason when the server refuses the query', async () => {
    const bad = await logs(['tail', '{service="shipping"']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^sluice: parse error at line 1, col \d+: syntax error.*\n$/);
    const metric = await logs(['tail', 'count_over_time({service="shipping"}[1m])']);
    assert.equal(metric.code, 1);
    assert.equal(metric.stderr, 'sluice: tail needs a log query, not a metric query\n');
  });

  it('reports unreachable servers and HTTP errors on one line, exit 1', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const query = await logs(['query', '{a="b"}', '--url', closed]);
    assert.equal(query.code, 1);
    assert.equal(query.stderr, `sluice: cannot reach ${closed} (ECONNREFUSED)\n`);
    const tail = await logs(['tail', '{a="b"}', '--url', closed]);
    assert.equal(tail.code, 1);
    assert.equal(tail.stderr, `sluice: cannot reach ${closed} (ECONNREFUSED)\n`);
    const push = await logs(['push', '--url', `${platform.http.url}/not-loki/`], { input: 'x\n' });
    assert.equal(push.code, 1);
    assert.match(
      push.stderr,
      /^pushed 0 lines .*\nsluice: HTTP 404 Not Found from \/not-loki\/loki\/api\/v1\/push/,
    );
  });

  it('exits 2 on bad command lines, before contacting anything; --help exits 0', async () => {
    const help = await logs(['--help']);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /^Usage: sluice logs <query\|tail\|push>/);
    const cases: [string[], RegExp][] = [
      [[], /missing subcommand/],
      [['query'], /missing LOGQL/],
      [['query', '{a="b"}', '--limit', '0'], /--limit must be an integer >= 1/],
      [['query', '{a="b"}', '--since', '1 hour'], /--since must be a duration/],
      [['query', '{a="b"}', '--from', '2024-01-01T00:00:00Z', '--since', '1h'], /cannot be used together/],
      [['query', '{a="b"}', '-o', 'xml'], /--output must be one of default, raw, jsonl/],
      [['tail', '{a="b"}', '--forward'], /'--forward' does not apply to 'logs tail'/],
      [['push', '--label', 'not a label=x'], /--label name must match/],
      [['query', '{a="b"}', '--url', 'localhost:8080'], /--url must be an http/],
    ];
    const results = await Promise.all(cases.map(([args]) => logs(args)));
    results.forEach((result, i) => {
      const [args, message] = cases[i] ?? [[], /./];
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.match(result.stderr, /Usage: sluice logs/);
    });
  });
});

/** The child's stdout so far, and a wait for text in it (collect() reads the same stream). */
function watch(child: ChildProcess): (pattern: RegExp, timeoutMs?: number) => Promise<void> {
  let seen = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer | string) => {
    seen += chunk.toString();
    for (const check of waiters) check();
  });
  return (pattern, timeoutMs = 15_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no ${pattern} in output: ${seen}`));
      }, timeoutMs);
      const check = () => {
        if (!pattern.test(seen)) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
      check();
    });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
