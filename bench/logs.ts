// The log monitor under load: `sluice start` as a child process; ~1 GiB of log lines written into
// the logs topic by a franz-go generator (ingest and indexing rates), Loki push over HTTP, then
// a full scan, a selective and a metric query over what was written; peak RSS.
//
//   node dist/bench/logs.js [--bytes N] [--push-bytes N] [--quick] [--out FILE] [--cpu-prof DIR]

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { indexStats, queryRange, type Window, waitIndexed } from './lib/logs/loki.js';
import { pushLoad } from './lib/logs/push.js';
import { type LogsFigures, renderLogs } from './lib/logs/report.js';
import { type RunningPlatform, startPlatform } from './lib/logs/sluice-platform.js';
import { gitState, machineInfo } from './lib/machine.js';
import { installSignalHandlers, peakRssKiB, procStat, run } from './lib/processes.js';
import { writeSection } from './lib/sections.js';
import { sluiceVersion } from './lib/sluice-broker.js';

const MS_NS = 1_000_000n;
const MINUTE_NS = 60_000n * MS_NS;
const ALL = '{service=~".+"}';
const SELECTIVE = '{service="payments"}';
const METRIC = `sum by (level) (count_over_time(${ALL}[1m]))`;
const PUSH_SENDERS = 4;
const PUSH_BATCH = 1000;

interface ProduceResult {
  lines: number;
  bytes: number;
  seconds: number;
  avgLineBytes: number;
  jsonLines: number;
  services: number;
  firstUnixMs: number;
  lastUnixMs: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      bytes: { type: 'string' },
      'push-bytes': { type: 'string' },
      quick: { type: 'boolean' },
      out: { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
  });
  const quick = values.quick ?? false;
  const bytes = Number(values.bytes ?? (quick ? 32 * 2 ** 20 : 2 ** 30));
  const pushBytes = Number(values['push-bytes'] ?? (quick ? 8e6 : 100e6));
  const root = fileURLToPath(new URL('../../', import.meta.url));
  installSignalHandlers();
  const machine = machineInfo();

  const gen = join(root, 'bench', '.bin', 'loadgen-logs');
  const built = await run('go', ['build', '-o', gen, '.'], {
    cwd: join(root, 'bench', 'loadgen-logs'),
    timeoutMs: 10 * 60_000,
  });
  if (built.code !== 0) throw new Error(`go build of bench/loadgen-logs failed:\n${built.stderr}`);
  const goVersion = (await run('go', ['version'], { timeoutMs: 30_000 })).stdout
    .trim()
    .replace(/^go version /, '');
  const franzGo =
    /github\.com\/twmb\/franz-go (v\S+)/.exec(
      readFileSync(join(root, 'bench/loadgen-logs/go.mod'), 'utf8'),
    )?.[1] ?? 'unknown';

  const workDir = mkdtempSync(join(tmpdir(), 'sluice-bench-logs-'));
  const nodeArgs = values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : [];
  let platform: RunningPlatform | undefined;
  try {
    platform = await startPlatform({ repoRoot: root, workDir, nodeArgs });
    const { httpUrl, bootstrap } = platform;
    console.log(`sluice start: kafka ${bootstrap}, http ${httpUrl} (pid ${platform.pid})`);

    // (a) Ingest through the topic.
    const produceArgs = [
      'produce',
      '--brokers',
      bootstrap,
      '--topic',
      'sluice-logs',
      '--bytes',
      String(bytes),
    ];
    console.log(`producing ${(bytes / 1e6).toFixed(0)} MB of lines ...`);
    const began = performance.now();
    const produced = await run(gen, produceArgs, { timeoutMs: 60 * 60_000 });
    const producedAt = performance.now();
    if (produced.code !== 0) throw new Error(`loadgen-logs failed: ${produced.stderr}`);
    const p = JSON.parse(produced.stdout) as ProduceResult;
    console.log(
      `produced ${p.lines} lines in ${p.seconds.toFixed(1)} s (${Math.round(p.lines / p.seconds)} lines/s); waiting for the index`,
    );
    const topicWindow: Window = {
      startNs: BigInt(p.firstUnixMs) * MS_NS - MINUTE_NS,
      endNs: BigInt(p.lastUnixMs) * MS_NS + MINUTE_NS,
    };
    let lastReport = 0;
    const indexedAt = await waitIndexed(httpUrl, topicWindow, p.lines, 120_000, (seen) => {
      if (performance.now() - lastReport > 5000) {
        lastReport = performance.now();
        console.log(`  indexed ${seen} of ${p.lines}`);
      }
    });
    const indexSeconds = (indexedAt - began) / 1000;
    console.log(`indexed everything ${indexSeconds.toFixed(1)} s after the first line was sent`);

    // (c) Queries over the lines written in (a).
    const scanStats = await indexStats(httpUrl, ALL, topicWindow);
    const scanMs: number[] = [];
    for (let i = 0; i < 2; i++) {
      const q = await queryRange(httpUrl, { query: `${ALL} |= "no-such-text"`, limit: '100' }, topicWindow);
      if (q.body.data.result.length !== 0) throw new Error('the no-match query returned lines');
      scanMs.push(q.ms);
      console.log(`full scan: ${(q.ms / 1000).toFixed(1)} s`);
    }
    const selStats = await indexStats(httpUrl, SELECTIVE, topicWindow);
    const sel = await queryRange(
      httpUrl,
      { query: `${SELECTIVE} |= "no-such-text"`, limit: '100' },
      topicWindow,
    );
    console.log(
      `selective scan: ${(sel.ms / 1000).toFixed(1)} s, ${selStats.chunks} of ${scanStats.chunks} chunks`,
    );
    const metric = await queryRange(httpUrl, { query: METRIC, step: '60' }, topicWindow);
    const series = metric.body.data.result as { values: [number, string][] }[];
    const counted = series.reduce((sum, s) => sum + s.values.reduce((a, [, v]) => a + Number(v), 0), 0);
    console.log(`metric query: ${(metric.ms / 1000).toFixed(1)} s, ${counted} lines counted`);

    // (b) Ingest through Loki push.
    console.log(`pushing ${(pushBytes / 1e6).toFixed(0)} MB over HTTP ...`);
    const pushBegan = performance.now();
    const push = await pushLoad(httpUrl, pushBytes, PUSH_BATCH, PUSH_SENDERS);
    const pushWindow: Window = { startNs: topicWindow.startNs, endNs: push.lastNs + MINUTE_NS };
    const pushIndexedAt = await waitIndexed(httpUrl, pushWindow, p.lines + push.lines);
    console.log(`pushed ${push.lines} lines in ${push.seconds.toFixed(1)} s`);

    const peak = peakRssKiB(platform.pid) ?? 0;
    const cpu = procStat(platform.pid)?.cpuSeconds ?? 0;
    const notes: string[] = [];
    if (counted !== p.lines)
      notes.push(
        `The metric query counted ${counted} lines of ${p.lines}: its 1-minute windows are left-open, ` +
          'so a line exactly on a step boundary of the range start is outside the first one.',
      );
    const figures: LogsFigures = {
      when: new Date().toISOString(),
      command: `npm run build && node dist/bench/logs.js${values.bytes ? ` --bytes ${bytes}` : ''}${quick ? ' --quick' : ''}`,
      platformCommand: platform.command,
      produceCommand: `bench/.bin/loadgen-logs ${produceArgs.slice(0, 2).join(' ')} HOST:PORT ${produceArgs.slice(3).join(' ')}`,
      machine,
      versions: { sluice: sluiceVersion(root), git: await gitState(root), go: goVersion, franzGo },
      produce: {
        lines: p.lines,
        bytes: p.bytes,
        seconds: p.seconds,
        avgLineBytes: p.avgLineBytes,
        jsonShare: p.jsonLines / p.lines,
        services: p.services,
      },
      indexSeconds,
      indexLagSeconds: (indexedAt - producedAt) / 1000,
      scan: { stats: scanStats, ms: scanMs },
      selective: { selector: SELECTIVE, stats: selStats, ms: sel.ms },
      metric: { query: METRIC, ms: metric.ms, series: series.length, counted },
      push: {
        lines: push.lines,
        bytes: push.bytes,
        seconds: push.seconds,
        requests: push.requests,
        senders: PUSH_SENDERS,
        batch: PUSH_BATCH,
        indexSeconds: (pushIndexedAt - pushBegan) / 1000,
      },
      peakRssMiB: peak / 1024,
      cpuSeconds: cpu,
      notes,
    };
    const report = renderLogs(figures);
    // A full run becomes the logs section of docs/benchmarks.md; smoke runs stay in bench/results.
    let out = values.out;
    if (out === undefined && !values.quick) out = writeSection(root, 'logs', report);
    out ??= join(root, 'bench', 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}-logs.md`);
    mkdirSync(join(out, '..'), { recursive: true });
    writeFileSync(out, report);
    console.log(`\n${report}\nwritten to ${out}`);
  } catch (err) {
    if (platform) console.error(`sluice log tail:\n${platform.logTail(20)}`);
    throw err;
  } finally {
    const note = await platform?.stop();
    if (note) console.error(`sluice start ${note}`);
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
